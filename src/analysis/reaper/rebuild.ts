import { followChain } from '../../base/chain.ts';
import { KvmkitError, type ErrorContext } from '../../base/errors.ts';
import type { KRecord } from '../../codec/index.ts';
import {
  REAPER_KILL_CHILDREN, REAPER_KILL_SUBTREE, REAPER_PIDINFO_CHILD, REAPER_PIDINFO_EXITING, REAPER_PIDINFO_REAPER,
  REAPER_PIDINFO_STOPPED, REAPER_PIDINFO_VALID, REAPER_PIDINFO_ZOMBIE, REAPER_STATUS_EX_DIRECT_CHILD,
  REAPER_STATUS_EX_OWNED, REAPER_STATUS_EX_REALINIT, REAPER_STATUS_EX_REAPER, REAPER_STATUS_OWNED,
  REAPER_STATUS_REALINIT, _SIG_MAXSIG, type ReaperPidinfo, type ReaperStatus, type ReaperStatusEx,
} from '../../kernel/procctl.ts';

/**
 * Userland rebuild of the reaper hierarchy from `kinfo_proc` records that carry `ki_reaper` and
 * `ki_reapsubtree` (the fbsd15-reaper layouts; seed 000's proposal), and what PROC_REAP_STATUS,
 * PROC_REAP_GETPIDS, PROC_REAP_KILL and the fork's PROC_REAP_STATUS_EX would answer for a pid —
 * spec §5.4 applied to records only. Nothing here reads a kernel model.
 *
 * Per process (per-thread records deduplicated by ki_pid; the reaper fields are per process):
 * pid, ppid (= real parent), reaper, subtree, tracer, flag, flag2, stat, start.
 *  - kernel parent pointer pptr(q) = ki_tracer if P_TRACED, else ki_ppid;
 *  - reap list L(r) = { q : q.reaper == r, q.pid != r } (the exclusion drops pid 0, its own reaper);
 *  - known reapers = {0, 1} ∪ { r : L(r) non-empty };
 *  - effective reaper E(p) = p if p is a known reaper, else p.reaper;
 *  - hierarchy: nodes are the known reapers, the parent of r is r.reaper, the root is 0;
 *  - subtrees: L(r) grouped by subtree id.
 *
 * LIMITS — what records alone cannot tell (each is measured by test/analysis/reaper-agreement):
 *  1. P_TREE_REAPER is not exported. A reaper with an EMPTY reap list (just after REAP_ACQUIRE, or
 *     once all its members were reaped) looks like a non-reaper: for it STATUS/GETPIDS/KILL are
 *     answered for its own reaper instead (the kernel says OWNED, 0 descendants, rs_pid −1), and its
 *     owner's GETPIDS lacks the REAPER flag for it. Kill target sets of everybody else are unaffected
 *     (an empty list adds nobody).
 *  2. List order is approximated. The kernel's p_reaplist and p_children are head-inserted, and
 *     abandonment (REAP_RELEASE, reaping a sub-reaper) and reparenting (exit, ptrace) re-insert
 *     members later than their fork. We order by latest ki_start first, ties by larger pid — exact
 *     when nothing was re-inserted. So rs_pid (head of E's children, else of L(E)) and the GETPIDS
 *     order are exact only when the candidate list has at most one entry (or L(E) is empty: −1);
 *     sets, counts and flags are exact.
 *  3. The viewer matters. kern.proc.* is filtered by p_cansee, the kernel's procctl counts are not:
 *     from a jailed or unprivileged viewer descendants/children counts, member lists and kill sets
 *     cover only the visible processes, and reapers outside the jail (0, 1) are missing.
 *  4. Records from older revisions (fbsd14, fbsd15, upstream without the fields) have no
 *     ki_reaper/ki_reapsubtree, or zeros there: nothing can be rebuilt (a clear error names the file
 *     and revision). libkvm omits zombies, and a zombie reaper still owns its list: prefer live
 *     records. Records are a snapshot taken without the proctree lock across processes.
 *  5. Permissions are not in records: KILL answers the set of processes that would be visited and
 *     signalled if p_cansignal allowed every one (rk_killed = its size); denials, rk_fpid and
 *     ECAPMODE depend on the caller.
 */

