import type { StructLayout } from '../layout/index.ts';
import { codecFor } from './generated.ts';
import type { KRecord } from './values.ts';

export * from './values.ts';
export * from './cstring.ts';
export * from './view.ts';
export * from './json.ts';
export * from './records.ts';
export * from './core.ts';
export * from './detect.ts';
export { codecFor, compiledCodec, interpretedCodec, codegenAvailable, type Codec } from './generated.ts';
export { restructureCodec } from './restructure-codec.ts';

/** Decode one record at `offset` with the fastest codec available. */
export function decodeRecord(layout: StructLayout, bytes: Uint8Array, offset = 0): KRecord {
  return codecFor(layout).decode(bytes, offset);
}

/** Encode one record (into `out` at `offset`, or a new buffer). */
export function encodeRecord(layout: StructLayout, record: KRecord, out?: Uint8Array, offset = 0): Uint8Array {
  return codecFor(layout).encode(record, out, offset);
}
export * from './input.ts';
export * from './json-stream.ts';
