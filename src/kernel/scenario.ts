import { node } from '../base/platform.ts';
import { archDef, isArch, type ArchName } from '../layout/index.ts';
import {
  P_KPROC, P_SYSTEM, TDI_IWAIT, TDI_LOCK, TDI_SLEEPING, TDI_SUSPENDED, TDI_SWAPPED, TDS_CAN_RUN, TDS_INACTIVE,
  TDS_INHIBITED, TDS_RUNNING, TDS_RUNQ, THREAD0_TID,
} from './constants.ts';
import { emptySigset, RU_COUNTERS, zeroRusage, zeroRux, type KernelModel, type Rusage, type RusageExt, type Sigset, type Timeval } from './model.ts';
import { jsonSchema, ScenarioError, validate, type Sch } from './schema.ts';
import { KernelBuilder, SimError, type CredInit, type ForkInit, type ThreadInit } from './sim.ts';

/**
 * Scenario files (dumps/scenarios/*.json, format in dumps/scenarios/README.md): a compact
 * description of a system as a sequence of kernel operations. The loader validates the file
 * (errors name the object and the field), then replays the steps through the simulator so that
 * reaper lists, subtree ids, p_children order and orphan state are what the kernel would make.
 */

// ---- the schema ----

const int = (min?: number, max?: number, doc?: string): Sch => ({ t: 'int', min, max, doc });
const u64: Sch = { t: 'u64' };
const str = (maxLen?: number, doc?: string): Sch => ({ t: 'str', maxLen, doc });
const bool: Sch = { t: 'bool' };
const pid = int(0, 99999, 'a process id');
const signals: Sch = { t: 'arr', items: int(1, 128), doc: 'signal numbers (1 … 128), e.g. [2, 15]' };
const cpu: Sch = { t: 'obj', props: { runtime: { ...u64, doc: 'cpu ticks (rux_runtime)' }, uticks: u64, sticks: u64, iticks: u64 }, doc: 'a rusage_ext: cpu ticks and stat-tick split' };
const ru: Sch = { t: 'obj', props: Object.fromEntries(RU_COUNTERS.map((k) => [k.slice(3), { t: 'i64' } as Sch])), doc: 'struct rusage counters without the ru_ prefix (maxrss, ixrss, …, nivcsw)' };
const credSch: Sch = {
  t: 'obj',
  doc: 'a new credential (setuid/setgid/jail_attach…); omitted ids default to uid/gid',
  props: {
    uid: int(0, 0xffffffff), ruid: int(0, 0xffffffff), svuid: int(0, 0xffffffff),
    gid: int(0, 0xffffffff), rgid: int(0, 0xffffffff), svgid: int(0, 0xffffffff),
    groups: { t: 'arr', items: int(0, 0xffffffff), maxItems: 1023, doc: 'supplementary groups (cr_groups, without the egid)' },
    capmode: bool, jail: int(0, undefined, 'jail id (0 = host); default: the parent\'s'), class: str(32, 'login class name (default "default")'),
  },
  required: ['uid', 'gid'],
};
const threadSch: Sch = {
  t: 'obj',
  props: {
    tid: int(THREAD0_TID, 0x7fffffff, 'thread id (> PID_MAX); default: allocated in order from 100001'),
    name: str(19, 'td_name (default: the comm)'),
    state: { t: 'enum', values: ['running', 'runq', 'canrun', 'sleeping', 'lock', 'suspended', 'iwait', 'inhibited', 'inactive'], doc: 'td_state/td_inhibitors (default sleeping)' },
    inhibitors: int(0, 0xff, 'extra TDI_* bits'),
    swapped: { ...bool, doc: 'TDI_SWAPPED (FreeBSD 14 kernels only count resident kernel stacks)' },
    wmesg: { t: 'any', of: [str(64), { t: 'null' }], doc: 'td_wmesg (null = none; omitted: "select" for sleeping threads)' },
    wchan: { t: 'str', pattern: '^(self|tty|proc:\\d+|0x[0-9a-fA-F]+)$', doc: '"self" (the proc), "tty", "proc:<pid>" or a hex address' },
    lockname: str(64),
    interruptible: { ...bool, doc: 'a PCATCH sleep: TDF_SINTR while sleeping (default: true in user processes, false in kernel processes and proc0)' },
    pri: { t: 'obj', props: { class: int(0, 255), level: int(0, 255), native: int(0, 255), user: int(0, 255) } },
    lastcpu: int(-1, 0x7fffffff), oncpu: int(-1, 0x7fffffff),
    flags: int(0, 0xffffffff, 'td_flags'), pflags: int(0, 0xffffffff, 'td_pflags (0x20 = TDP_ALTSTACK: the ki_uerrmsg quirk)'), pflags2: int(0, 0xffffffff),
    exterr: { t: 'any', of: [bool, { t: 'str', pattern: '^0x[0-9a-fA-F]+$' }], doc: 'td_exterr_ptr: true = a plausible user address' },
    kstackPages: int(1, 64), slptick: int(-0x80000000, 0x7fffffff), cow: int(0, 0xffffffff),
    sigmask: signals, siglist: signals, ru, cpu, pending: { ...cpu, doc: 'not yet aggregated time (td_incruntime, td_[usi]ticks)' },
    pctcpu: int(0, 0xffffffff), estcpu: int(0, 0xffffffff),
  },
};
const vmSch: Sch = { t: 'obj', props: { size: { ...u64, doc: 'vm_map.size (bytes)' }, rss: { ...u64, doc: 'resident pages' }, swrss: u64, tsize: u64, dsize: u64, ssize: u64 }, required: ['size'] };
const forkSch: Sch = {
  t: 'obj',
  required: ['pid', 'parent', 'comm'],
  props: {
    pid, parent: pid, comm: str(19, 'p_comm (MAXCOMLEN = 19)'), rfnowait: { ...bool, doc: 'fork with RFNOWAIT (parent and reaper = the forker\'s reaper)' },
    kproc: { ...bool, doc: 'a kernel process (P_KPROC|P_SYSTEM, vmspace0); parent must be 0' },
    exec: str(1024, 'executable path (one text vnode per path)'), emul: str(32, 'sysentvec name, e.g. "FreeBSD ELF64"'),
    cred: credSch, start: { t: 'num', min: 0, doc: 'uptime at fork, seconds (number or "sec.usec")' }, swtick: int(0, 0xffffffff),
    nice: int(-20, 20), fibnum: int(0, 65535), flags: int(0, 0x7fffffff, 'extra p_flag bits'), flag2: int(0, 0x7fffffff), acflag: int(0, 0xffff), lock: int(0, 0x7fffffff),
    siglist: signals, sigignore: signals, sigcatch: signals, vm: vmSch, ru, cpu, children: { ...cpu, doc: 'p_crux: reaped children' },
    ktrace: { t: 'obj', props: { file: str(1024), flags: int(0, 0x7fffffff) }, required: ['file', 'flags'] },
    threads: { t: 'arr', items: threadSch, maxItems: 4096 },
    setsid: { ...bool, doc: 'setsid() right after fork' }, login: str(32, 'setlogin() (after setsid)'), pgrp: { ...pid, doc: 'setpgid(0, pgrp) after fork' },
    ctty: str(64, 'TIOCSCTTY on this tty (session leader)'), foreground: { ...bool, doc: 'tcsetpgrp(its pgrp) on the session tty' },
    reaper: { ...bool, doc: 'procctl(PROC_REAP_ACQUIRE) right after fork' },
    swappedout: { ...bool, doc: 'swapped out (FreeBSD 14 vm_swapout): P_INMEM clear; give its threads "swapped": true' },
  },
};
const stepSch: Sch = {
  t: 'step',
  verbs: {
    fork: { value: forkSch, props: {}, doc: 'fork a process (do_fork), then the optional setsid/pgrp/ctty/foreground/reaper actions' },
    exit: { value: pid, props: { status: int(0, 255), signal: int(0, 127) }, doc: 'exit1(): the process becomes a zombie' },
    wait: { value: pid, props: { by: pid }, doc: 'the parent reaps a zombie (proc_reap)' },
    setsid: { value: pid, props: { login: str(32) }, doc: 'setsid()' },
    setlogin: { value: pid, props: { login: str(32) }, required: ['login'], doc: 'setlogin()' },
    setpgid: { value: pid, props: { pgid: pid }, required: ['pgid'], doc: 'setpgid(pid, pgid)' },
    ctty: { value: pid, props: { tty: str(64) }, required: ['tty'], doc: 'TIOCSCTTY by a session leader' },
    tcsetpgrp: { value: str(64, 'tty name'), props: { pgid: pid }, required: ['pgid'], doc: 'tcsetpgrp(tty, pgid)' },
    reapAcquire: { value: pid, props: {}, doc: 'procctl(PROC_REAP_ACQUIRE)' },
    reapRelease: { value: pid, props: {}, doc: 'procctl(PROC_REAP_RELEASE)' },
    ptrace: { value: pid, props: { by: pid }, required: ['by'], doc: 'ptrace(PT_ATTACH) by the debugger "by"' },
    setcred: { value: pid, props: { cred: credSch }, required: ['cred'], doc: 'replace the credential (setuid, jail_attach …)' },
  },
};
/** Work caps on a scenario's lists (not FreeBSD limits: a million steps is far past any real test system). */
export const MAX_SCENARIO_STEPS = 1_000_000;
export const MAX_SCENARIO_JAILS = 4096;
export const MAX_SCENARIO_TTYS = 4096;

