import { decodeRecords } from '../../src/codec/index.ts';
import { KERN_PROC_ALL, P_TREE_REAPER, PRS_ZOMBIE, type KernelModel, type Proc } from '../../src/kernel/index.ts';
import { reapGetpids, reapKill, reapStatus, reapStatusEx, REAPER_KILL_CHILDREN, REAPER_KILL_SUBTREE, REAPER_PIDINFO_REAPER, REAPER_STATUS_EX_OWNED, REAPER_STATUS_EX_REAPER } from '../../src/kernel/procctl.ts';
import { sysctlKernProc } from '../../src/kernel/sysctl.ts';
import { ReaperView } from '../../src/analysis/reaper/index.ts';

/**
 * The agreement harness: for every pid of a model, the kernel-side answers (src/kernel/procctl.ts,
 * reading p_reaplist / p_children / p_treeflag) against the userland rebuild (src/analysis/reaper,
 * reading only the records the live path returns for kern.proc.all with revision fbsd15-reaper).
 *
 * Every disagreement is classified. 'limit:empty-reaper' is the documented limitation 1 (a reaper
 * with an empty reap list looks like a non-reaper); 'approx:*' are the documented order
 * approximations (limitation 2), counted separately from exact matches; anything else is a bug.
 */

export interface Tally {
  systems: number;
  pids: number;
  /** Lookups compared (both ESRCH or both fine). */
  lookups: number;
  status: { compared: number; exact: number; emptyReaperLimit: number };
  rsPid: { compared: number; exactClaimed: number; exactClaimedOk: number; approx: number; approxOk: number; fromChildren: number; fromChildrenOk: number; fromList: number; fromListOk: number };
  getpids: { compared: number; setOk: number; flagsOk: number; emptyReaperLimit: number; ownerFlagLimit: number; orderCompared: number; orderOk: number; orderExactClaimed: number; orderExactClaimedOk: number };
  kill: { compared: number; ok: number; emptyReaperLimit: number; modes: Record<string, number> };
  statusEx: { compared: number; ok: number; emptyReaperLimit: number };
  /** Unexplained disagreements (must stay empty). */
  bugs: string[];
  /**
   * Disagreements on pids whose reaper involves a process the simulator left inconsistent
   * (untraced, yet p_pptr's pid != p_oppid: no kernel state, see modelAnomalies). Not userland bugs.
   */
  anomalies: string[];
  anomalousProcs: string[];
}

/**
 * Processes the simulator left in a state the kernel does not produce: not traced, yet p_pptr's
 * pid differs from p_oppid. (sim.ts exit of a tracer reparents a traced child while P_TRACED is
 * still set, which puts it on the tracer's orphan list; kern_exit.c clears that orphan link right
 * after proc_reparent, the simulator does not, and the orphan loop then rewrites p_oppid.) From
 * records (ki_ppid = p_oppid) the kernel's p_pptr cannot be seen for such a process.
 */
export function modelAnomalies(model: KernelModel): Proc[] {
  return [...model.procs.values()].filter((q) => q.p_pid !== 0 && q.p_pptr && !(q.p_flag & 0x800) && q.p_pptr.p_pid !== q.p_oppid);
}

export function newTally(): Tally {
  return {
    systems: 0, pids: 0, lookups: 0,
    status: { compared: 0, exact: 0, emptyReaperLimit: 0 },
    rsPid: { compared: 0, exactClaimed: 0, exactClaimedOk: 0, approx: 0, approxOk: 0, fromChildren: 0, fromChildrenOk: 0, fromList: 0, fromListOk: 0 },
    getpids: { compared: 0, setOk: 0, flagsOk: 0, emptyReaperLimit: 0, ownerFlagLimit: 0, orderCompared: 0, orderOk: 0, orderExactClaimed: 0, orderExactClaimedOk: 0 },
    kill: { compared: 0, ok: 0, emptyReaperLimit: 0, modes: {} },
    statusEx: { compared: 0, ok: 0, emptyReaperLimit: 0 },
    bugs: [],
    anomalies: [],
    anomalousProcs: [],
  };
}