export const REAPER_LIMITS: readonly string[] = [
  'P_TREE_REAPER is not exported: a reaper with an empty reap list (just after REAP_ACQUIRE, or after all its members were reaped) is indistinguishable from a non-reaper; STATUS/GETPIDS/KILL on it are answered for its own reaper, and its owner\'s GETPIDS lacks REAPER for it.',
  'List order is approximated (latest ki_start first, ties by larger pid): REAP_RELEASE, reaping a sub-reaper, exit reparenting and ptrace re-insert members later than their fork. rs_pid and the GETPIDS order are exact only when there is at most one candidate (or none: rs_pid -1); sets, counts and flags are exact.',
  'Records are filtered by p_cansee but the kernel\'s counts are not: from a jailed or unprivileged viewer, counts, member lists and kill sets cover only visible processes.',
  'Records from revisions without ki_reaper/ki_reapsubtree (fbsd14, fbsd15, upstream) cannot be used; libkvm omits zombies (which can still own reap lists); records are a snapshot without the proctree lock.',
  'Permissions are not in records: KILL gives the processes that would be signalled if p_cansignal allowed each one (rk_killed = their number); denials, rk_fpid and ECAPMODE depend on the caller.',
];

// Constants read from records (sys/sys/proc.h, sys/sys/user.h).
const P_TRACED = 0x800, P_WEXIT = 0x2000, P_STOPPED = 0xe0000, P2_WEXIT = 0x40000, SZOMB = 5;
const ESRCH = 3, EINVAL = 22;

/** One process as the records show it. */
export interface RProc {
  pid: number;
  /** ki_ppid: the real parent's pid. */
  ppid: number;
  /** ki_reaper. */
  reaper: number;
  /** ki_reapsubtree. */
  subtree: number;
  /** ki_tracer (0 when not traced). */
  tracer: number;
  flag: number;
  flag2: number;
  stat: number;
  /** ki_start in microseconds since the epoch. */
  start: bigint;
  comm: string;
  jid: number;
  /** Number of records (threads) seen for this pid. */
  records: number;
  /** Index of the first record. */
  index: number;
}

export interface ReaperSource {
  file?: string;
  struct?: string;
  arch?: string;
  revision?: string;
  /** What produced the records: a records file, a core, a scenario's live path, a dump image. */
  kind?: string;
}

export type Answer<T> = { error: 0; value: T } | { error: number; value?: undefined; reason?: string };

export interface StatusAnswer extends ReaperStatus {
  /** True when rs_pid is recoverable exactly (−1, or a single candidate); false = approximation. */
  rs_pid_exact: boolean;
  /** Where rs_pid came from: 'none' (−1), 'children' (head of E's children), 'reaplist'. */
  rs_pid_from: 'none' | 'children' | 'reaplist';
}

export interface GetpidsAnswer {
  pids: ReaperPidinfo[];
  /** The reaper whose list was walked (E(p)). */
  reaper: number;
  /** True when the order is recoverable exactly (at most one member). */
  order_exact: boolean;
}

export interface KillPlan {
  /** E(p): the reaper walked. */
  reaper: number;
  mode: 'children' | 'subtree' | 'all';
  subtree?: number;
  /** Pids that would be signalled, in the (approximated) kernel order. */
  targets: number[];
  /** Known reapers whose lists were walked (breadth first); empty in children mode. */
  walked: number[];
  /** What procctl would return if p_cansignal allowed every target. */
  assumingPermitted: { error: number; rk_killed: number; rk_fpid: number };
}

