import type { CommandModule } from 'yargs';
import { coreOf, withDumpArgs } from '../dump-args.ts';
import { UsageError } from '../../base/errors.ts';
import { openImage } from '../../image/open.ts';
import { readMsgbuf } from '../../kvm/msgbuf.ts';
import { printJson } from '../output.ts';

interface Args { vmcore?: string; M?: string; kernel?: string; json: boolean }

export const command: CommandModule<object, Args> = {
  command: 'dmesg [vmcore]',
  describe: 'dmesg(8) -M/-N: the kernel message buffer of a crash dump (msgbufp in kernel memory; a minidump\'s msgbuf section without a kernel)',
  builder: (y) => withDumpArgs(y, 'dmesg')
    .option('json', { type: 'boolean', default: false, describe: 'text and ring bookkeeping (msgbufp, msg_size, msg_wseq, msg_rseq) as JSON' })
    .example('$0 dmesg -M vmcore.0 -N kernel', 'the message buffer, oldest line first')
    .example('$0 dmesg vmcore.0', 'a minidump\'s own msgbuf section, in storage order (no kernel needed)')
    .epilogue('As dmesg -M: the whole ring from the write position, NUL bytes ignored, "<pri>" syslog prefixes dropped, other non-printable bytes shown as vis(3) escapes. Exit status 0, 1 on error.') as never,
  handler: (a) => {
    const vmcore = coreOf(a);
    if (!vmcore) throw new UsageError('dmesg needs the core (<vmcore> or -M)', { field: 'vmcore' });
    const img = openImage(vmcore, a.kernel);
    try {
      const m = readMsgbuf(img);
      if (a.json) printJson(m);
      else process.stdout.write(m.text);
      for (const n of m.notes) process.stderr.write(`note: ${n}\n`);
    } finally {
      img.close();
    }
  },
};