export const SCENARIO_SCHEMA: Sch = {
  t: 'obj',
  required: ['name', 'steps'],
  props: {
    name: str(64), description: str(4096),
    system: {
      t: 'obj',
      props: {
        hz: int(1, 100000), ticks: int(0, 0x7fffffff, 'the ticks counter (uptime = ticks / hz)'),
        boottime: { t: 'num', min: 0, doc: 'getboottime(), seconds since the epoch ("sec.usec")' },
        cpuTickFrequency: { ...u64, doc: 'cpu_tickrate()' }, maxproc: int(4, 10000000, 'kern.maxproc (pid hash = hashinit(maxproc/4))'),
        msgbuf: { ...str(1 << 20), doc: 'text printed to the kernel message buffer, oldest first (dmesg prints it back)' },
        msgbufSize: int(64, 1 << 24, 'the message buffer ring size msg_size (default 4096); text longer than it wraps'),
        panic: { ...str(4096), doc: 'panicstr: the panic message (absent: the system did not panic)' },
        version: { ...str(4096), doc: 'the kernel version string' },
      },
    },
    // maxItems are work caps (README "Limits"): past them a scenario is refused, not run.
    jails: { t: 'arr', items: { t: 'obj', props: { jid: int(1), name: str(256), parent: int(0) }, required: ['jid'] }, maxItems: MAX_SCENARIO_JAILS },
    ttys: { t: 'arr', items: { t: 'obj', props: { name: str(64), udev: { ...u64, doc: 'devfs inode (tty_udev); null = no cdev' }, nodev: bool }, required: ['name'] }, maxItems: MAX_SCENARIO_TTYS },
    proc0: { t: 'obj', props: { threads: { t: 'arr', items: threadSch, maxItems: 4096 } } },
    steps: { t: 'arr', items: stepSch, maxItems: MAX_SCENARIO_STEPS },
  },
};

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://kvmkit.invalid/scenario.schema.json',
    title: 'kvmkit kernel scenario',
    description: 'A FreeBSD system described as a sequence of kernel operations (see README.md). Generated from src/kernel/scenario.ts; do not edit.',
    ...jsonSchema(SCENARIO_SCHEMA),
  };
}

