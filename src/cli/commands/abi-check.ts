import type { CommandModule } from 'yargs';
import { abiCheck, formatCheck, formatCheckStat, loadSuppressions, ABI_STRUCTS } from '../../analysis/abi/index.ts';
import { printJson } from '../output.ts';

interface Args {
  struct: string;
  rev: string;
  base?: string;
  arch: string[];
  suppressions?: string;
  stat: boolean;
  json: boolean;
}

const EPILOGUE = `Checks, in one command for CI:
  1. CTASSERT(sizeof(struct kinfo_proc) == KINFO_PROC_SIZE) and the KINFO_PROC32_SIZE one on every arch;
  2. the spare rule: abi-diff of --struct from the base revision (default: the revision's "base");
  3. compat-vs-native: each 64-bit arch's kinfo_proc32 against the native kinfo_proc of its 32-bit arch
     (offset, size, alignment of every field and leaf), and the revision's compat copyout rules from
     layouts/compat-copyout.json (native fields that are never copied).

--arch limits all three to the named arches (a compat pair is checked when either side is named).
--suppressions <file> accepts reviewed findings, so that CI can gate on exit 0 after review:
  { "suppressions": [ { "arch": "powerpc64le", "kind": "endianness", "reason": "no GENERIC64LE kernel
      enables COMPAT_FREEBSD32 (sys/powerpc/conf/GENERIC64LE)" } ] }
  Each entry names any of struct, arch, field, kind (the rule or finding kind), revision, and must give
  a reason; a finding matching every key it names sets no exit bit and is listed under "suppressed".
Facts the verdict rests on that were inferred rather than read (layouts' "inferred") are listed as
UNVERIFIED in the text and under "unverified" in --json.

Exit status bits: 1 error, 2 usage, 4 changes or warnings (compatible changes against the base, fields the
copyout never copies, endianness), 8 incompatible (CTASSERT failure, incompatible or flagged diff, a compat
field missing, misplaced or resized).

--json prints one object:
  { revision, struct, base?, arches: [arch], verdict: "ok"|"changes"|"incompatible", exitCode,
    problems: [string], counts: { incompatible, changes },
    suppressed: [ { finding, struct, arches, field, kind, reason } ],
    unverified: [ { revision, what: "member"|"conversion"|"copyout-line", struct, field, conversion?, why } ],
    sources: { <struct>: { repo, path, commit, read?, standIn? } },
    ctassert: [ { struct, arch, macro, expected, actual, holds } ],
    spareRule?: <the abi-diff --json object>,
    compat: { revision, verdict: "ok"|"info"|"warning"|"incompatible", exitCode,
              pairs: [ { arch, native, compatSize, nativeSize, compatAlign, nativeAlign, compared,
                         findings: [ { kind, severity: "info"|"warning"|"incompatible", field, message,
                                       compat?: {offset,size,align?,type?}, native?: {...} } ] } ],
              copyout?: { source, copied: [ {field, conversion} ], notCopied: [ {field, note?} ],
                          zeroed: [field], findings: [...] } } }`;

export const command: CommandModule<object, Args> = {
  command: 'abi-check',
  describe: 'CI gate for a revision: CTASSERT on every arch, the spare rule against its base, compat-vs-native',
  builder: (y) =>
    y
      .option('struct', { type: 'string', choices: [...ABI_STRUCTS], demandOption: true, describe: 'record for the spare rule' })
      .option('rev', { type: 'string', demandOption: true, describe: 'revision to check (name or JSON file)' })
      .option('base', { type: 'string', describe: 'revision to apply the spare rule against (default: the revision\'s base)' })
      .option('arch', { type: 'string', array: true, default: ['all'], describe: 'arches to check ("all", or names; repeat or comma-separate)' })
      .option('suppressions', { type: 'string', describe: 'JSON file of reviewed suppressions (shape below)' })
      .option('stat', { type: 'boolean', default: false, describe: 'one line per verdict class and the exit status' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable report (shape below)' })
      .example('$0 abi-check --struct kinfo_proc --rev fbsd15', 'FreeBSD 15: kinfo_proc32 lacks ki_pd (exit 12)')
      .example('$0 abi-check --struct kinfo_proc --rev main-a48e98c9 --suppressions ppc64le.json', 'exit 0 once the powerpc64le note is reviewed')
      .example('$0 abi-check --struct kinfo_proc --rev fbsd15-reaper --arch amd64,i386 --stat', 'one pair, summary only')
      .epilogue(EPILOGUE) as never,
  handler: (argv) => {
    const suppressions = argv.suppressions ? loadSuppressions(argv.suppressions) : undefined;
    const report = abiCheck({ struct: argv.struct, rev: argv.rev, base: argv.base, arches: argv.arch, suppressions });
    if (argv.json) printJson(report);
    else process.stdout.write((argv.stat ? formatCheckStat(report) : formatCheck(report)) + '\n');
    process.exitCode = report.exitCode;
  },
};
