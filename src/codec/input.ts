import { KvmkitError } from '../base/errors.ts';
import { openSource } from '../base/source.ts';
import { getLayout, type StructLayout } from '../layout/index.ts';
import { isElf, readProcstatNote } from './core.ts';
import { detect, type Candidate } from './detect.ts';
import { decodeRecords } from './records.ts';
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
  /** With force: one line per record whose ki_structsize contradicts the pinned layout. */
  warnings?: string[];
}

export interface ReadOptions { struct?: string; arch?: string; rev?: string; partial?: boolean; force?: boolean }

/**
 * Read records from a file: a FreeBSD process core (its NT_PROCSTAT_PROC note) or a raw array of
 * records (`sysctl -b kern.proc.*`, `kvmkit sysctl -o`, `kvmkit ps --raw`). With struct, arch and
 * revision all given nothing is guessed; otherwise the layout is detected and every candidate is
 * reported back.
 */
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
    let warnings: string[] | undefined;
    if (opts.struct && opts.arch && opts.rev) {
      layout = getLayout(opts.struct, opts.arch, opts.rev);
      warnings = checkPinned(layout, bytes, { file, offset, force: !!opts.force });
    }
    else {
      const whole = hints.recordSize ? bytes.subarray(0, bytes.length - (bytes.length % hints.recordSize)) : bytes;
      candidates = detect(whole, hints).filter((c) => (!opts.struct || c.struct === opts.struct) && (!opts.arch || c.arch === opts.arch) && (!opts.rev || c.revision === opts.rev));
      if (!candidates.length) {
        throw new KvmkitError(`no known layout fits ${bytes.length} bytes${opts.struct || opts.arch || opts.rev ? ' with the given --struct/--arch/--rev' : ''} (ki_structsize and length checked for every struct, arch and revision); give --struct, --arch and --rev`, { file, offset });
      }
      layout = candidates[0].layout;
    }
    const dec = decodeRecords(layout, bytes, { file, partial: opts.partial, baseOffset: offset });
    return { file, kind, layout, bytes, offset, records: dec.records, candidates, truncated: dec.truncated, warnings };
  } finally {
    src.close();
  }
}

/**
 * A pinned layout is still checked against the bytes: every record's ki_structsize must be the
 * layout's size (or 0, what libkvm leaves in a dead kernel's records), read in the layout's byte
 * order — what fill_kinfo_proc (kern_proc.c) writes first. A contradiction is an error naming the
 * record and its offset; with force, one warning per record and the bytes are decoded anyway.
 */
function checkPinned(layout: StructLayout, bytes: Uint8Array, at: { file: string; offset: number; force: boolean }): string[] {
  const warnings: string[] = [];
  const leaf = layout.leaf('ki_structsize');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.floor(bytes.length / layout.size);
  for (let i = 0; i < n; i++) {
    const o = i * layout.size + leaf.offset;
    const got = view.getInt32(o, layout.littleEndian);
    if (got === layout.size || got === 0) continue;
    const swapped = view.getInt32(o, !layout.littleEndian);
    const why = `ki_structsize is ${got} (${swapped} in the other byte order), but ${layout.struct} on ${layout.arch} ${layout.revision} is ${layout.size} bytes: these bytes are not that layout`;
    if (!at.force) throw new KvmkitError(`${why}; drop --arch/--rev to detect the layout, or give --force to decode anyway`, { file: at.file, record: i, field: 'ki_structsize', offset: at.offset + o });
    warnings.push(`warning: record ${i} at offset ${at.offset + o}: ${why}`);
  }
  return warnings;
}