// ---- scenario types (after validation) ----

type Obj = Record<string, unknown>;
export interface Scenario { name: string; description?: string; system?: Obj; jails?: Obj[]; ttys?: Obj[]; proc0?: Obj; steps: Obj[] }

export interface LoadOptions { arch: ArchName | string; file?: string }

const big = (x: unknown, dflt = 0n): bigint => (x === undefined ? dflt : typeof x === 'number' ? BigInt(x) : (x as string).startsWith('-') ? -BigInt((x as string).slice(1)) : BigInt(x as string));

function seconds(x: unknown): Timeval {
  if (typeof x === 'number') {
    const us = BigInt(Math.round(x * 1e6));
    return { sec: us / 1000000n, usec: us % 1000000n };
  }
  const [s, f = ''] = (x as string).split('.');
  return { sec: BigInt(s), usec: BigInt((f + '000000').slice(0, 6)) };
}

function sigset(list: unknown): Sigset {
  const s = emptySigset();
  for (const n of (list as number[] | undefined) ?? []) s[(n - 1) >> 5] = (s[(n - 1) >> 5] | (1 << ((n - 1) & 31))) >>> 0;
  return s;
}

function rusage(x: unknown): Rusage {
  const r = zeroRusage();
  for (const [k, v] of Object.entries((x as Obj) ?? {})) r[`ru_${k}` as (typeof RU_COUNTERS)[number]] = big(v);
  return r;
}

