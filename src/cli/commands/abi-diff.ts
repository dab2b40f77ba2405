import type { CommandModule } from 'yargs';
import { abiDiff, formatDiff, formatDiffStat, loadSuppressions, renderDiffHtml, ABI_STRUCTS } from '../../analysis/abi/index.ts';
import { printJson } from '../output.ts';
import { prepareOutput, writeOutput } from '../output-file.ts';

interface Args {
  struct: string;
  from: string;
  to: string;
  arch: string[];
  json: boolean;
  stat: boolean;
  suppressions?: string;
  html?: string;
}

const EPILOGUE = `Revisions are names in layouts/revisions (fbsd14, fbsd15, main-a48e98c9, fbsd15-reaper) or paths to a
revision JSON file (a proposed header change, same format). When --from is an ancestor of --to along "base"
(fbsd15 → fbsd15-reaper passes main-a48e98c9), each change is labelled {revision: what it changed} with the
step that introduced it. kinfo_proc32 diffs also say what the change does to compat-vs-native (fields that
reach their native 32-bit offset are marked).

Each change is classified: added, removed, renamed (same offset and size), moved, resized, type-changed,
size-changed, alignment-changed, ctassert-failed, padding/tail-padding appeared or vanished, and the spare
discipline: spare-consumed (a new field in bytes a ki_spare* array of the same element size and alignment
held, its KI_NSPARE_* reduced to match: compatible), spare-mismatch (carved from a spare of another
type/alignment on some arch: flagged), spare-accounting (a spare shrank by more or less than was consumed:
flagged). Severity: info < compatible < flagged < incompatible.

Exit status bits (like libabigail's abidiff): 1 error, 2 usage, 4 changes, 8 incompatible changes
(incompatible or flagged). 0 means identical layouts on every compared arch (after suppressions).
--suppressions <file>: reviewed changes to accept (see abi-check --help); they are listed, not counted.
--stat: one line per verdict class and the exit status.

--json prints one object:
  { struct, from, to, arches: [arch],
    verdict: "identical"|"info"|"compatible"|"flagged"|"incompatible", exitCode, sizeUnchanged,
    sizes: { <arch>: { from, to, fromAlign, toAlign, asserted?, ctassertHolds? } },
    counts: { info, compatible, flagged, incompatible },
    steps: [ { revision, change? } ], compatEffect?: { from: {<arch>: n}, to: {...}, verdict, text },
    suppressed: [ { finding, struct, arches, field, kind, reason } ], unverified: [ {...} ],
    changes: [ { kind, severity, field, summary, arches: [arch], allArches, introducedBy?: { revision, change? },
                 fixesCompat?, unverified?,
                 perArch: { <arch>: { detail, from?: {offset,size,align?,type?}, to?: {...},
                                      spare?: {field, constant?, fromCount, toCount, constantFrom?, constantTo?} } } } ] }
Changes with the same kind, field, severity and summary on several arches are one entry.

--html <file> writes a self-contained page: per arch, both layouts as byte maps side by side.`;

export const command: CommandModule<object, Args> = {
  command: 'abi-diff',
  describe: 'Compare kinfo_proc/kinfo_proc32 layouts of two revisions on every arch, with the spare-field rule',
  builder: (y) =>
    y
      .option('struct', { type: 'string', choices: [...ABI_STRUCTS], demandOption: true, describe: 'record to compare' })
      .option('from', { type: 'string', demandOption: true, describe: 'old revision (name or JSON file)' })
      .option('to', { type: 'string', demandOption: true, describe: 'new revision (name or JSON file)' })
      .option('arch', { type: 'string', array: true, default: ['all'], describe: 'arches to compare ("all", or names; repeat or comma-separate)' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable report (shape below)' })
      .option('stat', { type: 'boolean', default: false, describe: 'one line per verdict class and the exit status' })
      .option('suppressions', { type: 'string', describe: 'JSON file of reviewed suppressions (abi-check --help)' })
      .example('$0 abi-diff --struct kinfo_proc32 --from fbsd15 --to main-a48e98c9', 'the upstream ki_pd fix: incompatible, and what makes compat match native')
      .example('$0 abi-diff --struct kinfo_proc --from main-a48e98c9 --to fbsd15-reaper --json', 'the reaper patch alone: two consumed spares, exit 4')
      .option('html', { type: 'string', describe: 'also write a self-contained HTML byte-map page to this file' })
      .epilogue(EPILOGUE) as never,
  handler: (argv) => {
    const html = argv.html !== undefined ? prepareOutput(argv.html, 'html') : undefined;
    const suppressions = argv.suppressions ? loadSuppressions(argv.suppressions) : undefined;
    const report = abiDiff({ struct: argv.struct, from: argv.from, to: argv.to, arches: argv.arch, suppressions });
    if (html) writeOutput(html, renderDiffHtml(report, argv.from, argv.to));
    if (argv.json) printJson(report);
    else process.stdout.write((argv.stat ? formatDiffStat(report) : formatDiff(report)) + '\n');
    process.exitCode = report.exitCode;
  },
};
