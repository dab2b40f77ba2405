import { KvmkitError } from '../base/errors.ts';
import type { StructLayout } from '../layout/index.ts';
import { codecFor } from './generated.ts';
import type { KRecord } from './values.ts';

export interface DecodedRecords {
  layout: StructLayout;
  records: KRecord[];
  /** Set when the input ended inside a record and the caller allowed a partial result. */
  truncated?: { wholeRecords: number; trailingBytes: number };
}

/**
 * Decode a raw array of records, as `sysctl -b kern.proc.all` writes them. A trailing partial
 * record is an error that says how many whole records were read; with `partial` they are kept
 * and the result is marked truncated instead — never silently dropped.
 */
export interface DecodeOptions { file?: string; partial?: boolean; baseOffset?: number; /** Index of the first record in `bytes` (for errors, when decoding a file in chunks). */ firstRecord?: number }

/**
 * `length` bytes of `layout` records: how many whole ones, and the trailing bytes. Trailing bytes
 * are an error naming the record and offset unless the caller allows a partial result.
 */
export function wholeRecords(layout: StructLayout, length: number, opts: DecodeOptions = {}): { whole: number; rest: number } {
  const whole = Math.floor(length / layout.size);
  const rest = length - whole * layout.size;
  if (rest && !opts.partial) {
    throw new KvmkitError(`input ends inside record ${whole}: ${whole} whole ${layout.size}-byte records, then ${rest} trailing bytes (use --partial to keep the whole records)`, {
      file: opts.file, offset: (opts.baseOffset ?? 0) + whole * layout.size, record: whole, struct: layout.struct, arch: layout.arch, revision: layout.revision,
    });
  }
  return { whole, rest };
}

export function decodeRecords(layout: StructLayout, bytes: Uint8Array, opts: DecodeOptions = {}): DecodedRecords {
  const { whole, rest } = wholeRecords(layout, bytes.length, opts);
  const codec = codecFor(layout);
  const first = opts.firstRecord ?? 0;
  const records: KRecord[] = [];
  for (let i = 0; i < whole; i++) {
    try {
      records.push(codec.decode(bytes, i * layout.size));
    } catch (e) {
      if (e instanceof KvmkitError) throw new KvmkitError(e.text, { ...e.context, file: opts.file, record: first + i, offset: (opts.baseOffset ?? 0) + i * layout.size });
      throw e;
    }
  }
  return { layout, records, truncated: rest ? { wholeRecords: whole, trailingBytes: rest } : undefined };
}

export function encodeRecords(layout: StructLayout, records: KRecord[], firstRecord = 0): Uint8Array {
  const codec = codecFor(layout);
  const out = new Uint8Array(records.length * layout.size);
  records.forEach((r, i) => {
    try {
      codec.encode(r, out, i * layout.size);
    } catch (e) {
      const n = firstRecord + i;
      if (e instanceof KvmkitError) throw new KvmkitError(e.text, { ...e.context, record: n, offset: n * layout.size, struct: layout.struct, arch: layout.arch, revision: layout.revision });
      throw e;
    }
  });
  return out;
}
