import * as fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../base/errors.ts';
import { decodeRecord, recordToJson } from '../../codec/index.ts';
import {
  KERN_PROC_ALL, KERN_PROC_GID, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_PROC, KERN_PROC_RGID, KERN_PROC_RUID,
  KERN_PROC_SESSION, KERN_PROC_TTY, KERN_PROC_UID, NODEV,
} from '../../kernel/constants.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { errorText, kvmFromModel, LIBKVM_RULES, openKvm, type Kd, type KvmMode, type KvmRecord } from '../../kvm/index.ts';
import { getLayout, type StructLayout } from '../../layout/index.ts';
import { EXIT_ERROR } from '../exit.ts';
import { kernelTypes } from '../kernel-types.ts';
import { toJson } from '../output.ts';
import { prepareOutput, type PendingOutput } from '../output-file.ts';
import { progress } from '../progress.ts';
import { tableHeader, tableLine } from '../table.ts';

interface Args {
  vmcore?: string; kernel?: string; debug?: string; scenario?: string; arch: string;
  pid?: number; pgrp?: number; sid?: number; tty?: string; uid?: number; ruid?: number; gid?: number; rgid?: number;
  threads: boolean; mode: string; compat32: boolean; rev?: string; json: boolean; raw?: string; strict: boolean; rules: boolean;
}

/** The selector from the flags (at most one), as kvm_getprocs' op and arg. */
function selector(a: Args): { op: number; arg: number } {
  const sel: [number, number][] = [];
  if (a.pid !== undefined) sel.push([KERN_PROC_PID, a.pid]);
  if (a.pgrp !== undefined) sel.push([KERN_PROC_PGRP, a.pgrp]);
  if (a.sid !== undefined) sel.push([KERN_PROC_SESSION, a.sid]);
  if (a.tty !== undefined) {
    const t = a.tty.trim();
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new UsageError(`--tty takes the device number (ki_tdev, e.g. 139 or -1 for NODEV), not "${t}"`, { field: 'tty' });
    sel.push([KERN_PROC_TTY, Number(BigInt.asIntN(32, BigInt(t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t))))]);
  }
  if (a.uid !== undefined) sel.push([KERN_PROC_UID, a.uid]);
  if (a.ruid !== undefined) sel.push([KERN_PROC_RUID, a.ruid]);
  if (a.gid !== undefined) sel.push([KERN_PROC_GID, a.gid]);
  if (a.rgid !== undefined) sel.push([KERN_PROC_RGID, a.rgid]);
  if (sel.length > 1) throw new UsageError('give at most one of --pid, --pgrp, --sid, --tty, --uid, --ruid, --gid, --rgid', { field: 'selector' });
  if (!sel.length) return { op: a.threads ? KERN_PROC_ALL : KERN_PROC_PROC, arg: 0 };
  return { op: sel[0][0], arg: sel[0][1] | 0 };
}

/** The shared ps-like table line for a walked record. */
function line(layout: StructLayout, r: KvmRecord, threads: boolean): string {
  return tableLine(decodeRecord(layout, r.bytes, 0) as Record<string, any>, threads, r.unavailable, r.tty);
}

/** One record as JSON (the decode --json shape); unavailable fields are null and listed in _unavailable. */
export function recordJson(layout: StructLayout, r: KvmRecord): Record<string, unknown> {
  const o = recordToJson(layout, decodeRecord(layout, r.bytes, 0));
  if (r.unavailable.length) {
    for (const f of r.unavailable) if (f in o) o[f] = null;
    o._unavailable = r.unavailable;
  }
  return o;
}