export interface ReaperNode {
  pid: number;
  comm: string;
  /** The reaper's own reaper (hierarchy parent); the root 0 has itself. */
  reaper: number;
  /** The reaper's own subtree id within its reaper's list. */
  subtree: number;
  zombie: boolean;
  /** Not in the records (outside the viewer's jail, or reaped) but referenced by members. */
  invisible: boolean;
  descendants: number;
  children: number;
  subtrees: { id: number; members: number[] }[];
  reapers: ReaperNode[];
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : Number(v ?? 0));
const int32 = (v: unknown): number => (typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : Number(v ?? 0) | 0);
const u32 = (v: unknown): number => (typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : Number(v ?? 0) >>> 0);

/** The approximate kernel list order: newest first (latest ki_start, then larger pid). */
export function newestFirst(a: RProc, b: RProc): number {
  if (a.start !== b.start) return a.start > b.start ? -1 : 1;
  return b.pid - a.pid;
}

/**
 * Per-process view of a record set (dedup by ki_pid). Throws when the records have no reaper fields.
 */
export function procsFromRecords(records: readonly KRecord[], src: ReaperSource = {}): RProc[] {
  const ctx: ErrorContext = { file: src.file, struct: src.struct, arch: src.arch, revision: src.revision };
  if (records.length === 0) throw new KvmkitError('no records: nothing to rebuild the reaper hierarchy from', ctx);
  if (!('ki_reaper' in records[0]) || !('ki_reapsubtree' in records[0])) {
    throw new KvmkitError(
      `these ${src.struct ?? 'kinfo_proc'} records (revision ${src.revision ?? 'unknown'}) have no ki_reaper/ki_reapsubtree fields, so the reaper hierarchy cannot be rebuilt from them; ` +
      'it needs records from a kernel that exports them (layout revision fbsd15-reaper, spec §6.2)', { ...ctx, field: 'ki_reaper' });
  }
  const byPid = new Map<number, RProc>();
  let anyReaperField = false;
  records.forEach((r, i) => {
    const pid = int32(r.ki_pid);
    const reaper = int32(r.ki_reaper);
    const subtree = int32(r.ki_reapsubtree);
    if (reaper !== 0 || subtree !== 0) anyReaperField = true;
    const seen = byPid.get(pid);
    if (seen) {
      seen.records++;
      return;
    }
    const st = r.ki_start as KRecord | undefined;
    const start = st ? BigInt(st.tv_sec as number | bigint) * 1000000n + BigInt(st.tv_usec as number | bigint) : 0n;
    byPid.set(pid, {
      pid, ppid: int32(r.ki_ppid), reaper, subtree, tracer: int32(r.ki_tracer), flag: u32(num(r.ki_flag)), flag2: u32(num(r.ki_flag2)),
      stat: num(r.ki_stat), start, comm: String(r.ki_comm ?? ''), jid: int32(r.ki_jid), records: 1, index: i,
    });
  });
  if (!anyReaperField && [...byPid.keys()].some((p) => p !== 0)) {
    throw new KvmkitError(
      `ki_reaper and ki_reapsubtree are zero in all ${records.length} records (bytes 552–559 of kinfo_proc, 472–479 of kinfo_proc32), read as revision ${src.revision ?? 'unknown'}: ` +
      'the records come from a kernel that does not fill the reaper fields (fbsd14/fbsd15 kernels have spares there), so the reaper hierarchy cannot be rebuilt',
      { ...ctx, field: 'ki_reaper' });
  }
  return [...byPid.values()];
}

export interface KillOptions {
  /** REAPER_KILL_CHILDREN. */
  children?: boolean;
  /** REAPER_KILL_SUBTREE with this rk_subtree. */
  subtree?: number;
  /** rk_sig, checked like the kernel does (1 … 128); default SIGTERM. */
  sig?: number;
}

/** The reaper view rebuilt from records (spec §5.4). */
export class ReaperView {
  readonly procs: Map<number, RProc>;
  /** L(r) in approximate kernel order (newest first). */
  readonly reapLists = new Map<number, RProc[]>();
  /** Processes whose kernel parent pointer is this pid, approximate p_children order. */
  readonly children = new Map<number, RProc[]>();
  readonly knownReapers: Set<number>;
  readonly source: ReaperSource;
  /** pid 0 is in the records: a host (unjailed, privileged) view of every process. */
  readonly complete: boolean;

