import * as fs from 'node:fs';
import { KvmkitError } from "../../base/errors.js";
import { abiDiff, formatDiff, renderDiffHtml, ABI_STRUCTS } from "../../analysis/abi/index.js";
import { printJson } from "../output.js";
const EPILOGUE = `Revisions are names in layouts/revisions (fbsd14, fbsd15, fbsd15-reaper) or paths to a revision JSON file
(a proposed header change, same format).

Each change is classified: added, removed, renamed (same offset and size), moved, resized, type-changed,
size-changed, alignment-changed, ctassert-failed, padding/tail-padding appeared or vanished, and the spare
discipline: spare-consumed (a new field in bytes a ki_spare* array of the same element size and alignment
held, its KI_NSPARE_* reduced to match: compatible), spare-mismatch (carved from a spare of another
type/alignment on some arch: flagged), spare-accounting (a spare shrank by more or less than was consumed:
flagged). Severity: info < compatible < flagged < incompatible.

Exit status bits (like libabigail's abidiff): 1 error, 2 usage, 4 changes, 8 incompatible changes
(incompatible or flagged). 0 means identical layouts on every compared arch.

--json prints one object:
  { struct, from, to, arches: [arch],
    verdict: "identical"|"info"|"compatible"|"flagged"|"incompatible", exitCode, sizeUnchanged,
    sizes: { <arch>: { from, to, fromAlign, toAlign, asserted?, ctassertHolds? } },
    counts: { info, compatible, flagged, incompatible },
    changes: [ { kind, severity, field, summary, arches: [arch], allArches,
                 perArch: { <arch>: { detail, from?: {offset,size,align?,type?}, to?: {...},
                                      spare?: {field, constant?, fromCount, toCount, constantFrom?, constantTo?} } } } ] }
Changes with the same kind, field, severity and summary on several arches are one entry.

--html <file> writes a self-contained page: per arch, both layouts as byte maps side by side.`;
export const command = {
    command: 'abi-diff',
    describe: 'Compare kinfo_proc/kinfo_proc32 layouts of two revisions on every arch, with the spare-field rule',
    builder: (y) => y
        .option('struct', { type: 'string', choices: [...ABI_STRUCTS], demandOption: true, describe: 'record to compare' })
        .option('from', { type: 'string', demandOption: true, describe: 'old revision (name or JSON file)' })
        .option('to', { type: 'string', demandOption: true, describe: 'new revision (name or JSON file)' })
        .option('arch', { type: 'string', array: true, default: ['all'], describe: 'arches to compare ("all", or names; repeat or comma-separate)' })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable report (shape below)' })
        .option('html', { type: 'string', describe: 'also write a self-contained HTML byte-map page to this file' })
        .epilogue(EPILOGUE),
    handler: (argv) => {
        const report = abiDiff({ struct: argv.struct, from: argv.from, to: argv.to, arches: argv.arch });
        if (argv.html) {
            try {
                fs.writeFileSync(argv.html, renderDiffHtml(report, argv.from, argv.to));
            }
            catch (e) {
                throw new KvmkitError(`cannot write HTML report: ${e.message}`, { file: argv.html });
            }
        }
        if (argv.json)
            printJson(report);
        else
            process.stdout.write(formatDiff(report) + '\n');
        process.exitCode = report.exitCode;
    },
};
