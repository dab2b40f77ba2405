import { KvmkitError } from '../base/errors.ts';
import type { StructLayout } from '../layout/index.ts';
import { codecFor } from './generated.ts';
import type { RecordFor } from './typed.ts';
import type { KRecord } from './values.ts';

export interface DecodedRecords<T = KRecord> {
  layout: StructLayout;
  records: T[];
  /** Set when the input ended inside a record and the caller allowed a partial result. */
  truncated?: { wholeRecords: number; trailingBytes: number };
}

/**
 * Decode a raw array of records, as `sysctl -b kern.proc.all` writes them. A trailing partial
 * record is an error that says how many whole records were read; with `partial` they are kept
 * and the result is marked truncated instead — never silently dropped.
 */
export function decodeRecords<L extends StructLayout>(layout: L, bytes: Uint8Array, opts: { file?: string; partial?: boolean; baseOffset?: number } = {}): DecodedRecords<RecordFor<L>> {
  const whole = Math.floor(bytes.length / layout.size);
  const rest = bytes.length - whole * layout.size;
  if (rest && !opts.partial) {
    throw new KvmkitError(`input ends inside record ${whole}: ${whole} whole ${layout.size}-byte records, then ${rest} trailing bytes (use --partial to keep the whole records)`, {
      file: opts.file, offset: (opts.baseOffset ?? 0) + whole * layout.size, record: whole, struct: layout.struct, arch: layout.arch, revision: layout.revision,
    });
  }
  const codec = codecFor(layout);
  const records: KRecord[] = [];
  for (let i = 0; i < whole; i++) {
    try {
      records.push(codec.decode(bytes, i * layout.size));
    } catch (e) {
      if (e instanceof KvmkitError) throw new KvmkitError(e.text, { ...e.context, file: opts.file, record: i, offset: (opts.baseOffset ?? 0) + i * layout.size });
      throw e;
    }
  }
  return { layout, records: records as RecordFor<L>[], truncated: rest ? { wholeRecords: whole, trailingBytes: rest } : undefined };
}

export function encodeRecords(layout: StructLayout, records: KRecord[]): Uint8Array {
  const codec = codecFor(layout);
  const out = new Uint8Array(records.length * layout.size);
  records.forEach((r, i) => {
    try {
      codec.encode(r, out, i * layout.size);
    } catch (e) {
      if (e instanceof KvmkitError) throw new KvmkitError(e.text, { ...e.context, record: i, offset: i * layout.size, struct: layout.struct, arch: layout.arch, revision: layout.revision });
      throw e;
    }
  });
  return out;
}