  constructor(procs: readonly RProc[], source: ReaperSource = {}) {
    this.source = source;
    this.procs = new Map(procs.map((p) => [p.pid, p]));
    this.complete = this.procs.has(0);
    for (const q of procs) {
      if (q.pid !== q.reaper) push(this.reapLists, q.reaper, q);
      if (q.pid !== 0) push(this.children, this.pptr(q), q);
    }
    for (const l of this.reapLists.values()) l.sort(newestFirst);
    for (const l of this.children.values()) l.sort(newestFirst);
    this.knownReapers = new Set([0, 1, ...this.reapLists.keys()]);
  }

  static fromRecords(records: readonly KRecord[], source: ReaperSource = {}): ReaperView {
    return new ReaperView(procsFromRecords(records, source), source);
  }

  /** The kernel's p_pptr: the tracer while traced, else the real parent. */
  pptr(q: RProc): number {
    return q.flag & P_TRACED && q.tracer > 0 ? q.tracer : this.realParent(q);
  }

  /**
   * proc_realparent(q) as a pid: ki_ppid (p_oppid), except when that pid is not a process of a
   * complete snapshot (pid 0 visible = host view): then p_pptr's pid cannot equal p_oppid, and the
   * kernel falls back to q's reaper. (Seen after a ptrace attach to a child of a zombie that is later
   * reaped: p_oppid keeps the reaped pid.)
   */
  realParent(q: RProc): number {
    if (q.pid !== 0 && q.ppid !== 0 && this.complete && !this.procs.has(q.ppid)) return q.reaper;
    return q.ppid;
  }

  isKnownReaper(pid: number): boolean {
    return this.knownReapers.has(pid);
  }

  /** E(p). */
  effectiveReaper(p: RProc): number {
    return this.isKnownReaper(p.pid) ? p.pid : p.reaper;
  }

  list(r: number): RProc[] {
    return this.reapLists.get(r) ?? [];
  }

  childrenOf(r: number): RProc[] {
    return this.children.get(r) ?? [];
  }

  /** The procctl target lookup: pfind skips zombies; pid 0 means the caller, which records cannot name. */
  lookup(pid: number): { p?: RProc; error: number; reason?: string } {
    if (pid === 0) return { error: EINVAL, reason: 'pid 0 means the calling process, which records do not identify; name a pid' };
    const p = this.procs.get(pid);
    if (!p) return { error: ESRCH, reason: `no process ${pid} in the records` };
    if (p.stat === SZOMB) return { error: ESRCH, reason: `process ${pid} is a zombie (procctl looks processes up without zombies)` };
    return { p, error: 0 };
  }

  /** PROC_REAP_STATUS. */
  status(pid: number): Answer<StatusAnswer> {
    const { p, error, reason } = this.lookup(pid);
    if (!p) return { error, reason };
    const e = this.effectiveReaper(p);
    const l = this.list(e);
    const kids = this.childrenOf(e);
    let flags = 0;
    if (e === p.pid) flags |= REAPER_STATUS_OWNED;
    if (e === 1) flags |= REAPER_STATUS_REALINIT;
    let rsPid = -1;
    let from: StatusAnswer['rs_pid_from'] = 'none';
    let exact = true;
    if (l.length > 0) {
      if (kids.length > 0) {
        rsPid = kids[0].pid;
        from = 'children';
        exact = kids.length === 1;
      } else {
        rsPid = l[0].pid;
        from = 'reaplist';
        exact = l.length === 1;
      }
    }
    return {
      error: 0,
      value: { rs_flags: flags, rs_children: l.filter((q) => this.realParent(q) === e).length, rs_descendants: l.length, rs_reaper: e, rs_pid: rsPid, rs_pid_exact: exact, rs_pid_from: from },
    };
  }

