import type { CommandModule } from 'yargs';
import { UsageError } from '../../base/errors.ts';
import { copyoutPlan, convertRecordsSource } from '../../compat/copyout.ts';
import { openSource } from '../../base/source.ts';
import { looksLikeRecords } from '../../codec/index.ts';
import { printJson } from '../output.ts';
import { prepareOutput, streamOutput } from '../output-file.ts';

interface Args { file?: string; arch: string; rev: string; o?: string; uncopied: boolean; json: boolean }

export const command: CommandModule<object, Args> = {
  command: 'compat [file]',
  describe: 'Convert native kinfo_proc records to kinfo_proc32 exactly as the kernel\'s freebsd32 copyout does; or list the fields it does not copy',
  builder: (y) => y
    .positional('file', { type: 'string', describe: 'native kinfo_proc records (e.g. from `kvmkit sysctl -o`)' })
    .option('arch', { type: 'string', demandOption: true, describe: '64-bit arch with a 32-bit ABI: amd64, arm64, powerpc64, powerpc64le' })
    .option('rev', { type: 'string', demandOption: true, describe: 'layout revision: fbsd14, fbsd15, fbsd15-reaper' })
    .option('o', { type: 'string', describe: 'output file for the kinfo_proc32 records' })
    .option('uncopied', { type: 'boolean', default: false, describe: 'list the kinfo_proc32 fields this revision\'s copyout never writes, and the native fields that never reach 32-bit callers' })
    .option('json', { type: 'boolean', default: false, describe: 'with --uncopied: print JSON' })
    .example('$0 compat native.bin --arch amd64 --rev fbsd15-reaper -o compat.bin', 'translate records')
    .example('$0 compat --uncopied --arch amd64 --rev fbsd14', 'which fields the FreeBSD 14 copyout leaves at 0 (ki_pd)') as never,
  handler: (a) => {
    const plan = copyoutPlan(a.arch, a.rev);
    if (a.uncopied) {
      const out = { arch: a.arch, revision: a.rev, uncopied: plan.uncopied, dropped: plan.dropped, rules: plan.ops.map((o) => ({ field: o.field, conversion: o.conv })) };
      if (a.json) printJson(out);
      else {
        process.stdout.write(`kinfo_proc32 fields never written (always 0):\n`);
        for (const u of plan.uncopied) process.stdout.write(`  ${u.field}${u.spare ? ' (spare)' : ''}${u.note ? ` — ${u.note}` : ''}\n`);
        process.stdout.write(`native kinfo_proc fields not copied:\n`);
        for (const u of plan.dropped) process.stdout.write(`  ${u.field}${u.spare ? ' (spare)' : ''}${u.note ? ` — ${u.note}` : ''}\n`);
      }
      return;
    }
    if (!a.file) throw new UsageError('name a file of native records (or use --uncopied)', { field: 'file' });
    if (!a.o) throw new UsageError('give -o <file> for the kinfo_proc32 records', { field: 'o' });
    // The output path is checked before any work; records are streamed a chunk at a time (memory
    // stays flat) into a temporary renamed over the target only when the whole file converted.
    const dest = prepareOutput(a.o, 'o');
    const src = openSource(a.file, { accept: looksLikeRecords, expected: 'native kinfo_proc records' });
    let n: number;
    try {
      n = streamOutput(dest, (write) => convertRecordsSource(a.arch, a.rev, src, write));
    } finally {
      src.close();
    }
    process.stderr.write(`${n} records → ${a.o} (${plan.compat.size} bytes each)\n`);
  },
};
