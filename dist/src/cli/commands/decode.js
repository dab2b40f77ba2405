import * as fs from 'node:fs';
import { KvmkitError, UsageError } from "../../base/errors.js";
import { detect, encodeRecords, readRecordsFile, recordFromJson, recordToJson } from "../../codec/index.js";
import { isElf, readProcstatNote } from "../../codec/core.js";
import { openSource } from "../../base/source.js";
import { ARCHES, getLayout, revisionNames } from "../../layout/index.js";
import { printJson } from "../output.js";
import { tableHeader, tableLine } from "../table.js";
const STRUCTS = ['kinfo_proc', 'kinfo_proc32'];
function describe(c) {
    return `${c.struct} ${c.arch} ${c.revision} (score ${c.score}: ${c.reasons.join('; ') || 'no evidence either way'})`;
}
/** The records as the ps-like table, under a line naming the layout. */
function summary(layout, recs) {
    const threads = new Set(recs.map((r) => r.ki_pid)).size < recs.length;
    return `${recs.length} record(s) of struct ${layout.struct}, ${layout.arch}, ${layout.revision} (${layout.size} bytes each)\n${tableHeader(threads)}\n` + recs.map((r) => tableLine(r, threads)).join('\n');
}
const decode = {
    command: 'decode <file>',
    describe: 'Decode kinfo_proc records: a raw array (sysctl -b kern.proc.*, kvmkit sysctl/ps --raw) or a FreeBSD core (NT_PROCSTAT_PROC note)',
    builder: (y) => y
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
        const input = readRecordsFile(a.file, { struct: a.struct, arch: a.arch, rev: a.rev, partial: a.partial });
        const { layout } = input;
        if (input.candidates && input.candidates.length > 1) {
            process.stderr.write(`kvmkit: note: ${input.candidates.length} layouts fit ${a.file}; decoded as the first. Pass --struct/--arch/--rev to choose:\n${input.candidates.map((c) => '  ' + describe(c)).join('\n')}\n`);
        }
        if (input.truncated)
            process.stderr.write(`kvmkit: warning: ${a.file} ends inside record ${input.truncated.wholeRecords} (${input.truncated.trailingBytes} trailing bytes ignored); ${input.truncated.wholeRecords} whole records decoded (--partial)\n`);
        if (a.json)
            printJson(input.records.map((r) => recordToJson(layout, r)));
        else
            process.stdout.write(summary(layout, input.records) + '\n');
    },
};
const encode = {
    command: 'encode <records>',
    describe: 'Encode records from JSON (the decode --json shape) into raw bytes',
    builder: (y) => y
        .positional('records', { type: 'string', demandOption: true, describe: 'JSON file: an array of records' })
        .option('struct', { type: 'string', choices: STRUCTS, demandOption: true })
        .option('arch', { type: 'string', choices: [...ARCHES], demandOption: true })
        .option('rev', { type: 'string', demandOption: true })
        .option('o', { alias: 'output', type: 'string', demandOption: true, describe: 'output file' })
        .example('$0 decode core --json > recs.json && $0 encode recs.json --struct kinfo_proc --arch amd64 --rev fbsd14 -o recs.bin', 'round trip'),
    handler: (a) => {
        const layout = getLayout(a.struct, a.arch, a.rev);
        let json;
        try {
            json = JSON.parse(fs.readFileSync(a.records, 'utf8'));
        }
        catch (e) {
            throw new KvmkitError(`cannot read JSON: ${e.message}`, { file: a.records });
        }
        if (!Array.isArray(json))
            throw new KvmkitError('expected a JSON array of records', { file: a.records });
        const recs = json.map((j, i) => {
            try {
                return recordFromJson(layout, j, i);
            }
            catch (e) {
                if (e instanceof KvmkitError)
                    throw new KvmkitError(e.text, { ...e.context, file: a.records });
                throw e;
            }
        });
        fs.writeFileSync(a.o, encodeRecords(layout, recs));
        process.stderr.write(`kvmkit: wrote ${recs.length} record(s), ${recs.length * layout.size} bytes, to ${a.o}\n`);
    },
};
const detectCmd = {
    command: 'detect <file>',
    describe: 'List every (struct, arch, revision) that could have produced a records file, best first',
    builder: (y) => y.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }).example('$0 detect procs.bin', ''),
    handler: (a) => {
        const src = openSource(a.file);
        let bytes;
        let hints = {};
        try {
            if (isElf(src)) {
                const n = readProcstatNote(src);
                bytes = n.records;
                hints = { archHints: n.archHints, recordSize: n.recordSize };
            }
            else
                bytes = src.read(0, src.size);
        }
        finally {
            src.close();
        }
        const c = detect(bytes, hints);
        if (a.json)
            printJson(c.map(({ layout, ...rest }) => ({ ...rest, size: layout.size })));
        else if (!c.length)
            throw new UsageError(`no known layout fits ${a.file}`);
        else
            process.stdout.write(c.map(describe).join('\n') + '\n');
    },
};
export const commands = [decode, encode, detectCmd];
