import * as fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { coreOf, withDumpArgs } from '../dump-args.ts';
import { UsageError } from '../../base/errors.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { errorText, kvmFromModel, LIBKVM_RULES, openKvm, type Kd, type KvmMode } from '../../kvm/index.ts';
import { columnsFor, kernelOp, keywordNames, parseSelectors, runPs } from '../../analysis/ps/index.ts';
import { EXIT_ERROR } from '../exit.ts';
import { kernelTypes } from '../kernel-types.ts';
import { toJson } from '../output.ts';
import { prepareOutput, type PendingOutput } from '../output-file.ts';
import { repeatable } from '../options.ts';
import { progress } from '../progress.ts';

type Many = string | string[] | undefined;
interface Args {
  vmcore?: string; M?: string; kernel?: string; debug?: string; scenario?: string; arch: string;
  pid: Many; pgrp: Many; sid: Many; tty: Many; uid: Many; ruid: Many; gid: Many; rgid: Many; jid: Many;
  o: Many; O: Many; j: boolean; l: boolean; u: boolean; v: boolean; r: boolean; m: boolean; L: boolean; now?: number;
  threads: boolean; mode: string; compat32: boolean; rev?: string; json: boolean; raw?: string; strict: boolean; rules: boolean;
}

const many = (v: Many): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Options of ps that take a value: in a cluster such as -Mvmcore the rest of the word is the value. */
const VALUE_OPTS = 'MNkoOptUGJ';

/**
 * ps applies -j/-l/-u/-v/-o/-O (and -r/-m) in the order they are typed (getopt order); yargs
 * keeps no order across options, so it is read back from the words of the command line.
 */
export function formatOrder(argv: readonly string[]): { flag: string; value?: string }[] {
  const out: { flag: string; value?: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') break;
    if (!t.startsWith('-') || t.startsWith('--') || t.length < 2) continue;
    for (let j = 1; j < t.length; j++) {
      const c = t[j];
      if ('jluvrm'.includes(c)) out.push({ flag: c });
      else if (VALUE_OPTS.includes(c)) {
        const value = j + 1 < t.length ? t.slice(j + 1) : argv[++i];
        if (c === 'o' || c === 'O') out.push({ flag: c, value });
        break;
      } else if (!'axHwh'.includes(c)) break;
    }
  }
  return out;
}

// ps(1) accumulates these: -o pid -o comm is -o pid,comm; -p 1 -p 2 is -p 1,2.
repeatable('o', 'O', 'pid', 'p', 'tty', 't', 'uid', 'U', 'rgid', 'G', 'jid', 'J', 'pgrp', 'sid', 'ruid', 'gid');
const list = (describe: string) => ({ type: 'string' as const, describe, requiresArg: true });