/** Records for the userland side: the live path's bytes, decoded (never the model directly). */
export function liveView(model: KernelModel, revision = 'fbsd15-reaper', compat32 = false): ReaperView {
  const r = sysctlKernProc(model, { op: KERN_PROC_ALL, revision, compat32 });
  if (r.error) throw new Error(`sysctl error ${r.error}`);
  const dec = decodeRecords(r.layout, r.bytes);
  return ReaperView.fromRecords(dec.records, { struct: r.layout.struct, arch: r.layout.arch, revision: r.layout.revision, kind: 'live' });
}

const isReaper = (p: Proc) => (p.p_treeflag & P_TREE_REAPER) !== 0;
/** Limitation 1 applies to a target whose kernel reaper status is invisible in records. */
const emptyReaper = (p: Proc) => isReaper(p) && p.p_reaplist.length === 0;
const sameSet = (a: number[], b: number[]) => a.length === b.length && [...a].sort((x, y) => x - y).join() === [...b].sort((x, y) => x - y).join();

/** Compare every pid of one model; adds to the tally. `label` names the system in bug reports. */
export function compareSystem(model: KernelModel, label: string, t: Tally, view = liveView(model)): void {
  t.systems++;
  const anomalies = modelAnomalies(model);
  for (const q of anomalies) t.anomalousProcs.push(`${label} pid ${q.p_pid}: p_pptr ${q.p_pptr!.p_pid}, p_oppid ${q.p_oppid}`);
  let involved = false;
  const bug = (pid: number, what: string) => (involved ? t.anomalies : t.bugs).push(`${label} pid ${pid}: ${what}`);
  const pids = [...model.procs.keys()].filter((p) => p !== 0).sort((a, b) => a - b);
  // A few pids that do not exist, for the ESRCH path.
  const missing = [99998, 99999].filter((p) => !model.procs.has(p));
  for (const pid of [...pids, ...missing]) {
    involved = false;
    t.pids++;
    const kp = model.procs.get(pid);
    const ks = reapStatus(model, pid);
    const us = view.status(pid);
    t.lookups++;
    if (ks.error !== us.error) {
      bug(pid, `status error kernel ${ks.error} userland ${us.error}`);
      continue;
    }
    if (ks.error || !kp || !ks.value || !us.value) continue;
    const limit = emptyReaper(kp);
    {
      const r = kp.p_treeflag & P_TREE_REAPER ? kp : kp.p_reaper;
      involved = anomalies.some((q) => q.p_pptr === r || q.p_oppid === r.p_pid || q.p_reaper === r);
    }
    // ---- REAP_STATUS ----
    t.status.compared++;
    const k = ks.value;
    const u = us.value;
    const fieldsEqual = k.rs_flags === u.rs_flags && k.rs_reaper === u.rs_reaper && k.rs_children === u.rs_children && k.rs_descendants === u.rs_descendants;
    if (limit) {
      // Documented: the kernel answers for the target itself (OWNED, empty list), userland for its reaper.
      t.status.emptyReaperLimit++;
      const expectK = k.rs_flags & 1 && k.rs_reaper === pid && k.rs_descendants === 0 && k.rs_children === 0 && k.rs_pid === -1;
      const expectU = u.rs_reaper === kp.p_reaper.p_pid && !(u.rs_flags & 1);
      if (!expectK || !expectU) bug(pid, `empty-list reaper: kernel ${JSON.stringify(k)} userland ${JSON.stringify(u)}`);
    } else {
      if (!fieldsEqual) bug(pid, `status kernel ${JSON.stringify(k)} userland ${JSON.stringify(u)}`);
      else t.status.exact++;
      t.rsPid.compared++;
      const ok = k.rs_pid === u.rs_pid;
      if (u.rs_pid_exact) {
        t.rsPid.exactClaimed++;
        if (ok) t.rsPid.exactClaimedOk++;
        else bug(pid, `rs_pid claimed exact: kernel ${k.rs_pid} userland ${u.rs_pid} (${u.rs_pid_from})`);
      } else {
        t.rsPid.approx++;
        if (ok) t.rsPid.approxOk++;
      }
      if (u.rs_pid_from === 'children') {
        t.rsPid.fromChildren++;
        if (ok) t.rsPid.fromChildrenOk++;
      } else if (u.rs_pid_from === 'reaplist') {
        t.rsPid.fromList++;
        if (ok) t.rsPid.fromListOk++;
      }
      // The candidate sets themselves are exact: the head the kernel reports must be a candidate.
      if (k.rs_pid !== -1) {
        const reap = kp.p_treeflag & P_TREE_REAPER ? kp : kp.p_reaper;
        const cands = reap.p_children.length ? view.childrenOf(reap.p_pid) : view.list(reap.p_pid);
        if (!cands.some((q) => q.pid === k.rs_pid)) bug(pid, `kernel rs_pid ${k.rs_pid} is not among the userland candidates`);
      }
    }
    // ---- REAP_STATUS_EX ----
    const kx = reapStatusEx(model, pid);
    const ux = view.statusEx(pid);
    t.statusEx.compared++;
    if (limit) {
      t.statusEx.emptyReaperLimit++;
      const f = REAPER_STATUS_EX_OWNED | REAPER_STATUS_EX_REAPER;
      if ((kx.value!.rsx_flags & f) !== f || ux.value!.rsx_flags & f || kx.value!.rsx_subtree !== ux.value!.rsx_subtree || kx.value!.rsx_realparent !== ux.value!.rsx_realparent) bug(pid, `status_ex on an empty-list reaper: ${JSON.stringify(kx.value)} vs ${JSON.stringify(ux.value)}`);
    } else if (JSON.stringify(kx.value) !== JSON.stringify(ux.value)) bug(pid, `status_ex kernel ${JSON.stringify(kx.value)} userland ${JSON.stringify(ux.value)}`);
    else t.statusEx.ok++;
    // ---- REAP_GETPIDS ----
    const kg = reapGetpids(model, pid);
    const ug = view.getpids(pid);
    t.getpids.compared++;
    if (limit) {
      t.getpids.emptyReaperLimit++;
      if (kg.value!.length !== 0) bug(pid, 'kernel getpids on an empty-list reaper is not empty');
    } else {
      const kl = kg.value!;
      const ul = ug.value!.pids;
      if (!sameSet(kl.map((x) => x.pi_pid), ul.map((x) => x.pi_pid))) bug(pid, `getpids sets differ: kernel ${kl.map((x) => x.pi_pid)} userland ${ul.map((x) => x.pi_pid)}`);
      else {
        t.getpids.setOk++;
        const um = new Map(ul.map((x) => [x.pi_pid, x]));
        let flagsOk = true;
        let ownerLimit = false;
        for (const x of kl) {
          const y = um.get(x.pi_pid)!;
          if (x.pi_subtree !== y.pi_subtree) {
            flagsOk = false;
            bug(pid, `getpids subtree of ${x.pi_pid}: kernel ${x.pi_subtree} userland ${y.pi_subtree}`);
          } else if (x.pi_flags !== y.pi_flags) {
            // Documented: a member that is an empty-list reaper lacks REAPER in userland.
            const member = model.procs.get(x.pi_pid)!;
            if ((x.pi_flags ^ y.pi_flags) === REAPER_PIDINFO_REAPER && emptyReaper(member) && (x.pi_flags & REAPER_PIDINFO_REAPER)) ownerLimit = true;
            else {
              flagsOk = false;
              bug(pid, `getpids flags of ${x.pi_pid}: kernel ${x.pi_flags} userland ${y.pi_flags}`);
            }
          }
        }
        if (flagsOk) {
          if (ownerLimit) t.getpids.ownerFlagLimit++;
          else t.getpids.flagsOk++;
        }
        if (kl.length > 1) {
          t.getpids.orderCompared++;
          if (kl.map((x) => x.pi_pid).join() === ul.map((x) => x.pi_pid).join()) t.getpids.orderOk++;
        }
        if (ug.value!.order_exact) {
          t.getpids.orderExactClaimed++;
          if (kl.map((x) => x.pi_pid).join() === ul.map((x) => x.pi_pid).join()) t.getpids.orderExactClaimedOk++;
          else bug(pid, 'getpids order claimed exact but differs');
        }
        // rp_count truncation: the first n of the list (compare sizes; the members are order-dependent).
        const kc = reapGetpids(model, pid, 1).value!;
        const uc = view.getpids(pid, 1).value!.pids;
        if (kc.length !== uc.length) bug(pid, `getpids rp_count=1 lengths ${kc.length} vs ${uc.length}`);
      }
    }
    // ---- REAP_KILL: all, CHILDREN, and SUBTREE for every subtree id of the list (plus one unused) ----
    const reap = kp.p_treeflag & P_TREE_REAPER ? kp : kp.p_reaper;
    const subtrees = [...new Set(reap.p_reaplist.map((q) => q.p_reapsubtree)), 77777];
    const modes: { name: string; flags: number; subtree?: number }[] = [
      { name: 'all', flags: 0 }, { name: 'children', flags: REAPER_KILL_CHILDREN },
      ...subtrees.map((s) => ({ name: 'subtree', flags: REAPER_KILL_SUBTREE, subtree: s })),
    ];
    for (const m of modes) {
      const kk = reapKill(model, pid, { sig: 15, flags: m.flags, subtree: m.subtree });
      const uk = view.kill(pid, { children: m.flags === REAPER_KILL_CHILDREN, subtree: m.subtree });
      t.kill.compared++;
      t.kill.modes[m.name] = (t.kill.modes[m.name] ?? 0) + 1;
      if (limit) {
        t.kill.emptyReaperLimit++;
        // The kernel walks the target's own (empty) list; for CHILDREN it signals the target's children.
        if (m.flags !== REAPER_KILL_CHILDREN && kk.signalled.length !== 0) bug(pid, 'kernel kill on an empty-list reaper signalled someone');
        if (m.flags === REAPER_KILL_CHILDREN && !sameSet(kk.signalled, kp.p_children.filter((q) => !(q.p_flag2 & 0x40000)).map((q) => q.p_pid))) bug(pid, 'kernel kill children on an empty-list reaper');
        continue;
      }
      if (!sameSet(kk.signalled, uk.value!.targets)) bug(pid, `kill ${m.name}${m.subtree !== undefined ? ' ' + m.subtree : ''}: kernel ${kk.signalled} userland ${uk.value!.targets}`);
      else if (kk.rk_killed !== uk.value!.assumingPermitted.rk_killed || kk.error !== uk.value!.assumingPermitted.error || kk.rk_fpid !== -1) bug(pid, `kill ${m.name}: kernel rk ${kk.rk_killed}/${kk.error}/${kk.rk_fpid} userland ${JSON.stringify(uk.value!.assumingPermitted)}`);
      else t.kill.ok++;
    }
  }
  // Zombies are looked up as ESRCH on both sides (covered above); make sure some were present.
  void PRS_ZOMBIE;
}

