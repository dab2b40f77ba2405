import { UsageError } from '../base/errors.ts';
import { P_KPROC, P_TRACED, P_TREE_REAPER, PRS_ZOMBIE } from './constants.ts';
import { MAX_RANDOM_PROCESSES } from './limits.ts';
import type { KernelModel, Proc, Session } from './model.ts';
import { scenarioRunner, validateScenario, type Scenario } from './scenario.ts';

/**
 * A seeded random-system generator. It writes an ordinary scenario (so any generated system can
 * be saved, replayed and shrunk by hand) while driving the simulator step by step, so that every
 * step it emits is valid in the state reached so far. Systems have hundreds of processes,
 * sessions with terminals and process groups, nested jails, zombies (orphaned or not), reapers
 * with nested subtrees (acquire, release, exits of sub-reapers), RFNOWAIT forks, traced processes,
 * multithreaded processes with long thread names, the TDP_ALTSTACK/ki_uerrmsg quirk, pending cpu
 * time, group-overflowing credentials and hash-colliding pids (small maxproc).
 */

export interface RandomOptions {
  seed: number;
  /** @internal Test hook: after every step, check the generator's incremental views against full scans of the model. */
  verifyViews?: boolean;
  /** Number of forks (default 300, at most MAX_RANDOM_PROCESSES). */
  processes?: number;
  /** Max threads per process (default 12). */
  maxThreads?: number;
  /** Number of jails (default 4, some nested). */
  jails?: number;
  /** kern.maxproc (default: drawn from 400 … 40000). */
  maxproc?: number;
}

/** mulberry32. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
}

/**
 * A set of positions (numbers) kept sorted: the generator's views of `model.procs` in its
 * iteration order, so that each step picks the same process a filter over the whole map would,
 * without scanning the map (which made large systems quadratic).
 */