function rux(x: unknown): RusageExt {
  const o = (x as Obj) ?? {};
  return { ...zeroRux(), rux_runtime: big(o.runtime), rux_uticks: big(o.uticks), rux_sticks: big(o.sticks), rux_iticks: big(o.iticks) };
}

/** Default p_rux: the sum of the threads' td_rux (no exited threads). */
function sumRux(list: RusageExt[]): RusageExt {
  const r = zeroRux();
  for (const x of list) {
    r.rux_runtime += x.rux_runtime;
    r.rux_uticks += x.rux_uticks;
    r.rux_sticks += x.rux_sticks;
    r.rux_iticks += x.rux_iticks;
  }
  return r;
}

const STATES: Record<string, [number, number]> = {
  running: [TDS_RUNNING, 0], runq: [TDS_RUNQ, 0], canrun: [TDS_CAN_RUN, 0], sleeping: [TDS_INHIBITED, TDI_SLEEPING],
  lock: [TDS_INHIBITED, TDI_LOCK], suspended: [TDS_INHIBITED, TDI_SUSPENDED], iwait: [TDS_INHIBITED, TDI_IWAIT],
  inhibited: [TDS_INHIBITED, 0], inactive: [TDS_INACTIVE, 0],
};

/** Load and validate a scenario file, then build the model for one arch. */
export function loadScenarioFile(file: string, arch: string): KernelModel {
  let json: unknown;
  try {
    json = JSON.parse(node.fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`cannot read scenario: ${(e as Error).message}`, { file });
  }
  return buildModel(json, { arch, file });
}

export function validateScenario(json: unknown, file?: string): Scenario {
  validate(SCENARIO_SCHEMA, json, 'scenario', '', file);
  return json as Scenario;
}

export interface ScenarioRunner {
  builder: KernelBuilder;
  /** Apply one (already validated) step; `i` is its index, for error messages. */
  apply(step: Record<string, unknown>, i: number): void;
  /** Final checks; the model. */
  finish(): KernelModel;
}