export function summary(t: Tally): string {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  return [
    `systems ${t.systems}, pids ${t.pids}, lookups ${t.lookups}`,
    `status: ${t.status.exact}/${t.status.compared} exact (flags, reaper, children, descendants); ${t.status.emptyReaperLimit} empty-list-reaper limitation`,
    `rs_pid: claimed exact ${t.rsPid.exactClaimedOk}/${t.rsPid.exactClaimed}; approximated ${t.rsPid.approxOk}/${t.rsPid.approx} (${pct(t.rsPid.approxOk, t.rsPid.approx)}); from children ${t.rsPid.fromChildrenOk}/${t.rsPid.fromChildren}, from reap list ${t.rsPid.fromListOk}/${t.rsPid.fromList}`,
    `status_ex: ${t.statusEx.ok}/${t.statusEx.compared} exact; ${t.statusEx.emptyReaperLimit} limitation`,
    `getpids: sets ${t.getpids.setOk}/${t.getpids.compared - t.getpids.emptyReaperLimit}, flags ${t.getpids.flagsOk} exact + ${t.getpids.ownerFlagLimit} with the REAPER-flag limitation; order ${t.getpids.orderOk}/${t.getpids.orderCompared} (${pct(t.getpids.orderOk, t.getpids.orderCompared)}) for lists > 1; claimed exact ${t.getpids.orderExactClaimedOk}/${t.getpids.orderExactClaimed}; ${t.getpids.emptyReaperLimit} limitation`,
    `kill: ${t.kill.ok}/${t.kill.compared - t.kill.emptyReaperLimit} target sets equal (${Object.entries(t.kill.modes).map(([k, v]) => `${k} ${v}`).join(', ')}); ${t.kill.emptyReaperLimit} limitation`,
    `bugs: ${t.bugs.length}; disagreements traced to simulator anomalies: ${t.anomalies.length} (${t.anomalousProcs.length} anomalous processes)`,
  ].join('\n');
}
