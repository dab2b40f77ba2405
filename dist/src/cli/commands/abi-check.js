import { abiCheck, formatCheck, ABI_STRUCTS } from "../../analysis/abi/index.js";
import { printJson } from "../output.js";
const EPILOGUE = `Checks, in one command for CI:
  1. CTASSERT(sizeof(struct kinfo_proc) == KINFO_PROC_SIZE) and the KINFO_PROC32_SIZE one on every arch;
  2. the spare rule: abi-diff of --struct from the base revision (default: the revision's "base");
  3. compat-vs-native: each 64-bit arch's kinfo_proc32 against the native kinfo_proc of its 32-bit arch
     (offset, size, alignment of every field and leaf), and the revision's compat copyout rules from
     layouts/compat-copyout.json (native fields that are never copied).

Exit status bits: 1 error, 2 usage, 4 changes or warnings (compatible changes against the base, fields the
copyout never copies, endianness), 8 incompatible (CTASSERT failure, incompatible or flagged diff, a compat
field missing, misplaced or resized).

--json prints one object:
  { revision, struct, base?, verdict: "ok"|"changes"|"incompatible", exitCode, problems: [string],
    ctassert: [ { struct, arch, macro, expected, actual, holds } ],
    spareRule?: <the abi-diff --json object>,
    compat: { revision, verdict: "ok"|"info"|"warning"|"incompatible", exitCode,
              pairs: [ { arch, native, compatSize, nativeSize, compatAlign, nativeAlign, compared,
                         findings: [ { kind, severity: "info"|"warning"|"incompatible", field, message,
                                       compat?: {offset,size,align?,type?}, native?: {...} } ] } ],
              copyout?: { source, copied: [ {field, conversion} ], notCopied: [ {field, note?} ],
                          zeroed: [field], findings: [...] } } }`;
export const command = {
    command: 'abi-check',
    describe: 'CI gate for a revision: CTASSERT on every arch, the spare rule against its base, compat-vs-native',
    builder: (y) => y
        .option('struct', { type: 'string', choices: [...ABI_STRUCTS], demandOption: true, describe: 'record for the spare rule' })
        .option('rev', { type: 'string', demandOption: true, describe: 'revision to check (name or JSON file)' })
        .option('base', { type: 'string', describe: 'revision to apply the spare rule against (default: the revision\'s base)' })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable report (shape below)' })
        .epilogue(EPILOGUE),
    handler: (argv) => {
        const report = abiCheck({ struct: argv.struct, rev: argv.rev, base: argv.base });
        if (argv.json)
            printJson(report);
        else
            process.stdout.write(formatCheck(report) + '\n');
        process.exitCode = report.exitCode;
    },
};