  /** pi_flags for a member q of L(e). */
  pidinfoFlags(e: number, q: RProc): number {
    let f = REAPER_PIDINFO_VALID;
    if (this.realParent(q) === e) f |= REAPER_PIDINFO_CHILD;
    if (this.isKnownReaper(q.pid)) f |= REAPER_PIDINFO_REAPER;
    if (q.flag & P_STOPPED) f |= REAPER_PIDINFO_STOPPED;
    if (q.stat === SZOMB) f |= REAPER_PIDINFO_ZOMBIE;
    else if (q.flag & P_WEXIT) f |= REAPER_PIDINFO_EXITING;
    return f;
  }

  /** PROC_REAP_GETPIDS with rp_count = count (default: all). */
  getpids(pid: number, count = Number.POSITIVE_INFINITY): Answer<GetpidsAnswer> {
    const { p, error, reason } = this.lookup(pid);
    if (!p) return { error, reason };
    const e = this.effectiveReaper(p);
    const l = this.list(e);
    const pids = l.slice(0, Math.max(0, Math.min(l.length, count))).map((q) => ({ pi_pid: q.pid, pi_subtree: q.subtree, pi_flags: this.pidinfoFlags(e, q) }));
    return { error: 0, value: { pids, reaper: e, order_exact: l.length <= 1 } };
  }

  /** PROC_REAP_STATUS_EX (the fork's command). */
  statusEx(pid: number): Answer<ReaperStatusEx> {
    const { p, error, reason } = this.lookup(pid);
    if (!p) return { error, reason };
    const e = this.effectiveReaper(p);
    const v: ReaperStatusEx = { rsx_flags: 0, rsx_pid: p.pid, rsx_reaper: e, rsx_subtree: p.subtree, rsx_realparent: this.realParent(p), rsx_descendants: 0, rsx_children: 0 };
    if (e === p.pid) {
      v.rsx_flags |= REAPER_STATUS_EX_OWNED | REAPER_STATUS_EX_REAPER;
      const l = this.list(e);
      v.rsx_descendants = l.length;
      v.rsx_children = l.filter((q) => this.realParent(q) === e).length;
    }
    if (e === 1) v.rsx_flags |= REAPER_STATUS_EX_REALINIT;
    if (this.realParent(p) === e) v.rsx_flags |= REAPER_STATUS_EX_DIRECT_CHILD;
    return { error: 0, value: v };
  }

  /** PROC_REAP_KILL's target set (CHILDREN, SUBTREE or the whole reaper subtree). */
  kill(pid: number, opts: KillOptions = {}): Answer<KillPlan> {
    const { p, error, reason } = this.lookup(pid);
    if (!p) return { error, reason };
    const sig = opts.sig ?? 15;
    if (!Number.isInteger(sig) || sig <= 0 || sig > _SIG_MAXSIG) return { error: EINVAL, reason: `signal ${sig} is outside 1 … ${_SIG_MAXSIG}` };
    if (opts.children && opts.subtree !== undefined) return { error: EINVAL, reason: 'REAPER_KILL_CHILDREN and REAPER_KILL_SUBTREE together' };
    const e = this.effectiveReaper(p);
    const targets: number[] = [];
    const walked: number[] = [];
    if (opts.children) {
      for (const q of this.childrenOf(e)) if (!(q.flag2 & P2_WEXIT)) targets.push(q.pid);
      // The kernel's children loop never resets its initial ESRCH on success (spec §5.3).
      return { error: 0, value: { reaper: e, mode: 'children', targets, walked, assumingPermitted: { error: ESRCH, rk_killed: targets.length, rk_fpid: -1 } } };
    }
    const sub = opts.subtree;
    const queue = [e];
    const queued = new Set(queue);
    const seen = new Set<number>();
    while (queue.length) {
      const t = queue.shift()!;
      walked.push(t);
      for (const q of this.list(t)) {
        if (t === e && sub !== undefined && q.subtree !== sub) continue;
        if (this.isKnownReaper(q.pid)) {
          // Every process is on one reap list, so meeting a reaper twice means ki_reaper links loop.
          if (queued.has(q.pid)) this.throwReaperCycle(t);
          queued.add(q.pid);
          queue.push(q.pid);
        }
        if (q.flag2 & P2_WEXIT || seen.has(q.pid)) continue;
        seen.add(q.pid);
        targets.push(q.pid);
      }
    }
    return {
      error: 0,
      value: {
        reaper: e, mode: sub !== undefined ? 'subtree' : 'all', subtree: sub, targets, walked,
        assumingPermitted: { error: targets.length ? 0 : ESRCH, rk_killed: targets.length, rk_fpid: -1 },
      },
    };
  }