class Positions {
  readonly a: number[] = [];
  private find(x: number): number {
    let lo = 0, hi = this.a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.a[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  add(x: number): void {
    const n = this.a.length;
    if (n === 0 || this.a[n - 1] < x) this.a.push(x);
    else {
      const i = this.find(x);
      if (this.a[i] !== x) this.a.splice(i, 0, x);
    }
  }
  delete(x: number): void {
    const i = this.find(x);
    if (this.a[i] === x) this.a.splice(i, 1);
  }
  has(x: number): boolean {
    return this.a[this.find(x)] === x;
  }
  /** How many positions are ≤ x. */
  rank(x: number): number {
    let lo = 0, hi = this.a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.a[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  get size(): number {
    return this.a.length;
  }
}

/** The k-th position of `all` that is not in `skip` (skip ⊆ all, both sorted). */
function kthExcept(all: Positions, skip: Positions, k: number): number {
  let j = 0;
  for (;;) {
    const x = all.a[k + j];
    const j2 = skip.rank(x);
    if (j2 === j) return x;
    j = j2;
  }
}

const COMMS = ['sh', 'tcsh', 'zsh', 'bash', 'cron', 'syslogd', 'nginx', 'postgres', 'python3.11', 'node', 'make', 'cc', 'ld.lld', 'sleep', 'cat', 'vim', 'tmux', 'ssh', 'git', 'rsync', 'smbd', 'httpd', 'php-fpm', 'mysqld', 'redis-server', 'java', 'supervise', 'daemon', 'a-very-long-command'];
const TNAMES = ['worker', 'io', 'gc', 'timer', 'pool-thread-00', 'ThreadPoolForegroundWorker', 'DOM Worker', 'JIT compiler thread', 'net', 'x', ''];
const WMESGS = ['select', 'nanslp', 'piperd', 'wait', 'pause', 'kqread', 'uwait', 'ttyin', 'sbwait', 'accept', 'umtxn', 'zio->io_cv', 'biord', 'vmwait'];
const STATES = ['running', 'runq', 'canrun', 'sleeping', 'sleeping', 'sleeping', 'sleeping', 'lock', 'suspended', 'iwait'] as const;
const CLASSES = ['default', 'daemon', 'staff', 'russian', 'a-login-class-name'];
const EMULS = ['FreeBSD ELF64', 'FreeBSD ELF64', 'FreeBSD ELF64', 'FreeBSD ELF32', 'Linux ELF64'];

type Obj = Record<string, unknown>;

export function randomScenario(opts: RandomOptions): Scenario {
  const r = new Rng(opts.seed);
  const nProcs = opts.processes ?? 300;
  if (!Number.isInteger(nProcs) || nProcs < 1 || nProcs > MAX_RANDOM_PROCESSES) {
    throw new UsageError(`a random system has 1 … ${MAX_RANDOM_PROCESSES} processes, not ${nProcs}`, { field: 'processes' });
  }
  const maxThreads = opts.maxThreads ?? 12;
  const hz = r.pick([100, 1000, 1000]);
  const ticks = Math.min(0x7fffffff, r.int(2 * 3600, 40 * 86400) * hz);
  const uptimeMs = Math.floor((ticks / hz) * 1000);
  const sc: Scenario = {
    name: `random-${opts.seed}`,
    description: `generated by randomScenario({ seed: ${opts.seed} })`,
    system: {
      hz, ticks, boottime: `${1700000000 + r.int(0, 90000000)}.${String(r.int(0, 999999)).padStart(6, '0')}`,
      cpuTickFrequency: r.pick([1000000000, 2400000000, 3192000000, 24000000, 62500000]),
      maxproc: opts.maxproc ?? r.pick([400, 1024, 4000, 12000, 40000]),
    },
    jails: [],
    ttys: [],
    steps: [],
  };
  const nJails = opts.jails ?? 4;
  for (let j = 1; j <= nJails; j++) (sc.jails as Obj[]).push({ jid: j, name: `j${j}`, parent: j > 1 && r.chance(0.4) ? r.int(1, j - 1) : 0 });
  const nTty = r.int(2, 8);
  for (let t = 0; t < nTty; t++) (sc.ttys as Obj[]).push(r.chance(0.1) ? { name: `pts/${t}`, nodev: true } : { name: `pts/${t}`, udev: 100 + t * 3 });
  const run = scenarioRunner(sc, { arch: 'amd64' });
  const b = run.builder;
  const m = b.model;
  let clockMs = 500;
  const advance = () => {
    clockMs = Math.min(uptimeMs, clockMs + r.int(0, Math.max(1, Math.floor(uptimeMs / (nProcs * 2)))));
    return `${Math.floor(clockMs / 1000)}.${String((clockMs % 1000) * 1000).padStart(6, '0')}`;
  };
  let tid = 100010;
  const cpuObj = () => {
    const rt = r.int(0, 3) === 0 ? 0 : r.int(0, 2 ** 30) * r.int(1, 200);
    return { runtime: rt, uticks: r.int(0, 5000), sticks: r.int(0, 5000), iticks: r.int(0, 50) };
  };
  const threadsFor = (comm: string): Obj[] => {
    const n = r.chance(0.2) ? r.int(2, maxThreads) : 1;
    const out: Obj[] = [];
    for (let k = 0; k < n; k++) {
      tid += r.int(1, 40);
      const state = r.pick(STATES);
      const t: Obj = { tid, state, lastcpu: r.int(-1, 300) };
      if (n > 1 || r.chance(0.2)) t.name = r.chance(0.5) ? r.pick(TNAMES).slice(0, 19) : comm;
      if (state === 'sleeping') t.wmesg = r.chance(0.1) ? null : r.pick(WMESGS);
      if (state === 'lock') t.lockname = r.pick(['process lock', 'vm object', 'so_rcv', 'zfs']);
      if (state === 'running') t.oncpu = r.int(0, 300);
      if (r.chance(0.05)) t.swapped = true;
      if (r.chance(0.25)) t.pflags = 0x20 | (r.chance(0.5) ? 0x4 : 0);
      if (r.chance(0.3)) t.exterr = true;
      t.pri = { class: r.pick([1, 2, 3, 3, 3, 4]), level: r.int(0, 255), native: r.int(0, 255), user: r.int(0, 255) };
      t.slptick = r.int(0, ticks);
      if (r.chance(0.3)) t.cow = r.int(0, 5000);
      if (r.chance(0.4)) t.sigmask = [r.int(1, 32), r.int(1, 128)];
      if (r.chance(0.1)) t.siglist = [r.int(1, 64)];
      t.cpu = cpuObj();
      if (r.chance(0.3)) t.pending = { runtime: r.int(0, 2 ** 24), uticks: r.int(0, 3), sticks: r.int(0, 3) };
      if (r.chance(0.5)) t.ru = { maxrss: r.int(0, 200000), minflt: r.int(0, 1e6), majflt: r.int(0, 1000), nvcsw: r.int(0, 1e6), nivcsw: r.int(0, 1e5), inblock: r.int(0, 1e4) };
      t.pctcpu = r.chance(0.3) ? r.int(0, 2048) : 0;
      if (r.chance(0.1)) t.flags = r.int(0, 0xffff) << 4;
      out.push(t);
    }
    return out;
  };
  const vmObj = () => ({ size: r.int(1, 4096) * 1048576 + r.int(0, 255) * 4096, rss: r.int(0, 200000), swrss: r.int(0, 100), tsize: r.int(0, 5000), dsize: r.int(0, 5000), ssize: r.int(1, 64) });
  // Views of model.procs in its iteration order (a Map iterates in insertion order; a pid that is
  // reaped and reused is a new entry at the end): position → proc, and sorted sets of positions.
  const byPos: Proc[] = [];
  const posOf = new Map<Proc, number>();
  const LIVE = new Positions(); // not a zombie, not proc0, not a system process
  const ZOMB = new Positions(); // zombies still in the hash
  const mayReap = new Positions(); // P_TREE_REAPER was set at some point (checked when used)
  const mayTrace = new Positions(); // P_TRACED was set at some point (checked when used)
  /** Per session, per process group id: positions of its members (all, and those not zombies). */
  const groupsOf = new Map<Session, Map<number, { all: Positions; nz: Positions }>>();
  // init is P_SYSTEM too (create_init) but forks like any process: kernel processes are the ones left out.
  const isLive = (p: Proc) => p.p_state !== PRS_ZOMBIE && p.p_pid !== 0 && !(p.p_flag & P_KPROC);
  const enter = (p: Proc) => {
    const x = byPos.length;
    byPos.push(p);
    posOf.set(p, x);
    if (isLive(p)) LIVE.add(x);
    if (p.p_state === PRS_ZOMBIE) ZOMB.add(x);
    if (p.p_treeflag & P_TREE_REAPER) mayReap.add(x);
    if (p.p_flag & P_TRACED) mayTrace.add(x);
    const pg = p.p_pgrp!;
    let g = groupsOf.get(pg.pg_session);
    if (!g) groupsOf.set(pg.pg_session, (g = new Map()));
    let e = g.get(pg.pg_id);
    if (!e) g.set(pg.pg_id, (e = { all: new Positions(), nz: new Positions() }));
    e.all.add(x);
    if (p.p_state !== PRS_ZOMBIE) e.nz.add(x);
  };
  const groupEntry = (p: Proc) => groupsOf.get(p.p_pgrp!.pg_session)!.get(p.p_pgrp!.pg_id)!;
  for (const p of m.procs.values()) enter(p);
  /** Process group ids of a session in order of their first member in model.procs (optionally zombies excluded). */
  const sessionGroups = (sess: Session, withZombies: boolean): number[] => {
    const g = groupsOf.get(sess);
    if (!g) return [];
    const out: [number, number][] = [];
    for (const [id, e] of g) {
      const ps = withZombies ? e.all : e.nz;
      if (ps.size) out.push([ps.a[0], id]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  };
  /** r.pick over the k-th of a view: one draw, as r.pick draws even from an empty array. */
  const pickFrom = (all: Positions, skip?: Positions): Proc | undefined => {
    const n = all.size - (skip?.size ?? 0);
    const k = Math.floor(r.next() * n);
    if (k >= n) return undefined;
    return byPos[skip && skip.size ? kthExcept(all, skip, k) : all.a[k]];
  };
  /** The positions of those of `ps` that are live, as a set. */
  const liveSkip = (ps: Iterable<Proc>) => {
    const xs: number[] = [];
    for (const p of ps) {
      const x = posOf.get(p);
      if (x !== undefined && LIVE.has(x)) xs.push(x);
    }
    xs.sort((a, b) => a - b);
    const out = new Positions();
    for (const x of xs) if (out.a[out.a.length - 1] !== x) out.a.push(x);
    return out;
  };
  const verify = !!opts.verifyViews;
  /** The views must equal what filters over [...model.procs.values()] give (the generator's original definition). */
  const verifyViews = () => {
    const all = [...m.procs.values()];
    const eq = (what: string, a: unknown[], b: unknown[]) => {
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`random generator view ${what} diverged at step ${sc.steps.length - 1}`);
    };
    eq('order', all, byPos.filter((p) => posOf.has(p)));
    eq('live', all.filter(isLive), LIVE.a.map((x) => byPos[x]));
    eq('zombies', all.filter((p) => p.p_state === PRS_ZOMBIE), ZOMB.a.map((x) => byPos[x]));
    eq('reapers', all.filter((p) => isLive(p) && p.p_treeflag & P_TREE_REAPER), mayReap.a.filter((x) => LIVE.has(x) && byPos[x].p_treeflag & P_TREE_REAPER).map((x) => byPos[x]));
    eq('traced', all.filter((p) => isLive(p) && p.p_flag & P_TRACED), mayTrace.a.filter((x) => LIVE.has(x) && byPos[x].p_flag & P_TRACED).map((x) => byPos[x]));
    const sessions = new Set(all.map((q) => q.p_pgrp!.pg_session));
    for (const sess of sessions) {
      eq('groups', [...new Set(all.filter((q) => q.p_pgrp?.pg_session === sess && q.p_state !== PRS_ZOMBIE).map((q) => q.p_pgrp!.pg_id))], sessionGroups(sess, false));
      eq('groups+zombies', [...new Set(all.filter((q) => q.p_pgrp?.pg_session === sess).map((q) => q.p_pgrp!.pg_id))], sessionGroups(sess, true));
    }
  };
  const apply = (step: Obj) => {
    sc.steps.push(step);
    validateScenario({ name: 'x', steps: [step] });
    const waited = step.wait !== undefined ? m.procs.get(step.wait as number) : undefined;
    const waitedGroup = waited ? groupEntry(waited) : undefined; // proc_reap clears p_pgrp
    run.apply(step, sc.steps.length - 1);
    // Keep the views in step with what the step did.
    if (step.fork) enter(m.procs.get((step.fork as Obj).pid as number)!);
    else if (step.exit !== undefined) {
      const p = m.procs.get(step.exit as number)!;
      const x = posOf.get(p)!;
      LIVE.delete(x);
      ZOMB.add(x);
      groupEntry(p).nz.delete(x);
    } else if (waited) {
      const x = posOf.get(waited)!;
      ZOMB.delete(x);
      mayReap.delete(x);
      mayTrace.delete(x);
      waitedGroup!.all.delete(x);
      posOf.delete(waited);
    } else if (step.reapAcquire !== undefined) mayReap.add(posOf.get(m.procs.get(step.reapAcquire as number)!)!);
    else if (step.ptrace !== undefined) mayTrace.add(posOf.get(m.procs.get(step.ptrace as number)!)!);
    if (verify) verifyViews();
  };
  // init and kernel processes.
  apply({ fork: { pid: 1, parent: 0, comm: 'init', exec: '/sbin/init', emul: 'FreeBSD ELF64', start: '0.400000', setsid: true, vm: vmObj(), threads: threadsFor('init').slice(0, 1) } });
  let pidNext = 2;
  for (let k = 0; k < r.int(3, 10); k++) apply({ fork: { pid: pidNext++, parent: 0, comm: r.pick(['clock', 'geom', 'crypto', 'cam', 'usb', 'zfskern', 'pagedaemon', 'vmdaemon', 'bufdaemon', 'syncer']), kproc: true, start: '0.300000', threads: threadsFor('kthread') } });
  pidNext = r.int(12, 40);
  const allocPid = (): number => {
    for (;;) {
      pidNext += r.chance(0.2) ? r.int(2, 60) : 1;
      if (pidNext > 99999) pidNext = 12;
      if (!b.idInUse(pidNext)) return pidNext;
    }
  };
  const freeTty = () => [...m.ttys.entries()].find(([, t]) => !t.t_session)?.[0];
  let forks = 0;
  let guard = 0;
  while (forks < nProcs && guard++ < nProcs * 20) {
    const roll = r.next();
    if (roll < 0.62 || LIVE.size < 4) {
      // fork
      const parent: Proc = r.chance(0.15) ? m.initproc! : pickFrom(LIVE)!;
      const pid = allocPid();
      const comm = r.pick(COMMS);
      const f: Obj = { pid, parent: parent.p_pid, comm, start: advance(), vm: vmObj(), threads: threadsFor(comm) };
      if (r.chance(0.6)) f.exec = `/usr/bin/${comm}`;
      if (r.chance(0.1)) f.emul = r.pick(EMULS);
      if (r.chance(0.05)) f.rfnowait = true;
      if (r.chance(0.3)) f.cpu = cpuObj();
      if (r.chance(0.2)) f.children = cpuObj();
      if (r.chance(0.2)) f.sigcatch = [1, 2, 15, r.int(16, 64)];
      if (r.chance(0.1)) f.sigignore = [13, r.int(1, 128)];
      if (r.chance(0.05)) f.nice = r.int(-20, 20);
      if (r.chance(0.05)) f.fibnum = r.int(1, 15);
      if (r.chance(0.05)) f.ktrace = { file: '/tmp/ktrace.out', flags: r.int(1, 0x7ff) };
      if (r.chance(0.1)) f.acflag = r.int(0, 0x1f);
      if (r.chance(0.3)) {
        const curJail = parent.p_ucred.cr_prison.pr_id;
        const jails = [curJail, ...[...m.prisons.values()].filter((pr) => { for (let q = pr.pr_parent; q; q = q.pr_parent) if (q.pr_id === curJail) return true; return false; }).map((pr) => pr.pr_id)];
        const uid = r.pick([0, 0, 80, 1001, 1002, 65534, 4000000000]);
        const gid = r.pick([0, 5, 80, 1001, 65534]);
        const ng = r.chance(0.1) ? r.int(15, 40) : r.int(0, 4);
        f.cred = { uid, ruid: r.chance(0.8) ? uid : r.pick([0, 1001]), gid, groups: Array.from({ length: ng }, () => r.int(0, 70000)), capmode: r.chance(0.05), jail: r.pick(jails), class: r.pick(CLASSES) };
      }
      const sess = parent.p_pgrp!.pg_session;
      const tty = freeTty();
      if (r.chance(0.25)) {
        f.setsid = true;
        if (r.chance(0.6)) f.login = r.pick(['root', 'alice', 'bob', 'www', 'a-very-long-login-name-xx']);
        if (tty && r.chance(0.6)) {
          f.ctty = tty;
          if (r.chance(0.7)) f.foreground = true;
        }
      } else if (sess.s_leader !== parent && r.chance(0.3)) {
        // join an existing group of the session, or make a new one
        const groups = sessionGroups(sess, false);
        f.pgrp = r.chance(0.5) ? pid : r.pick(groups);
        if (sess.s_ttyp && sess.s_ttyp.t_session === sess && r.chance(0.5)) f.foreground = true;
      } else if (r.chance(0.3)) {
        f.pgrp = pid;
        if (sess.s_ttyp && sess.s_ttyp.t_session === sess && r.chance(0.5)) f.foreground = true;
      }
      if (r.chance(0.08)) f.reaper = true;
      if (r.chance(0.05)) f.flags = r.pick([0x20000, 0x40000, 0x80000, 0x10, 0x4000]);
      apply({ fork: f });
      forks++;
    } else if (roll < 0.76) {
      // exit (not init, not a tracer of others)
      // Tracers of processes other than their own children: live q traced with q.p_pptr === p && q.p_oppid !== p.p_pid.
      const tracers: Proc[] = [m.initproc!];
      for (const x of mayTrace.a) {
        const q = byPos[x];
        if (LIVE.has(x) && q.p_flag & P_TRACED && q.p_pptr && q.p_oppid !== q.p_pptr.p_pid) tracers.push(q.p_pptr);
      }
      const skip = liveSkip(tracers);
      if (LIVE.size - skip.size <= 0) continue;
      const p = pickFrom(LIVE, skip)!;
      apply({ exit: p.p_pid, status: r.chance(0.8) ? 0 : r.int(1, 255), signal: r.chance(0.85) ? 0 : r.pick([6, 9, 11, 15]) });
    } else if (roll < 0.86) {
      const z = ZOMB.a.map((x) => byPos[x]).filter((p) => p.p_state === PRS_ZOMBIE && p.p_pptr && p.p_pptr.p_state !== PRS_ZOMBIE && p.p_oppid === p.p_pptr.p_pid);
      if (!z.length) continue;
      apply({ wait: r.pick(z).p_pid });
    } else if (roll < 0.9) {
      const rs = mayReap.a.filter((x) => LIVE.has(x) && byPos[x].p_treeflag & P_TREE_REAPER && byPos[x] !== m.initproc).map((x) => byPos[x]);
      if (rs.length) apply({ reapRelease: r.pick(rs).p_pid });
      else {
        // No live reaper but init: every live process except init.
        const p = pickFrom(LIVE, liveSkip([m.initproc!]));
        if (p) apply({ reapAcquire: p.p_pid });
      }
    } else if (roll < 0.94) {
      const traced: Proc[] = [m.initproc!];
      for (const x of mayTrace.a) if (LIVE.has(x) && byPos[x].p_flag & P_TRACED) traced.push(byPos[x]);
      const skip = liveSkip(traced);
      if (LIVE.size - skip.size < 2) continue;
      const t = pickFrom(LIVE, skip)!;
      const dbg = pickFrom(LIVE, liveSkip([t]));
      if (!dbg) continue;
      apply({ ptrace: t.p_pid, by: dbg.p_pid });
    } else if (roll < 0.97) {
      const ttys = [...m.ttys.entries()].filter(([, t]) => t.t_session);
      if (!ttys.length) continue;
      const [name, tp] = r.pick(ttys);
      const groups = tp.t_session ? sessionGroups(tp.t_session, true) : [];
      if (groups.length) apply({ tcsetpgrp: name, pgid: r.pick(groups) });
    } else {
      const p = pickFrom(LIVE)!;
      apply({ setcred: p.p_pid, cred: { uid: r.pick([0, 1001, 80]), gid: r.pick([0, 1001]), groups: [r.int(0, 100)], jail: p.p_ucred.cr_prison.pr_id } });
    }
  }
  run.finish();
  return sc;
}

/** A random system as a model for one arch (the scenario is rebuilt for that arch's addresses). */
export function randomModel(opts: RandomOptions, arch = 'amd64'): { scenario: Scenario; model: KernelModel } {
  const scenario = randomScenario(opts);
  const run = scenarioRunner(scenario, { arch });
  scenario.steps.forEach((s, i) => run.apply(s, i));
  return { scenario, model: run.finish() };
}

export { MAX_RANDOM_PROCESSES };
