import type { CommandModule } from 'yargs';
import { KvmkitError, UsageError } from '../../base/errors.ts';
import { CHUNK_BYTES, DETECT_HEAD_BYTES, decodeRecords, detect, encodeRecords, jsonArrayItems, openRecordsFile, recordFromJson, recordToJson, RecordView, type Candidate, type KRecord, type RecordStream } from '../../codec/index.ts';
import { isElf, readProcstatNote } from '../../codec/core.ts';
import { openSource } from '../../base/source.ts';
import { ARCHES, getLayout, revisionNames, type StructLayout } from '../../layout/index.ts';
import { printJson, toJson } from '../output.ts';
import { prepareOutput, streamOutput } from '../output-file.ts';
import { tableHeader, tableLine } from '../table.ts';

const STRUCTS = ['kinfo_proc', 'kinfo_proc32'];

function describe(c: Candidate): string {
  return `${c.struct} ${c.arch} ${c.revision} (score ${c.score}: ${c.reasons.join('; ') || 'no evidence either way'})`;
}

/** Whether any pid repeats (per-thread records): one pass over ki_pid only, stopping at the first repeat. */
function hasThreads(s: RecordStream): boolean {
  const seen = new Set<number>();
  for (const c of s.chunks()) {
    const v = new RecordView(s.layout, c.bytes);
    for (let o = 0; o < c.bytes.length; o += s.layout.size) {
      const pid = v.at(o).get('ki_pid') as number;
      if (seen.has(pid)) return true;
      seen.add(pid);
    }
  }
  return false;
}

/**
 * The records streamed to stdout a chunk at a time (flat memory for any input size): the ps-like
 * table under a line naming the layout, or the JSON array exactly as printJson would print it.
 */
function printRecords(s: RecordStream, json: boolean): void {
  const { layout } = s;
  const threads = !json && hasThreads(s);
  if (json) process.stdout.write(s.count ? '[\n  ' : '[]\n');
  else process.stdout.write(`${s.count} record(s) of struct ${layout.struct}, ${layout.arch}, ${layout.revision} (${layout.size} bytes each)\n${tableHeader(threads)}\n${s.count ? '' : '\n'}`);
  for (const c of s.chunks()) {
    const recs = decodeRecords(layout, c.bytes, { file: s.file, baseOffset: c.offset, firstRecord: c.first }).records;
    if (json) {
      const last = c.first + recs.length === s.count;
      process.stdout.write(recs.map((r) => toJson(recordToJson(layout, r)).replace(/\n/g, '\n  ')).join(',\n  ') + (last ? '\n]\n' : ',\n  '));
    } else process.stdout.write(recs.map((r) => tableLine(r as Record<string, any>, threads)).join('\n') + '\n');
  }
}