export const command: CommandModule<object, Args> = {
  command: 'ps [vmcore]',
  describe: 'ps(1) -M/-N over a kernel crash dump: FreeBSD\'s keywords, formats, selectors, STAT and sort order; or the exact records (--json, --raw)',
  builder: (y) => withDumpArgs(y, 'ps')
    .option('debug', { type: 'string', requiresArg: true, describe: 'kernel.debug: its DWARF gives the kernel struct layouts when the kernel has no CTF' })
    .option('scenario', { type: 'string', describe: 'instead of a dump: a simulated system (scenario JSON, with --arch)' })
    .option('arch', { type: 'string', default: 'amd64', describe: 'arch of --scenario' })
    .option('a', { type: 'boolean', describe: 'accepted for ps habits: every process is always shown' })
    .option('x', { type: 'boolean', describe: 'accepted for ps habits: processes without a terminal are always shown' })
    .option('w', { type: 'boolean', describe: 'accepted for ps habits: lines are never cut' })
    .option('o', { type: 'string', requiresArg: true, describe: 'keywords to show (ps -o), e.g. pid,state,time,command; kw=HEADER renames the last' })
    .option('O', { type: 'string', requiresArg: true, describe: 'keywords added after pid in the default format (ps -O)' })
    .option('j', { type: 'boolean', describe: 'ps -j: user,pid,ppid,pgid,sid,jobc,state,tt,time,command' })
    .option('l', { type: 'boolean', describe: 'ps -l: uid,pid,ppid,cpu,pri,nice,vsz,rss,mwchan,state,tt,time,command' })
    .option('u', { type: 'boolean', describe: 'ps -u: user,pid,%cpu,%mem,vsz,rss,tt,state,start,time,command (sorted by %cpu)' })
    .option('v', { type: 'boolean', describe: 'ps -v: pid,state,time,sl,re,pagein,vsz,rss,lim,tsiz,%cpu,%mem,command (sorted by memory)' })
    .option('r', { type: 'boolean', describe: 'sort by %cpu (ps -r)' })
    .option('m', { type: 'boolean', describe: 'sort by memory, text + data + stack (ps -m)' })
    .option('L', { type: 'boolean', describe: 'list the keywords and exit (ps -L)' })
    .option('pid', { alias: 'p', ...list('process ids, comma-separated (ps -p)') })
    .option('tty', { alias: 't', ...list('terminals by name as TT/TTY print them: pts/0, 0, ttyv0, v0, co (ps -t)') })
    .option('uid', { alias: 'U', ...list('effective user ids (ps -U; names are refused: no password database of the dump)') })
    .option('rgid', { alias: 'G', ...list('real group ids (ps -G)') })
    .option('jid', { alias: 'J', ...list('jail ids (ps -J)') })
    .option('pgrp', list('process groups (KERN_PROC_PGRP)'))
    .option('sid', list('sessions (KERN_PROC_SESSION)'))
    .option('ruid', list('real user ids (KERN_PROC_RUID)'))
    .option('gid', list('effective group ids (KERN_PROC_GID)'))
    .option('now', { type: 'number', describe: 'the time ps counts etime and start from, seconds since the epoch (default: now, as ps)' })
    .option('threads', { alias: 'H', type: 'boolean', default: false, describe: 'one row per thread (ps -H, KERN_PROC_INC_THREAD)' })
    .option('mode', { type: 'string', choices: ['exact', 'libkvm'], default: 'exact', describe: 'exact: the live sysctl\'s bytes; libkvm: what lib/libkvm returns from a dead kernel' })
    .option('compat32', { type: 'boolean', default: false, describe: 'kinfo_proc32 records (a 32-bit caller; exact mode)' })
    .option('rev', { type: 'string', describe: 'kinfo_proc layout revision: fbsd14, fbsd15, fbsd15-reaper (default fbsd15; fbsd14 for dumps with only the exported offsets, e.g. FreeBSD 13)' })
    .option('json', { type: 'boolean', default: false, describe: 'the kept records as JSON (the decode --json shape), in ps order; unavailable fields null, listed in _unavailable' })
    .option('raw', { type: 'string', describe: 'write the record bytes, exactly as the sysctl returns them (kernel order), to this file (kvmkit decode reads it)' })
    .option('strict', { type: 'boolean', default: false, describe: 'any error (unreadable object, cyclic list) fails the command' })
    .option('rules', { type: 'boolean', default: false, describe: 'print the libkvm rules (every difference from the live path) and exit' })
    .example('$0 ps -M vmcore.0 -N kernel.debug', 'ps -ax of the dump: PID TT STAT TIME COMMAND')
    .example('$0 ps -M vmcore.0 -N kernel.debug -o pid,state,wchan,command -p 1,812', 'chosen keywords for two processes')
    .example('$0 ps vmcore.0 -k kernel.debug -l -H -U 1001', 'long format, one row per thread, of uid 1001')
    .example('$0 ps vmcore.0 -k kernel.debug --mode libkvm --json', 'what kvm_getprocs(KERN_PROC_PROC) returns from this dump, as JSON')
    .example('$0 ps vmcore.0 -k kernel.debug --raw procs.bin && $0 decode procs.bin --struct kinfo_proc --arch amd64 --rev fbsd15', 'raw records, decoded back')
    .example('$0 ps --scenario dumps/scenarios/login-session.json --arch arm64 -j', 'a simulated system')
    .example('$0 ps --rules', 'the libkvm rules')
    .epilogue('Exit status: 0, or 1 when no process matched (as ps), 2 for a usage error. %CPU and %MEM print "-": they need the kernel\'s fscale, ccpu and page count, which kvmkit does not read. USER/GROUP print numbers (no password database of the dump). COMMAND of a dead kernel is [comm] (kvm_getargv cannot read user memory), <defunct> for a zombie.') as never,
  handler: async (a) => {
    if (a.rules) {
      for (const r of LIBKVM_RULES) process.stdout.write(`${r.id.padEnd(22)} ${r.kind.padEnd(5)} ${r.spec.padEnd(18)} ${r.summary}\n`);
      return;
    }
    if (a.L) {
      process.stdout.write(keywordNames().join(' ') + '\n');
      return;
    }
    const vmcore = coreOf(a);
    const select = { pid: many(a.pid), pgrp: many(a.pgrp), sid: many(a.sid), tty: many(a.tty), uid: many(a.uid), ruid: many(a.ruid), gid: many(a.gid), rgid: many(a.rgid), jid: many(a.jid) };
    const format = formatOrder(process.argv.slice(2));
    // Usage errors before the dump is opened.
    columnsFor(format);
    const sel = parseSelectors(select);
    if (a.raw && Object.values(sel).some((l) => l.length) && !kernelOp(sel)) {
      throw new UsageError('--raw writes the records of one kvm_getprocs call: give at most one selector value (and no -t)', { field: 'raw' });
    }
    const raw: PendingOutput | undefined = a.raw !== undefined ? prepareOutput(a.raw, 'raw') : undefined;
    let kd: Kd;
    if (a.scenario) {
      if (vmcore) throw new UsageError('give a vmcore or --scenario, not both', { field: 'scenario' });
      kd = kvmFromModel(loadScenarioFile(a.scenario, a.arch), a.rev ?? 'fbsd15');
    } else {
      if (!vmcore || !a.kernel) throw new UsageError('ps needs the core (<vmcore> or -M) and the kernel (--kernel or -N), or --scenario', { field: vmcore ? 'kernel' : 'vmcore' });
      const types = kernelTypes(a.kernel, a.debug);
      kd = await openKvm(vmcore, a.kernel, { revision: a.rev, types: types.graphs });
      for (const n of types.notes) process.stderr.write(`note: ${n}\n`);
      if (kd.layoutNote) process.stderr.write(`note: ${kd.layoutNote}\n`);
    }
    let fd: number | undefined;
    try {
      if (raw) fd = fs.openSync(raw.temp, 'w');
      // A bar only on a terminal: a piped ps prints nothing extra.
      const bar = progress('walking', 'procs', { quietWhenPiped: true });
      const ps = runPs(kd, {
        format, select, threads: a.threads, mode: a.mode as KvmMode, compat32: a.compat32, strict: a.strict, now: a.now, json: a.json,
        onProgress: bar.tick, onRaw: fd === undefined ? undefined : (b) => fs.writeSync(fd!, b),
      });
      bar.end();
      const res = ps.walk;
      const withUnavailable = ps.withUnavailable;
      if (a.json) process.stdout.write(ps.rows.length ? `[\n${ps.rows.map((x) => toJson(x.json)).join(',\n')}\n]\n` : '[]\n');
      else if (!a.raw) process.stdout.write(ps.lines.join('\n') + '\n');
      if (fd !== undefined) process.stderr.write(`${res.count} records, ${res.count * res.layout.size} bytes (${res.layout.struct}, ${res.layout.size} bytes each) → ${a.raw}\n`);
      if (withUnavailable) process.stderr.write(`kvmkit: ${withUnavailable} record(s) have fields that could not be recovered from this dump (${a.json ? 'null, listed in _unavailable' : a.raw ? 'zero bytes in --raw: not data' : '"-" above'})\n`);
      for (const note of res.notes) process.stderr.write(`note: ${note}\n`);
      for (const e of res.errors) process.stderr.write(`kvmkit: error: ${errorText(e)}\n`);
      if (res.libkvm?.returnsNull && res.libkvm.errbuf) process.stderr.write(`libkvm: kvm_getprocs would return NULL: ${res.libkvm.errbuf}\n`);
      if (res.errors.length) process.exitCode = EXIT_ERROR;
      // ps.c: nothing kept → the header alone, exit 1.
      else if (!ps.rows.length && !a.raw) process.exitCode = 1;
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      raw?.commit();
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
      kd.close();
    }
  },
};
