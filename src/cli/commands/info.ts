import type { CommandModule } from 'yargs';
import { hex } from '../../base/errors.ts';
import { openImage } from '../../image/open.ts';
import { readCrashInfo } from '../../kvm/msgbuf.ts';
import { printJson } from '../output.ts';

interface Args { vmcore: string; kernel?: string; json: boolean }

export const command: CommandModule<object, Args> = {
  command: 'info <vmcore>',
  describe: 'Identify a kernel crash dump and print its container header',
  builder: (y) => y
    .positional('vmcore', { type: 'string', demandOption: true, describe: 'crash dump (gzip accepted)' })
    .option('kernel', { alias: 'k', type: 'string', describe: 'the kernel ELF: selects the back-end as libkvm does (needed for full-dump page tables)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the header as JSON (64-bit values as decimal strings)' })
    .example('$0 info vmcore.0 -k kernel', 'with the kernel: also version, osreldate, hostname, panicstr and dumptid (the crashed thread)')
    .example('$0 info vmcore.0', 'format, version, page count and header fields, recognised by content')
    .example('$0 info vmcore.0.gz -k kernel --json', 'the same, probing with the kernel, as JSON') as never,
  handler: (a) => {
    const img = openImage(a.vmcore, a.kernel);
    try {
      const i = img.info();
      const crash = readCrashInfo(img);
      if (a.json) {
        printJson({ ...i, crash });
        return;
      }
      const lines = [`file: ${i.file}`, `format: ${i.format}`, `arch: ${i.arch}`];
      if (i.version !== undefined) lines.push(`version: ${i.version}`);
      lines.push(`page size: ${i.pageSize}`, `pages in dump: ${i.pageCount}`);
      for (const [k, v] of Object.entries(i.header)) {
        if (k === 'version') continue;
        lines.push(`${k}: ${typeof v === 'bigint' ? hex(v) : typeof v === 'number' && /off|size|Off/.test(k) ? `${v} (${hex(v)})` : v}`);
      }
      // The kernel's own identity and the crash, for each symbol it has (--kernel).
      if (crash.version !== undefined) lines.push(`kernel version: ${crash.version.replace(/\n/g, '\n  ')}`);
      if (crash.osreldate !== undefined) lines.push(`osreldate: ${crash.osreldate}`);
      if (crash.hostname !== undefined) lines.push(`hostname: ${crash.hostname}`);
      if (crash.panicstr !== undefined) lines.push(`panicstr: ${crash.panicstr ?? '(none: the kernel did not panic)'}`);
      if (crash.dumptid !== undefined) lines.push(`dumptid: ${crash.dumptid}`);
      process.stdout.write(lines.join('\n') + '\n');
      for (const e of crash.errors) process.stderr.write(`kvmkit: cannot read ${e}\n`);
    } finally {
      img.close();
    }
  },
};
