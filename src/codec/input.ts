import { KvmkitError } from '../base/errors.ts';
import { openSource } from '../base/source.ts';
import { getLayout, type StructLayout } from '../layout/index.ts';
import { isElf, readProcstatNote } from './core.ts';
import { detect, type Candidate } from './detect.ts';
import { decodeRecords } from './records.ts';
import type { RecordOf } from './typed.ts';
import type { KRecord } from './values.ts';

export interface RecordsInput<T = KRecord> {
  file: string;
  kind: 'core' | 'raw';
  layout: StructLayout;
  bytes: Uint8Array;
  /** File offset of the first record. */
  offset: number;
  records: T[];
  /** When the layout was detected: every candidate, best first (more than one = ambiguous). */
  candidates?: Candidate[];
  truncated?: { wholeRecords: number; trailingBytes: number };
}

export interface ReadOptions { struct?: string; arch?: string; rev?: string; partial?: boolean }

/**
 * Read records from a file: a FreeBSD process core (its NT_PROCSTAT_PROC note) or a raw array of
 * records (`sysctl -b kern.proc.*`, `kvmkit sysctl -o`, `kvmkit ps --raw`). With struct, arch and
 * revision all given nothing is guessed; otherwise the layout is detected and every candidate is
 * reported back.
 */
export function readRecordsFile<S extends string, A extends string, R extends string>(file: string, opts: ReadOptions & { struct: S; arch: A; rev: R }): RecordsInput<RecordOf<S, R, A>>;
export function readRecordsFile(file: string, opts?: ReadOptions): RecordsInput;
export function readRecordsFile(file: string, opts: ReadOptions = {}): RecordsInput {
  const src = openSource(file);
  try {
    let bytes: Uint8Array;
    let kind: 'core' | 'raw';
    let offset = 0;
    let hints: Parameters<typeof detect>[1] = {};
    if (isElf(src)) {
      const note = readProcstatNote(src);
      bytes = note.records;
      offset = note.offset;
      kind = 'core';
      hints = { archHints: note.archHints, recordSize: note.recordSize };
      if (bytes.length % note.recordSize !== 0 && !opts.partial) {
        throw new KvmkitError(`NT_PROCSTAT_PROC holds ${bytes.length} bytes of records, not a multiple of its record size ${note.recordSize}`, { file, offset });
      }
    } else {
      if (src.size === 0) throw new KvmkitError('empty file: no records', { file });
      if (src.size > 1 << 30) throw new KvmkitError(`${src.size} bytes is more than kvmkit decodes in one go (1 GiB)`, { file });
      bytes = src.read(0, src.size);
      kind = 'raw';
    }
    let layout: StructLayout;
    let candidates: Candidate[] | undefined;
    if (opts.struct && opts.arch && opts.rev) layout = getLayout(opts.struct, opts.arch, opts.rev);
    else {
      const whole = hints.recordSize ? bytes.subarray(0, bytes.length - (bytes.length % hints.recordSize)) : bytes;
      candidates = detect(whole, hints).filter((c) => (!opts.struct || c.struct === opts.struct) && (!opts.arch || c.arch === opts.arch) && (!opts.rev || c.revision === opts.rev));
      if (!candidates.length) {
        throw new KvmkitError(`no known layout fits ${bytes.length} bytes${opts.struct || opts.arch || opts.rev ? ' with the given --struct/--arch/--rev' : ''} (ki_structsize and length checked for every struct, arch and revision); give --struct, --arch and --rev`, { file, offset });
      }
      layout = candidates[0].layout;
    }
    const dec = decodeRecords(layout, bytes, { file, partial: opts.partial, baseOffset: offset });
    return { file, kind, layout, bytes, offset, records: dec.records, candidates, truncated: dec.truncated };
  } finally {
    src.close();
  }
}
