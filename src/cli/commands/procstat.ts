import type { CommandModule } from 'yargs';
import { coreOf, withDumpArgs } from '../dump-args.ts';
import { UsageError } from '../../base/errors.ts';
import { byPidTid, PROCSTAT_HEADER, PROCSTAT_THREADS_HEADER, procstatLine, procstatThreadLine, runPs } from '../../analysis/ps/index.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { errorText, kvmFromModel, openKvm, type Kd } from '../../kvm/index.ts';
import { EXIT_ERROR } from '../exit.ts';

interface Args { vmcore?: string; M?: string; kernel?: string; scenario?: string; arch: string; rev?: string; t: boolean; pid?: string | string[] }

export const command: CommandModule<object, Args> = {
  command: 'procstat [vmcore]',
  describe: 'procstat(1) -M/-N over a kernel crash dump: the default process view, or -t threads',
  builder: (y) => withDumpArgs(y, 'procstat')
    .option('scenario', { type: 'string', describe: 'instead of a dump: a simulated system (scenario JSON, with --arch)' })
    .option('arch', { type: 'string', default: 'amd64', describe: 'arch of --scenario' })
    .option('rev', { type: 'string', describe: 'kinfo_proc layout revision (as for ps)' })
    .option('t', { type: 'boolean', default: false, describe: 'threads: PID TID COMM TDNAME CPU PRI STATE WCHAN' })
    .option('pid', { alias: 'p', type: 'string', requiresArg: true, describe: 'only these process ids (comma-separated)' })
    .example('$0 procstat -M vmcore.0 -N kernel.debug', 'PID PPID PGID SID TSID THR LOGIN WCHAN EMUL COMM of every process')
    .example('$0 procstat -t vmcore.0 -k kernel.debug -p 812', 'the threads of pid 812')
    .epilogue('WCHAN shows *lockname for a thread blocked on a lock. Fields a dump does not give print "-". Exit status 1 when no process matched.') as never,
  handler: async (a) => {
    const vmcore = coreOf(a);
    let kd: Kd;
    if (a.scenario) {
      if (vmcore) throw new UsageError('give a vmcore or --scenario, not both', { field: 'scenario' });
      kd = kvmFromModel(loadScenarioFile(a.scenario, a.arch), a.rev ?? 'fbsd15');
    } else {
      if (!vmcore || !a.kernel) throw new UsageError('procstat needs the core (<vmcore> or -M) and the kernel (--kernel or -N), or --scenario', { field: vmcore ? 'kernel' : 'vmcore' });
      kd = await openKvm(vmcore, a.kernel, { revision: a.rev });
    }
    try {
      const pid = a.pid === undefined ? [] : Array.isArray(a.pid) ? a.pid : [a.pid];
      const ps = runPs(kd, { threads: a.t, select: { pid } });
      const rows = ps.rows.map((x) => x.row).sort(byPidTid);
      const out = [a.t ? PROCSTAT_THREADS_HEADER : PROCSTAT_HEADER, ...rows.map(a.t ? procstatThreadLine : procstatLine)];
      process.stdout.write(out.join('\n') + '\n');
      for (const note of ps.walk.notes) process.stderr.write(`note: ${note}\n`);
      for (const e of ps.walk.errors) process.stderr.write(`kvmkit: error: ${errorText(e)}\n`);
      if (ps.walk.errors.length) process.exitCode = EXIT_ERROR;
      else if (!rows.length) process.exitCode = 1;
    } finally {
      kd.close();
    }
  },
};