  /** A loop in ki_reaper links (hostile or corrupt records): the error names where it closes. */
  private throwReaperCycle(from: number): never {
    followChain(from, (pid) => {
      const r = this.procs.get(pid)?.reaper;
      return r === undefined || r === pid ? undefined : r;
    }, { what: `the reaper chain of pid ${from}`, limit: this.procs.size + 1, context: { field: 'ki_reaper' } });
    throw new KvmkitError(`the reap lists under pid ${from} revisit a reaper; the records cannot come from one kernel`, { field: 'ki_reaper' });
  }

  /** Kill flags as the kernel takes them (REAPER_KILL_*), for callers holding raw flags. */
  static killOptions(flags: number, subtree?: number): KillOptions {
    return { children: (flags & REAPER_KILL_CHILDREN) !== 0, subtree: flags & REAPER_KILL_SUBTREE ? subtree : undefined };
  }

  /** The reaper hierarchy: known reapers, each with its list grouped by subtree and its nested reapers. */
  hierarchy(): ReaperNode[] {
    const nodes = new Map<number, ReaperNode>();
    const node = (r: number): ReaperNode => {
      let n = nodes.get(r);
      if (n) return n;
      const p = this.procs.get(r);
      const l = this.list(r);
      const groups = new Map<number, number[]>();
      for (const q of l) push(groups, q.subtree, q.pid);
      n = {
        pid: r, comm: p?.comm ?? '', reaper: p ? (r === 0 ? 0 : p.reaper) : -1, subtree: p?.subtree ?? 0, zombie: p?.stat === SZOMB,
        invisible: !p, descendants: l.length, children: l.filter((q) => this.realParent(q) === r).length,
        subtrees: [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([id, members]) => ({ id, members })), reapers: [],
      };
      nodes.set(r, n);
      return n;
    };
    const all = [...this.knownReapers].filter((r) => this.procs.has(r) || this.list(r).length > 0).sort((a, b) => a - b);
    for (const r of all) node(r);
    const roots: ReaperNode[] = [];
    for (const r of all) {
      const n = node(r);
      const parent = n.reaper;
      if (r === 0 || parent < 0 || !nodes.has(parent) || parent === r) roots.push(n);
      else nodes.get(parent)!.reapers.push(n);
    }
    return roots;
  }

  /** Invariant problems (spec §5.4 item 5): reaper chains must reach 0 without a cycle. Empty = fine. */
  check(): string[] {
    const out: string[] = [];
    for (const p of this.procs.values()) {
      if (p.pid === 0) {
        if (p.reaper !== 0) out.push(`pid 0's reaper is ${p.reaper}, not itself`);
        continue;
      }
      let cur: RProc | undefined = p;
      const seen = new Set<number>();
      while (cur && cur.pid !== 0) {
        if (seen.has(cur.pid)) {
          out.push(`the reaper chain from ${p.pid} has a cycle at ${cur.pid}`);
          break;
        }
        seen.add(cur.pid);
        if (cur.reaper === cur.pid) {
          out.push(`process ${cur.pid} is its own reaper`);
          break;
        }
        const next = this.procs.get(cur.reaper);
        if (!next) break; // an invisible reaper (jail view): cannot follow further
        cur = next;
      }
    }
    return out;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