/** A runner over a scenario's header (system, jails, ttys, proc0): steps are applied one by one. */
export function scenarioRunner(sc: Scenario, opts: LoadOptions): ScenarioRunner {
  const file = opts.file;
  if (!isArch(opts.arch)) archDef(opts.arch);
  const arch = opts.arch as ArchName;
  const sys = (sc.system ?? {}) as Obj;
  const hz = (sys.hz as number | undefined) ?? 1000;
  const ticks = (sys.ticks as number | undefined) ?? 3600 * hz;
  const wrap = <T>(fn: () => T, where: string, field: string): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SimError || e instanceof ScenarioError) {
        const ctx = { ...e.context, file, field: e instanceof SimError ? (e.context.field ? `${field}.${e.context.field}` : field) : e.context.field };
        throw new ScenarioError(e.text, ctx);
      }
      throw new ScenarioError(`${(e as Error).message}`, { object: where, field, file });
    }
  };
  let nextTid = THREAD0_TID + 1;
  const usedTids = new Set<number>();
  const threadInit = (t: Obj, comm: string, where: string, dfltTid?: number, swtick = 0, user = true): ThreadInit => {
    let tid = (t.tid as number | undefined) ?? dfltTid;
    if (tid === undefined) {
      while (usedTids.has(nextTid)) nextTid++;
      tid = nextTid++;
    }
    usedTids.add(tid);
    const [st, inh] = STATES[(t.state as string | undefined) ?? 'sleeping'];
    const pri = (t.pri as Obj | undefined) ?? {};
    const pend = (t.pending as Obj | undefined) ?? {};
    const running = st === TDS_RUNNING;
    const lastcpu = (t.lastcpu as number | undefined) ?? 0;
    const sleeping = (inh & TDI_SLEEPING) !== 0;
    let wchan: ThreadInit['td_wchan'] = 0n;
    const w = t.wchan as string | undefined;
    if (w === 'self' || w === 'tty') wchan = w;
    else if (w?.startsWith('proc:')) wchan = { proc: Number(w.slice(5)) };
    else if (w) wchan = BigInt(w);
    else if (sleeping) wchan = 'self';
    void where;
    return {
      td_tid: tid,
      td_name: (t.name as string | undefined) ?? comm,
      td_state: st,
      td_inhibitors: inh | ((t.inhibitors as number | undefined) ?? 0) | (t.swapped ? TDI_SWAPPED : 0),
      td_wmesg: t.wmesg === null ? null : ((t.wmesg as string | undefined) ?? (sleeping ? 'select' : null)),
      td_wchan: wchan,
      td_lockname: (t.lockname as string | undefined) ?? ((inh & TDI_LOCK) ? 'process lock' : null),
      td_priority: (pri.level as number | undefined) ?? (sleeping ? 152 : 120),
      td_base_pri: (pri.native as number | undefined) ?? 120,
      td_user_pri: (pri.user as number | undefined) ?? 120,
      td_pri_class: (pri.class as number | undefined) ?? 3,
      td_lastcpu: lastcpu,
      td_oncpu: (t.oncpu as number | undefined) ?? (running ? lastcpu : -1),
      td_flags: (t.flags as number | undefined) ?? 0,
      interruptible: (t.interruptible as boolean | undefined) ?? user,
      td_pflags: (t.pflags as number | undefined) ?? 0,
      td_pflags2: (t.pflags2 as number | undefined) ?? 0,
      td_exterr_ptr: typeof t.exterr === 'string' ? BigInt(t.exterr) : ((t.exterr as boolean | undefined) ?? false),
      td_kstack_pages: (t.kstackPages as number | undefined) ?? 4,
      td_slptick: (t.slptick as number | undefined) ?? swtick | 0,
      td_cow: (t.cow as number | undefined) ?? 0,
      td_sigmask: sigset(t.sigmask),
      td_siglist: sigset(t.siglist),
      td_ru: rusage(t.ru),
      td_rux: rux(t.cpu),
      td_incruntime: big(pend.runtime),
      td_uticks: big(pend.uticks),
      td_sticks: big(pend.sticks),
      td_iticks: big(pend.iticks),
      sched_pctcpu: (t.pctcpu as number | undefined) ?? 0,
      sched_estcpu: (t.estcpu as number | undefined) ?? 0,
    };
  };
  const proc0Threads = ((sc.proc0?.threads as Obj[] | undefined) ?? [{ name: 'swapper', state: 'sleeping', wmesg: 'swapin', pri: { class: 1, level: 84, native: 84, user: 120 } }])
    .map((t, i) => threadInit(t, 'kernel', `proc 0 thread ${i}`, i === 0 ? THREAD0_TID : undefined, 0, false));
  const b = wrap(() => new KernelBuilder(arch, {
    ticks, hz,
    boottime: seconds(sys.boottime ?? 1767225600.25),
    cpu_tick_frequency: big(sys.cpuTickFrequency, 2400000000n),
    maxproc: (sys.maxproc as number | undefined) ?? 12000,
  }, proc0Threads), 'system', 'system');
  if (sys.msgbuf !== undefined || sys.msgbufSize !== undefined || sys.panic !== undefined || sys.version !== undefined) {
    b.model.crash = { msgbuf: sys.msgbuf as string | undefined, msgbufSize: sys.msgbufSize as number | undefined, panicstr: sys.panic as string | undefined, version: sys.version as string | undefined };
  }
  if (b.model.globals.cpu_tick_frequency === 0n) throw new ScenarioError('cpuTickFrequency must not be 0', { object: 'system', field: 'system.cpuTickFrequency', file });
  for (const [i, j] of (sc.jails ?? []).entries()) wrap(() => b.addPrison(j.jid as number, (j.name as string | undefined) ?? String(j.jid), (j.parent as number | undefined) ?? 0), `jail ${j.jid}`, `jails[${i}]`);
  for (const [i, t] of (sc.ttys ?? []).entries()) {
    if (t.nodev && t.udev !== undefined) throw new ScenarioError('give either udev or nodev, not both', { object: `tty ${t.name}`, field: `ttys[${i}]`, file });
    wrap(() => b.addTty(t.name as string, t.nodev ? null : big(t.udev, BigInt(0x60 + i))), `tty ${t.name}`, `ttys[${i}]`);
  }
  const credInit = (c: Obj, dfltJail: number): CredInit => ({
    uid: c.uid as number, ruid: (c.ruid as number | undefined) ?? (c.uid as number), svuid: (c.svuid as number | undefined) ?? (c.uid as number),
    gid: c.gid as number, rgid: (c.rgid as number | undefined) ?? (c.gid as number), svgid: (c.svgid as number | undefined) ?? (c.gid as number),
    groups: (c.groups as number[] | undefined) ?? [], flags: c.capmode ? 1 : 0, jail: (c.jail as number | undefined) ?? dfltJail,
    loginclass: (c.class as string | undefined) ?? 'default',
  });
  const apply = (step: Obj, i: number): void => {
    const field = `steps[${i}]`;
    if (step.fork) {
      const f = step.fork as Obj;
      const where = `proc ${f.pid}`;
      wrap(() => {
        const parent = b.model.procs.get(f.parent as number);
        const kproc = !!f.kproc;
        if (kproc && f.parent !== 0) throw new SimError('a kernel process (kproc) must be forked by proc 0', { object: where, field: 'kproc' });
        const start = f.start !== undefined ? seconds(f.start) : (parent?.p_stats.p_start ?? { sec: 0n, usec: 0n });
        const swtick = (f.swtick as number | undefined) ?? Number((start.sec * 1000000n + start.usec) * BigInt(hz) / 1000000n) >>> 0;
        const threads = ((f.threads as Obj[] | undefined) ?? [{}]).map((t, k) => threadInit(t, f.comm as string, `${where} thread ${k}`, undefined, swtick, !f.kproc));
        const fi: ForkInit = {
          pid: f.pid as number, parent: f.parent as number, comm: f.comm as string, rfnowait: !!f.rfnowait,
          cred: f.cred ? credInit(f.cred as Obj, parent?.p_ucred.cr_prison.pr_id ?? 0) : undefined,
          threads, emul: f.emul as string | undefined, exec: f.exec as string | undefined,
          vm: f.vm ? { size: big((f.vm as Obj).size), rss: big((f.vm as Obj).rss), swrss: big((f.vm as Obj).swrss), tsize: big((f.vm as Obj).tsize), dsize: big((f.vm as Obj).dsize), ssize: big((f.vm as Obj).ssize) } : undefined,
          start, swtick, nice: f.nice as number | undefined, fibnum: f.fibnum as number | undefined,
          flag: ((f.flags as number | undefined) ?? 0) | (kproc ? P_KPROC | P_SYSTEM : 0), flag2: (f.flag2 as number | undefined) ?? 0,
          acflag: (f.acflag as number | undefined) ?? 0, lock: (f.lock as number | undefined) ?? 0,
          siglist: sigset(f.siglist), sigignore: f.sigignore ? sigset(f.sigignore) : undefined, sigcatch: f.sigcatch ? sigset(f.sigcatch) : undefined,
          ru: rusage(f.ru), rux: f.cpu ? rux(f.cpu) : sumRux(threads.map((t) => t.td_rux)), crux: rux(f.children),
          ktrace: f.ktrace as ForkInit['ktrace'], swappedOut: !!f.swappedout,
        };
        if (!kproc && !f.vm) throw new SimError('a user process needs "vm" (its vmspace sizes)', { object: where, field: 'vm' });
        b.fork(fi);
        if (f.setsid) b.setsid(fi.pid, where);
        if (f.login !== undefined) b.setlogin(fi.pid, f.login as string, where);
        if (f.pgrp !== undefined) b.setpgid(fi.pid, f.pgrp as number, where);
        if (f.ctty !== undefined) b.ctty(fi.pid, f.ctty as string, where);
        if (f.foreground) {
          const p = b.model.procs.get(fi.pid)!;
          const tp = p.p_pgrp!.pg_session.s_ttyp;
          if (!tp) throw new SimError('foreground: the session has no controlling terminal', { object: where, field: 'foreground' });
          b.tcsetpgrp([...b.model.ttys.entries()].find(([, t]) => t === tp)![0], p.p_pgrp!.pg_id, where);
        }
        if (f.reaper) b.reapAcquire(fi.pid, where);
        b.resolvePending();
      }, where, `${field}.fork`);
      return;
    }
    const verb = Object.keys(step).find((k) => k !== '$comment')!;
    const target = step[verb];
    const where = verb === 'tcsetpgrp' ? `tty ${target}` : `proc ${target}`;
    wrap(() => {
      switch (verb) {
        case 'exit': return b.exit(target as number, (step.status as number | undefined) ?? 0, (step.signal as number | undefined) ?? 0, where);
        case 'wait': return b.wait(target as number, step.by as number | undefined, where);
        case 'setsid':
          b.setsid(target as number, where);
          if (step.login !== undefined) b.setlogin(target as number, step.login as string, where);
          return;
        case 'setlogin': return b.setlogin(target as number, step.login as string, where);
        case 'setpgid': return b.setpgid(target as number, step.pgid as number, where);
        case 'ctty': return b.ctty(target as number, step.tty as string, where);
        case 'tcsetpgrp': return b.tcsetpgrp(target as string, step.pgid as number, where);
        case 'reapAcquire': return b.reapAcquire(target as number, where);
        case 'reapRelease': return b.reapRelease(target as number, where);
        case 'ptrace': return b.ptraceAttach(target as number, step.by as number, where);
        case 'setcred': {
          const p = b.proc(target as number, where, verb);
          return b.setcred(target as number, credInit(step.cred as Obj, p.p_ucred.cr_prison.pr_id), where);
        }
      }
    }, where, field);
  };
  const finish = (): KernelModel => {
    wrap(() => b.check(), 'scenario', 'steps');
    if (!b.model.initproc) throw new ScenarioError('the scenario never forks init (pid 1 from proc 0)', { object: 'scenario', field: 'steps', file });
    return b.model;
  };
  return { builder: b, apply, finish };
}

/** Validate a scenario object and simulate it into a model for `arch`. */
export function buildModel(json: unknown, opts: LoadOptions): KernelModel {
  const sc = validateScenario(json, opts.file);
  const r = scenarioRunner(sc, opts);
  sc.steps.forEach((s, i) => r.apply(s, i));
  return r.finish();
}