/** One element a time from the JSON array, encoded in chunks and handed to `write`. */
function encodeJsonFile(file: string, layout: StructLayout, write: (b: Uint8Array) => void): number {
  const src = openSource(file, { accept: (h) => /^\s*\[/.test(Buffer.from(h).toString('latin1')), expected: 'a JSON array' });
  let count = 0;
  try {
    const per = Math.max(1, Math.floor(CHUNK_BYTES / layout.size));
    let batch: KRecord[] = [];
    const flush = () => {
      write(encodeRecords(layout, batch, count - batch.length));
      batch = [];
    };
    for (const item of jsonArrayItems(src)) {
      batch.push(recordFromJson(layout, item.value, item.index));
      count++;
      if (batch.length === per) flush();
    }
    flush();
  } catch (e) {
    if (e instanceof KvmkitError) throw new KvmkitError(e.text, { ...e.context, file });
    throw e;
  } finally {
    src.close();
  }
  return count;
}

const decode: CommandModule = {
  command: 'decode <file>',
  describe: 'Decode kinfo_proc records: a raw array (sysctl -b kern.proc.*, kvmkit sysctl/ps --raw) or a FreeBSD core (NT_PROCSTAT_PROC note)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true })
      .option('struct', { type: 'string', choices: STRUCTS })
      .option('arch', { type: 'string', choices: [...ARCHES] })
      .option('rev', { type: 'string', describe: `revision: ${revisionNames().join(', ')}` })
      .option('json', { type: 'boolean', default: false, describe: 'array of records keyed by C field names' })
      .option('partial', { type: 'boolean', default: false, describe: 'keep the whole records before a truncated last one (marked on stderr)' })
      .example('$0 decode ../shared/corpus/user-cores/x86-64-freebsd.core', 'the record in a FreeBSD core, layout detected')
      .example('$0 decode procs.bin --struct kinfo_proc --arch arm64 --rev fbsd15 --json', 'a sysctl dump from an arm64 FreeBSD 15 machine')
      .epilogue('Without --struct/--arch/--rev the layout is detected from ki_structsize, byte order and plausibility; when several layouts fit, all are listed on stderr and the best is used.\nJSON: pointers are "0x…" strings; 64-bit integers are numbers when exact, else decimal strings; "_stale" carries bytes after string NULs and non-zero padding (hex) so that encode gives the same bytes back.'),
  handler: (a) => {
    const input = openRecordsFile(a.file as string, { struct: a.struct as string, arch: a.arch as string, rev: a.rev as string, partial: a.partial as boolean });
    try {
      if (input.candidates && input.candidates.length > 1) {
        process.stderr.write(`kvmkit: note: ${input.candidates.length} layouts fit ${a.file}; decoded as the first. Pass --struct/--arch/--rev to choose:\n${input.candidates.map((c) => '  ' + describe(c)).join('\n')}\n`);
      }
      if (input.truncated) process.stderr.write(`kvmkit: warning: ${a.file} ends inside record ${input.truncated.wholeRecords} (${input.truncated.trailingBytes} trailing bytes ignored); ${input.truncated.wholeRecords} whole records decoded (--partial)\n`);
      printRecords(input, a.json as boolean);
    } finally {
      input.close();
    }
  },
};

const encode: CommandModule = {
  command: 'encode <records>',
  describe: 'Encode records from JSON (the decode --json shape) into raw bytes',
  builder: (y) =>
    y
      .positional('records', { type: 'string', demandOption: true, describe: 'JSON file: an array of records' })
      .option('struct', { type: 'string', choices: STRUCTS, demandOption: true })
      .option('arch', { type: 'string', choices: [...ARCHES], demandOption: true })
      .option('rev', { type: 'string', demandOption: true })
      .option('o', { alias: 'output', type: 'string', demandOption: true, describe: 'output file' })
      .example('$0 decode core --json > recs.json && $0 encode recs.json --struct kinfo_proc --arch amd64 --rev fbsd14 -o recs.bin', 'round trip'),
  handler: (a) => {
    const layout = getLayout(a.struct as string, a.arch as string, a.rev as string);
    const dest = prepareOutput(a.o as string, 'o');
    const n = streamOutput(dest, (write) => encodeJsonFile(a.records as string, layout, write));
    process.stderr.write(`kvmkit: wrote ${n} record(s), ${n * layout.size} bytes, to ${a.o}\n`);
  },
};

const detectCmd: CommandModule = {
  command: 'detect <file>',
  describe: 'List every (struct, arch, revision) that could have produced a records file, best first',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }).example('$0 detect procs.bin', ''),
  handler: (a) => {
    const src = openSource(a.file as string);
    let bytes: Uint8Array;
    let hints = {};
    try {
      // Detection looks at the head and the total length only: a file of any size is fine.
      if (isElf(src)) {
        const n = readProcstatNote(src);
        hints = { archHints: n.archHints, recordSize: n.recordSize, totalLength: n.length };
        bytes = src.read(n.offset, Math.min(n.length, DETECT_HEAD_BYTES));
      } else {
        hints = { totalLength: src.size };
        bytes = src.read(0, Math.min(src.size, DETECT_HEAD_BYTES));
      }
    } finally {
      src.close();
    }
    const c = detect(bytes, hints);
    if (a.json) printJson(c.map(({ layout, ...rest }) => ({ ...rest, size: layout.size })));
    else if (!c.length) throw new UsageError(`no known layout fits ${a.file}`);
    else process.stdout.write(c.map(describe).join('\n') + '\n');
  },
};

export const commands = [decode, encode, detectCmd];
