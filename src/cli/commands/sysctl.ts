import type { CommandModule } from 'yargs';
import { UsageError } from '../../base/errors.ts';
import { decodeRecord, recordToJson } from '../../codec/index.ts';
import { ERRNO_NAMES } from '../../kernel/constants.ts';
import { hostRootViewer, jailViewer } from '../../kernel/fill.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { parseMib, sysctlKernProc } from '../../kernel/sysctl.ts';
import { EXIT_ERROR } from '../exit.ts';
import { tableHeader, tableLine } from '../table.ts';
import { printJson } from '../output.ts';
import { prepareOutput, writeOutput } from '../output-file.ts';

interface Args { scenario: string; mib: string; threads: boolean; compat32: boolean; arch: string; rev: string; o?: string; json: boolean; jail?: number; uid?: number; probe: boolean; oldlen?: number }

export const command: CommandModule<object, Args> = {
  command: 'sysctl <scenario>',
  describe: 'Emulate `sysctl kern.proc.*` on a simulated system: the exact kinfo_proc (or kinfo_proc32) bytes the live kernel returns',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON (see dumps/scenarios/README.md)' })
    .option('mib', { type: 'string', default: 'kern.proc.all', describe: 'kern.proc.all | proc | pid.N | pgrp.N | sid.N | tty.N | uid.N | ruid.N | gid.N | rgid.N, or <node>_td.N (per thread)' })
    .option('threads', { type: 'boolean', default: false, describe: 'per-thread records (the _td node; kern.proc.all is always per thread)' })
    .option('compat32', { type: 'boolean', default: false, describe: 'the caller is a 32-bit process (SCTL_MASK32): kinfo_proc32 records via the freebsd32 copyout' })
    .option('arch', { type: 'string', demandOption: true, describe: 'amd64, i386, arm64, armv7, powerpc, powerpc64, powerpc64le, riscv64' })
    .option('rev', { type: 'string', demandOption: true, describe: 'layout revision: fbsd14, fbsd15, fbsd15-reaper' })
    .option('o', { type: 'string', describe: 'write the raw record bytes to this file' })
    .option('json', { type: 'boolean', default: false, describe: 'print the records as JSON keyed by C field names (pointers "0x…", 64-bit beyond 2^53 as strings)' })
    .option('jail', { type: 'number', describe: 'the caller runs in this jail (visibility and ki_jid are viewer-relative)' })
    .option('uid', { type: 'number', describe: 'the caller\'s uid (default 0)' })
    .option('probe', { type: 'boolean', default: false, describe: 'size probe (oldp = NULL): print the length sysctl would report' })
    .option('oldlen', { type: 'number', describe: 'the caller\'s buffer size: a short buffer gives ENOMEM and a truncated copy' })
    .example('$0 sysctl dumps/scenarios/login-session.json --arch amd64 --rev fbsd15-reaper --json', 'every thread of every process, as JSON')
    .example('$0 sysctl s.json --mib kern.proc.pid.1531 --arch arm64 --rev fbsd15 -o rec.bin', 'one process record, raw bytes')
    .example('$0 sysctl s.json --mib kern.proc.pgrp.1640 --threads --compat32 --arch amd64 --rev fbsd14', 'per-thread kinfo_proc32 records of a process group')
    .example('$0 sysctl s.json --mib kern.proc.tty.139 --jail 1 --arch amd64 --rev fbsd15-reaper --json', 'as seen from inside jail 1') as never,
  handler: (a) => {
    const dest = a.o !== undefined ? prepareOutput(a.o, 'o') : undefined;
    const model = loadScenarioFile(a.scenario, a.arch);
    const { op, name } = parseMib(a.mib);
    let viewer = hostRootViewer(model);
    if (a.jail !== undefined) {
      const pr = model.prisons.get(a.jail);
      if (!pr) throw new UsageError(`--jail ${a.jail}: the scenario defines no such jail`, { field: 'jail', file: a.scenario });
      viewer = jailViewer(model, pr, a.uid ?? 0);
    } else if (a.uid !== undefined) viewer = jailViewer(model, model.prison0, a.uid);
    const r = sysctlKernProc(model, { op, name, threads: a.threads, compat32: a.compat32, revision: a.rev, viewer, oldlen: a.probe ? null : a.oldlen });
    if (r.error && r.error !== 12) {
      process.stderr.write(`kvmkit: sysctl ${a.mib}: ${ERRNO_NAMES[r.error] ?? r.error}\n`);
      process.exitCode = EXIT_ERROR;
      return;
    }
    if (r.error) process.stderr.write(`kvmkit: sysctl ${a.mib}: ENOMEM (buffer of ${a.oldlen} bytes; partial copy)\n`);
    if (a.probe) {
      process.stdout.write(`${r.length}\n`);
      return;
    }
    if (dest) writeOutput(dest, r.bytes);
    if (a.json) printJson(r.records.map((x) => recordToJson(r.layout, decodeRecord(r.layout, r.bytes, x.offset))));
    else if (!a.o) {
      const threads = new Set(r.records.map((x) => x.pid)).size < r.records.length || !!a.threads;
      process.stdout.write(tableHeader(threads) + '\n');
      // The scenario's terminals by udev, for TT (devname(ki_tdev) on the live system).
      const ttyByUdev = new Map<bigint, string>();
      for (const [name, tp] of model.ttys) if (tp.t_dev) ttyByUdev.set(tp.t_dev.udev, name);
      for (const x of r.records) {
        const d = decodeRecord(r.layout, r.bytes, x.offset) as Record<string, any>;
        process.stdout.write(tableLine(d, threads, [], ttyByUdev.get(BigInt(d.ki_tdev))) + '\n');
      }
    }
    if (a.o && !a.json) process.stderr.write(`${r.records.length} records, ${r.bytes.length} bytes (${r.layout.struct}, ${r.layout.size} bytes each) → ${a.o}\n`);
    if (r.error) process.exitCode = EXIT_ERROR;
  },
};
