import { KvmkitError } from '../base/errors.ts';
import { MAX_READ_BYTES } from '../base/bounds.ts';
import { HEAD_BYTES, looksLikeElfOrMinidump, openSource, type ByteSource } from '../base/source.ts';
import { getLayout, type StructLayout } from '../layout/index.ts';
import { isElf, readProcstatNote } from './core.ts';
import { detect, DETECT_HEAD_BYTES, type Candidate } from './detect.ts';
import { decodeRecords, wholeRecords } from './records.ts';
import type { KRecord } from './values.ts';

export interface RecordsInput {
  file: string;
  kind: 'core' | 'raw';
  layout: StructLayout;
  bytes: Uint8Array;
  /** File offset of the first record. */
  offset: number;
  records: KRecord[];
  /** When the layout was detected: every candidate, best first (more than one = ambiguous). */
  candidates?: Candidate[];
  truncated?: { wholeRecords: number; trailingBytes: number };
}

export interface ReadOptions { struct?: string; arch?: string; rev?: string; partial?: boolean }

/** Whole records of a file, a chunk at a time: `first` is the index of the chunk's first record. */
export interface RecordChunk { first: number; offset: number; bytes: Uint8Array }

/**
 * A records file opened for streaming: the layout is known (given or detected from the head), the
 * records are read in chunks, so memory stays flat however large the file or core note is.
 */
export interface RecordStream {
  file: string;
  kind: 'core' | 'raw';
  layout: StructLayout;
  /** File offset of the first record. */
  offset: number;
  /** Bytes of records (whole and trailing). */
  length: number;
  /** Whole records. */
  count: number;
  candidates?: Candidate[];
  truncated?: { wholeRecords: number; trailingBytes: number };
  /** The open file (closed by close()). */
  source: ByteSource;
  /** The whole records in order, at most `per` to a chunk (default: ~4 MiB worth). */
  chunks(per?: number): Generator<RecordChunk>;
  close(): void;
}

/** Bytes of records per chunk when streaming: large enough that per-chunk costs vanish, small enough to stay flat. */
export const CHUNK_BYTES = 1 << 22;

/**
 * What a compressed records input may start with: an ELF core, or a raw array whose first int32
 * (ki_structsize) is a plausible record size or 0 (libkvm's dead-kernel records) in either byte order,
 * and whose first bytes are not all zero.
 */
export function looksLikeRecords(head: Uint8Array): boolean {
  if (looksLikeElfOrMinidump(head)) return true;
  // All zeros is what a bomb inflates to; a record always has a non-zero byte in its first 64 (ki_layout, a pointer, a pid).
  if (head.length < 4 || head.every((b) => b === 0)) return false;
  const v = new DataView(head.buffer, head.byteOffset, Math.min(head.length, HEAD_BYTES));
  const plausible = (n: number) => n === 0 || (n >= 256 && n <= 1 << 16);
  return plausible(v.getInt32(0, true)) || plausible(v.getInt32(0, false));
}

/**
 * Open records: a FreeBSD process core (its NT_PROCSTAT_PROC note) or a raw array of records
 * (`sysctl -b kern.proc.*`, `kvmkit sysctl -o`, `kvmkit ps --raw`). With struct, arch and revision
 * all given nothing is guessed; otherwise the layout is detected from the first records and every
 * candidate is reported back.
 */
export function openRecordsFile(file: string, opts: ReadOptions = {}): RecordStream {
  const src = openSource(file, { accept: looksLikeRecords, expected: 'a FreeBSD core or a records file' });
  try {
    return recordStream(src, file, opts);
  } catch (e) {
    src.close();
    throw e;
  }
}

function recordStream(src: ByteSource, file: string, opts: ReadOptions): RecordStream {
  let kind: 'core' | 'raw';
  let offset = 0, length: number;
  let hints: Parameters<typeof detect>[1] = {};
  if (isElf(src)) {
    const note = readProcstatNote(src);
    offset = note.offset;
    length = note.length;
    kind = 'core';
    hints = { archHints: note.archHints, recordSize: note.recordSize };
    if (length % note.recordSize !== 0 && !opts.partial) {
      throw new KvmkitError(`NT_PROCSTAT_PROC holds ${length} bytes of records, not a multiple of its record size ${note.recordSize}`, { file, offset });
    }
  } else {
    if (src.size === 0) throw new KvmkitError('empty file: no records', { file });
    length = src.size;
    kind = 'raw';
  }
  let layout: StructLayout;
  let candidates: Candidate[] | undefined;
  if (opts.struct && opts.arch && opts.rev) layout = getLayout(opts.struct, opts.arch, opts.rev);
  else {
    const total = hints.recordSize ? length - (length % hints.recordSize) : length;
    const head = src.read(offset, Math.min(total, DETECT_HEAD_BYTES));
    candidates = detect(head, { ...hints, totalLength: total }).filter((c) => (!opts.struct || c.struct === opts.struct) && (!opts.arch || c.arch === opts.arch) && (!opts.rev || c.revision === opts.rev));
    if (!candidates.length) {
      throw new KvmkitError(`no known layout fits ${length} bytes${opts.struct || opts.arch || opts.rev ? ' with the given --struct/--arch/--rev' : ''} (ki_structsize and length checked for every struct, arch and revision); give --struct, --arch and --rev`, { file, offset });
    }
    layout = candidates[0].layout;
  }
  const { whole, rest } = wholeRecords(layout, length, { file, partial: opts.partial, baseOffset: offset });
  return {
    file, kind, layout, offset, length, count: whole, candidates, source: src,
    truncated: rest ? { wholeRecords: whole, trailingBytes: rest } : undefined,
    *chunks(per = Math.max(1, Math.floor(CHUNK_BYTES / layout.size))) {
      for (let first = 0; first < whole; first += per) {
        const n = Math.min(per, whole - first);
        const at = offset + first * layout.size;
        yield { first, offset: at, bytes: src.read(at, n * layout.size) };
      }
    },
    close: () => src.close(),
  };
}

/**
 * Read records into memory at once (the library call for ordinary inputs; at most 1 GiB of records —
 * stream larger ones with openRecordsFile).
 */
export function readRecordsFile(file: string, opts: ReadOptions = {}): RecordsInput {
  const s = openRecordsFile(file, opts);
  try {
    if (s.length > MAX_READ_BYTES) throw new KvmkitError(`${s.length} bytes of records is more than kvmkit decodes in one go (1 GiB); stream them (openRecordsFile)`, { file });
    const bytes = s.length ? s.source.read(s.offset, s.length) : new Uint8Array(0);
    const dec = decodeRecords(s.layout, bytes, { file, partial: opts.partial, baseOffset: s.offset });
    return { file, kind: s.kind, layout: s.layout, bytes, offset: s.offset, records: dec.records, candidates: s.candidates, truncated: dec.truncated };
  } finally {
    s.close();
  }
}