export const command: CommandModule<object, Args> = {
  command: 'ps [vmcore]',
  describe: 'List the processes of a kernel crash dump, like kvm_getprocs(3): exact live-sysctl records or what libkvm returns',
  builder: (y) => y
    .positional('vmcore', { type: 'string', describe: 'crash dump (minidump or ELF full dump; gzip accepted)' })
    .option('kernel', { alias: 'k', type: 'string', describe: 'the kernel ELF the dump came from (symbol table)' })
    .option('debug', { type: 'string', describe: 'kernel.debug: its DWARF gives the kernel struct layouts when the kernel has no CTF' })
    .option('scenario', { type: 'string', describe: 'instead of a dump: a simulated system (scenario JSON, with --arch)' })
    .option('arch', { type: 'string', default: 'amd64', describe: 'arch of --scenario' })
    .option('pid', { type: 'number', describe: 'KERN_PROC_PID (a thread id > 99999 selects its process in exact mode)' })
    .option('pgrp', { type: 'number', describe: 'KERN_PROC_PGRP' })
    .option('sid', { type: 'number', describe: 'KERN_PROC_SESSION' })
    .option('tty', { type: 'string', describe: 'KERN_PROC_TTY: the device number (ki_tdev); -1 = NODEV' })
    .option('uid', { type: 'number', describe: 'KERN_PROC_UID (effective uid)' })
    .option('ruid', { type: 'number', describe: 'KERN_PROC_RUID' })
    .option('gid', { type: 'number', describe: 'KERN_PROC_GID (effective gid)' })
    .option('rgid', { type: 'number', describe: 'KERN_PROC_RGID' })
    .option('threads', { alias: 'H', type: 'boolean', default: false, describe: 'one record per thread (KERN_PROC_INC_THREAD)' })
    .option('mode', { type: 'string', choices: ['exact', 'libkvm'], default: 'exact', describe: 'exact: the live sysctl\'s bytes; libkvm: what lib/libkvm returns from a dead kernel' })
    .option('compat32', { type: 'boolean', default: false, describe: 'kinfo_proc32 records (a 32-bit caller; exact mode)' })
    .option('rev', { type: 'string', describe: 'kinfo_proc layout revision: fbsd14, fbsd15, fbsd15-reaper (default fbsd15; fbsd14 for dumps with only the exported offsets, e.g. FreeBSD 13)' })
    .option('json', { type: 'boolean', default: false, describe: 'records as JSON (the decode --json shape); unavailable fields null, listed in _unavailable' })
    .option('raw', { type: 'string', describe: 'write the record bytes, exactly as the sysctl returns them, to this file (kvmkit decode reads it)' })
    .option('strict', { type: 'boolean', default: false, describe: 'any error (unreadable object, cyclic list) fails the command' })
    .option('rules', { type: 'boolean', default: false, describe: 'print the libkvm rules (every difference from the live path) and exit' })
    .example('$0 ps vmcore.0 --kernel kernel.debug', 'ps-like table of every process')
    .example('$0 ps vmcore.0 -k kernel.debug --threads --pid 800', 'the threads of pid 800')
    .example('$0 ps vmcore.0 -k kernel.debug --mode libkvm --json', 'what kvm_getprocs(KERN_PROC_PROC) returns from this dump, as JSON')
    .example('$0 ps vmcore.0 -k kernel.debug --raw procs.bin && $0 decode procs.bin --struct kinfo_proc --arch amd64 --rev fbsd15', 'raw records, decoded back')
    .example('$0 ps --scenario dumps/scenarios/login-session.json --arch arm64 --rev fbsd15-reaper --threads', 'a simulated system')
    .example('$0 ps --rules', 'the libkvm rules') as never,
  handler: async (a) => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
    if (a.rules) {
      for (const r of LIBKVM_RULES) process.stdout.write(`${r.id.padEnd(22)} ${r.kind.padEnd(5)} ${r.spec.padEnd(18)} ${r.summary}\n`);
      return;
    }
    const { op, arg } = selector(a);
    const raw: PendingOutput | undefined = a.raw !== undefined ? prepareOutput(a.raw, 'raw') : undefined;
    let kd: Kd;
    if (a.scenario) {
      if (a.vmcore) throw new UsageError('give a vmcore or --scenario, not both', { field: 'scenario' });
      kd = kvmFromModel(loadScenarioFile(a.scenario, a.arch), a.rev ?? 'fbsd15');
    } else {
      if (!a.vmcore || !a.kernel) throw new UsageError('ps needs <vmcore> and --kernel (or --scenario)', { field: 'vmcore' });
      const types = kernelTypes(a.kernel, a.debug);
      kd = await openKvm(a.vmcore, a.kernel, { revision: a.rev, types: types.graphs });
      for (const n of types.notes) process.stderr.write(`note: ${n}\n`);
      if (kd.layoutNote) process.stderr.write(`note: ${kd.layoutNote}\n`);
    }
    let fd: number | undefined;
    try {
      if (raw) fd = fs.openSync(raw.temp, 'w');
      const layout = getLayout(a.compat32 ? 'kinfo_proc32' : 'kinfo_proc', kd.arch, kd.revision);
      const threads = a.threads || op === KERN_PROC_ALL;
      const print = !a.raw || a.json;
      const out: string[] = [];
      const flush = () => {
        if (out.length) process.stdout.write(out.join(''));
        out.length = 0;
      };
      if (print) out.push(a.json ? '[' : tableHeader(threads) + '\n');
      // A bar only on a terminal: a piped ps prints nothing extra.
      const bar = progress('walking', 'procs', { quietWhenPiped: true });
      let withUnavailable = 0;
      let n = 0;
      // Records stream: nothing is kept, so memory stays flat however many processes the dump has.
      const res = kd.getProcs(op, arg, {
        threads: a.threads, mode: a.mode as KvmMode, compat32: a.compat32, strict: a.strict, keep: false,
        onProgress: bar.tick,
        onRecord: (r) => {
          if (r.unavailable.length) withUnavailable++;
          if (fd !== undefined) fs.writeSync(fd, r.bytes);
          if (!print) return;
          out.push(a.json ? `${n++ ? ',' : ''}\n${toJson(recordJson(layout, r))}` : line(layout, r, threads) + '\n');
          if (out.length >= 512) flush();
        },
      });
      bar.end();
      if (print && a.json) out.push(n ? '\n]\n' : ']\n');
      flush();
      if (fd !== undefined) process.stderr.write(`${res.count} records, ${res.count * res.layout.size} bytes (${res.layout.struct}, ${res.layout.size} bytes each) → ${a.raw}\n`);
      if (withUnavailable) process.stderr.write(`kvmkit: ${withUnavailable} record(s) have fields that could not be recovered from this dump (${a.json ? 'null, listed in _unavailable' : a.raw ? 'zero bytes in --raw: not data' : '"-" above'})\n`);
      for (const note of res.notes) process.stderr.write(`note: ${note}\n`);
      for (const e of res.errors) process.stderr.write(`kvmkit: error: ${errorText(e)}\n`);
      if (res.libkvm?.returnsNull && res.libkvm.errbuf) process.stderr.write(`libkvm: kvm_getprocs would return NULL: ${res.libkvm.errbuf}\n`);
      if (res.errors.length) process.exitCode = EXIT_ERROR;
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      raw?.commit();
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
      kd.close();
    }
  },
};
