import { followChain } from '../base/chain.ts';
import { KvmkitError } from '../base/errors.ts';
import type { Leaf } from '../layout/index.ts';
import type { RecordView } from '../codec/index.ts';
import { cputick2usec, calcru1, procRux, rufetch, threadRux, timevalAdd, usecToTimeval, zeroRuCounters, type RuCounters } from './calcru.ts';
import {
  CRED_FLAG_CAPMODE, KI_CRF_CAPABILITY_MODE, KI_CRF_GRP_OVERFLOW, KI_CTTY, KI_LOCKBLOCK, KI_NGROUPS, KI_SLEADER,
  MAXCPU_OLD, NO_PID, NOCPU, NOCPU_OLD, NODEV, P_INMEM, P_JAILED, P_STOPPED, P_TRACED, P_TREE_GRPEXITED, PRS_NEW,
  PRS_NORMAL, PRS_ZOMBIE, PS_INMEM, SIDL, SLOCK, SRUN, SSLEEP, SSTOP, SWAIT, SZOMB, TDI_LOCK, TDI_SLEEPING, TDI_SWAPPED,
  TDP_ALTSTACK, TDS_CAN_RUN, TDS_RUNNING, TDS_RUNQ,
} from './constants.ts';
import { kinfoLeaves, type RusageLeaves, type TimevalLeaves } from './kinfo-leaves.ts';
import { jailed, type KernelModel, type Pgrp, type Prison, type Proc, type Sigset, type Thread, type Timeval, type Tty, type Ucred } from './model.ts';
import type { LiveRules } from './rules.ts';

/**
 * The live path's record fillers (sys/kern/kern_proc.c, spec §2.3–§2.4), one function per kernel
 * function: fill_kinfo_proc_pgrp, fill_kinfo_proc_only, fill_kinfo_thread, fill_kinfo_aggregate and
 * fill_kinfo_proc. They write through a RecordView into a caller-owned buffer exactly as the C
 * writes through `struct kinfo_proc *`: nothing is zeroed unless the kernel zeroes it, strings are
 * strlcpy'd, integers are C-assigned (truncated to the field). They are pure over the model: the
 * only inputs are the model, the per-revision rules and the viewer (for ki_jid).
 */

/** The sysctl caller, as far as the live path looks at it. */
export interface Viewer {
  /** The caller's credential (td_ucred): its prison decides ki_jid and visibility. */
  cred: Pick<Ucred, 'cr_uid' | 'cr_ruid' | 'cr_gid' | 'cr_groups' | 'cr_prison'>;
  /** The caller's own pid, if it is a process of the model (pget short-cut). */
  pid?: number;
  /** priv_check_cred() succeeds for PRIV_SEEOTHERUIDS/GIDS/SEEJAILPROC [I: root outside a jail]. */
  privileged: boolean;
  /** security.bsd.see_other_uids / see_other_gids / see_jail_proc (all default 1). */
  seeOtherUids: boolean;
  seeOtherGids: boolean;
  seeJailProc: boolean;
}

export interface FillContext {
  model: KernelModel;
  rules: LiveRules;
  viewer: Viewer;
  /**
   * ki_jobc per process group (by pgrp address) for one request. The kernel runs
   * pgrp_calc_jobc for every process, walking the whole group each time; within one snapshot the
   * answer is the same for every member, so a request computes it once per group (a 100-member
   * group costs 100 member visits, not 10 000). Absent: computed every time.
   */
  jobc?: Map<bigint, number>;
}

/** root on the host (prison0), the usual `ps` caller. */
export function hostRootViewer(model: KernelModel): Viewer {
  return { cred: { cr_uid: 0, cr_ruid: 0, cr_gid: 0, cr_groups: [], cr_prison: model.prison0 }, privileged: true, seeOtherUids: true, seeOtherGids: true, seeJailProc: true };
}

/** A viewer in a prison (jid), root there unless uid is given; not privileged for cross-uid checks. */
export function jailViewer(model: KernelModel, prison: Prison, uid = 0): Viewer {
  return { cred: { cr_uid: uid, cr_ruid: uid, cr_gid: 0, cr_groups: [], cr_prison: prison }, privileged: prison === model.prison0 && uid === 0, seeOtherUids: true, seeOtherGids: true, seeJailProc: true };
}

/** (u_int)x: the value modulo 2^32 (x >>> 0 for an integral number, without a BigInt). */
const u32 = (x: number | bigint) => (typeof x === 'number' && Number.isInteger(x) ? x >>> 0 : Number(BigInt.asUintN(32, BigInt(x))));

/*
 * The fillers write through the layout's leaves resolved once (kinfoLeaves): `v.assign(K.ki_pid, …)`
 * is the C's `kp->ki_pid = …` without a lookup by name.
 */

function setSigset(v: RecordView, bits: Leaf, s: Sigset): void {
  for (let i = 0; i < 4; i++) v.setAt(bits, i, s[i] >>> 0);
}

function setTimeval(v: RecordView, tv: TimevalLeaves, t: Timeval): void {
  v.assign(tv.tv_sec, t.sec);
  v.assign(tv.tv_usec, t.usec);
}

/** The long counters of a rusage into the record's (kp->ki_rusage = *ru, but for the times). */
function setRuCounters(v: RecordView, ru: RusageLeaves, r: RuCounters): void {
  v.assign(ru.ru_maxrss, r.ru_maxrss);
  v.assign(ru.ru_ixrss, r.ru_ixrss);
  v.assign(ru.ru_idrss, r.ru_idrss);
  v.assign(ru.ru_isrss, r.ru_isrss);
  v.assign(ru.ru_minflt, r.ru_minflt);
  v.assign(ru.ru_majflt, r.ru_majflt);
  v.assign(ru.ru_nswap, r.ru_nswap);
  v.assign(ru.ru_inblock, r.ru_inblock);
  v.assign(ru.ru_oublock, r.ru_oublock);
  v.assign(ru.ru_msgsnd, r.ru_msgsnd);
  v.assign(ru.ru_msgrcv, r.ru_msgrcv);
  v.assign(ru.ru_nsignals, r.ru_nsignals);
  v.assign(ru.ru_nvcsw, r.ru_nvcsw);
  v.assign(ru.ru_nivcsw, r.ru_nivcsw);
}

/** rufetch's destination, reused: the fill is synchronous and the sums go straight to the record. */
const ruScratch = zeroRuCounters();

/** calcru1's `tv->tv_sec = us / 1000000; tv->tv_usec = us % 1000000`. */
function setUsec(v: RecordView, tv: TimevalLeaves, us: bigint): void {
  v.assign(tv.tv_sec, us / 1000000n);
  v.assign(tv.tv_usec, us % 1000000n);
}

/** tty_udev(tp): the devfs inode of the tty's cdev (dev2udev), NODEV without a cdev [I]. */
export function ttyUdev(tp: Tty): bigint {
  return tp.t_dev ? tp.t_dev.udev : NODEV;
}

/** SESS_LEADER(p). */
function sessLeader(p: Proc): boolean {
  return p.p_pgrp !== null && p.p_pgrp.pg_session.s_leader === p;
}

/** proc_realparent(p): see sim.ts for how the orphan list is kept; here only read. */
/**
 * A model read back from a dump can hold links no kernel would (NULL where the kernel never has
 * one, loops): these walks refuse them with the process and the field, instead of a TypeError or
 * a loop without end.
 */
function linked(p: Proc | null | undefined, from: Proc, field: string): Proc {
  if (!p) throw new KvmkitError(`${field} of pid ${from.p_pid} is NULL where the kernel always has a process`, { field, address: from.addr });
  return p;
}

export function procRealparent(model: KernelModel, child: Proc): Proc {
  if (!(child.p_treeflag & 0x1 /* P_TREE_ORPHANED */)) {
    const pp = linked(child.p_pptr, child, 'p_pptr');
    return pp.p_pid === child.p_oppid ? pp : linked(child.p_reaper, child, 'p_reaper');
  }
  for (const q of model.procs.values()) if (q.p_orphans.includes(child)) return q;
  return linked(child.p_reaper, child, 'p_reaper');
}

/** jobc_reaper / jobc_parent / pgrp_calc_jobc (spec §2.4 ki_jobc). */
export function pgrpCalcJobc(model: KernelModel, pg: Pgrp): number {
  // jobc_reaper: up the reaper chain past reapers whose group exited (followChain: bounded, a loop is reported).
  const jobcReaper = (p: Proc): Proc => {
    const chain = followChain(linked(p.p_reaper, p, 'p_reaper'), (pp) => {
      if (pp.p_reaper === pp || (pp.p_treeflag & P_TREE_GRPEXITED) === 0) return undefined;
      return linked(pp.p_reaper, pp, 'p_reaper');
    }, { what: `the reaper chain of pid ${p.p_pid}`, limit: model.procs.size + 2, show: (q) => String(q.p_pid), context: { field: 'p_reaper', address: p.addr } });
    return chain[chain.length - 1];
  };
  const jobcParent = (p: Proc): Proc => {
    const pp = procRealparent(model, p);
    if (pp.p_pptr === null || (pp.p_treeflag & P_TREE_GRPEXITED) === 0) return pp;
    return jobcReaper(pp);
  };
  let cnt = 0;
  for (const q of pg.pg_members) {
    if ((q.p_treeflag & P_TREE_GRPEXITED) !== 0 || q.p_pptr === null) continue;
    const pp = jobcParent(q);
    if (pp.p_pgrp !== pg && pp.p_pgrp !== null && pp.p_pgrp.pg_session === pg.pg_session) cnt++;
  }
  return cnt;
}

/** fill_kinfo_proc_pgrp: reaper fields (where the layout has them), job control and terminal. */
export function fillKinfoProcPgrp(ctx: FillContext, p: Proc, v: RecordView): void {
  const K = kinfoLeaves(v.layout);
  const reaper = K.ki_reaper !== undefined && K.ki_reapsubtree !== undefined;
  const fillReaper = () => {
    v.assign(K.ki_reaper!, p.p_reaper ? p.p_reaper.p_pid : 0);
    v.assign(K.ki_reapsubtree!, p.p_reapsubtree);
  };
  if (reaper && ctx.rules.reaperFill === 'pgrp-start') fillReaper();
  const pg = p.p_pgrp;
  if (pg === null) return;
  v.assign(K.ki_pgid, pg.pg_id);
  let jobc = ctx.jobc?.get(pg.addr);
  if (jobc === undefined) {
    jobc = pgrpCalcJobc(ctx.model, pg);
    ctx.jobc?.set(pg.addr, jobc);
  }
  v.assign(K.ki_jobc, jobc);
  const sp = pg.pg_session;
  let tp: Tty | null = null;
  if (sp !== null) {
    v.assign(K.ki_sid, sp.s_sid);
    v.strlcpy(K.ki_login, sp.s_login);
    if (sp.s_ttyvp !== 0n) v.orBits(K.ki_kiflag, KI_CTTY);
    if (sessLeader(p)) v.orBits(K.ki_kiflag, KI_SLEADER);
    tp = sp.s_ttyp;
  }
  if ((p.p_flag & 0x2 /* P_CONTROLT */) && tp !== null) {
    const udev = ttyUdev(tp);
    v.assign(K.ki_tdev, udev);
    v.assign(K.ki_tdev_freebsd11, udev);
    v.assign(K.ki_tpgid, tp.t_pgrp ? tp.t_pgrp.pg_id : NO_PID);
    if (tp.t_session) v.assign(K.ki_tsid, tp.t_session.s_sid);
  } else {
    v.assign(K.ki_tdev, NODEV);
    v.assign(K.ki_tdev_freebsd11, NODEV);
  }
  if (reaper && ctx.rules.reaperFill === 'pgrp-end') fillReaper();
}

/** fill_kinfo_proc_only: the process-wide fields. Expects a zeroed record (fill_kinfo_proc zeroes). */
export function fillKinfoProcOnly(ctx: FillContext, p: Proc, v: RecordView): void {
  const m = ctx.model;
  const g = m.globals;
  const K = kinfoLeaves(v.layout);
  v.assign(K.ki_structsize, v.layout.size);
  v.assign(K.ki_paddr, p.addr);
  v.assign(K.ki_addr, 0n);
  v.assign(K.ki_args, p.p_args);
  v.assign(K.ki_textvp, p.p_textvp);
  v.assign(K.ki_tracep, p.p_tracevp);
  v.assign(K.ki_traceflag, p.p_traceflag);
  v.assign(K.ki_fd, p.p_fd);
  if (K.ki_pd) v.assign(K.ki_pd, p.p_pd);
  v.assign(K.ki_vmspace, p.p_vmspace ? p.p_vmspace.addr : 0n);
  v.assign(K.ki_flag, p.p_flag);
  v.assign(K.ki_flag2, p.p_flag2);
  const cred = p.p_ucred;
  if (cred) {
    v.assign(K.ki_uid, cred.cr_uid);
    v.assign(K.ki_ruid, cred.cr_ruid);
    v.assign(K.ki_svuid, cred.cr_svuid);
    let crflags = 0;
    if (cred.cr_flags & CRED_FLAG_CAPMODE) crflags |= KI_CRF_CAPABILITY_MODE;
    // Newest layout: the effective gid first, then the supplementary groups.
    let n = 1 + cred.cr_groups.length;
    if (n > KI_NGROUPS) {
      n = KI_NGROUPS;
      crflags = (crflags | KI_CRF_GRP_OVERFLOW) >>> 0;
    }
    v.assign(K.ki_ngroups, n);
    v.setAt(K.ki_groups, 0, u32(cred.cr_gid));
    for (let i = 1; i < n; i++) v.setAt(K.ki_groups, i, u32(cred.cr_groups[i - 1]));
    v.assign(K.ki_cr_flags, crflags);
    v.assign(K.ki_rgid, cred.cr_rgid);
    v.assign(K.ki_svgid, cred.cr_svgid);
    if (jailed(m, cred)) {
      // The old P_JAILED flag, emulated: kp->ki_flag |= P_JAILED.
      v.orBits(K.ki_flag, P_JAILED);
      if (cred.cr_prison !== ctx.viewer.cred.cr_prison) v.assign(K.ki_jid, cred.cr_prison.pr_id);
    }
    v.strlcpy(K.ki_loginclass, cred.cr_loginclass.lc_name);
  }
  const ps = p.p_sigacts;
  if (ps) {
    setSigset(v, K.ki_sigignore, ps.ps_sigignore);
    setSigset(v, K.ki_sigcatch, ps.ps_sigcatch);
  }
  if (p.p_state !== PRS_NEW && p.p_state !== PRS_ZOMBIE && p.p_vmspace !== null) {
    const vm = p.p_vmspace;
    v.assign(K.ki_size, vm.vm_map_size);
    // vmspace_resident_count(vm) plus every (resident) thread's td_kstack_pages: the int page
    // counts summed as numbers, then added to the 64-bit count once.
    let kstack = 0;
    for (const td of p.p_threads) {
      if (ctx.rules.rssizeSkipsSwapped && (td.td_inhibitors & TDI_SWAPPED)) continue;
      kstack += td.td_kstack_pages;
    }
    v.assign(K.ki_rssize, vm.pm_resident_count + BigInt(kstack));
    v.assign(K.ki_swrss, vm.vm_swrss);
    v.assign(K.ki_tsize, vm.vm_tsize);
    v.assign(K.ki_dsize, vm.vm_dsize);
    v.assign(K.ki_ssize, vm.vm_ssize);
  } else if (p.p_state === PRS_ZOMBIE) {
    v.assign(K.ki_stat, SZOMB);
  }
  if (ctx.rules.sflagAlwaysInmem) v.assign(K.ki_sflag, PS_INMEM);
  else v.assign(K.ki_sflag, p.p_flag & P_INMEM ? PS_INMEM : 0);
  // (ticks - p_swtick) / hz in unsigned int arithmetic.
  v.assign(K.ki_swtime, Math.floor(u32(u32(g.ticks) - p.p_swtick) / u32(g.hz)));
  v.assign(K.ki_pid, p.p_pid);
  v.assign(K.ki_nice, p.p_nice);
  v.assign(K.ki_fibnum, p.p_fibnum);
  setTimeval(v, K.ki_start, timevalAdd(p.p_stats.p_start, g.boottime));
  const freq = g.cpu_tick_frequency;
  // rufetch(p, &kp->ki_rusage): p_ru with every thread's td_ru collected.
  setRuCounters(v, K.ki_rusage, rufetch(p, ruScratch));
  // ki_runtime and calcru(p, &ki_rusage.ru_utime, &ki_rusage.ru_stime) on p_rux with the threads'
  // pending time folded in (ruxagg).
  const rux = procRux(p);
  v.assign(K.ki_runtime, cputick2usec(rux.rux_runtime, freq));
  const c = calcru1(rux, freq);
  setUsec(v, K.ki_rusage.ru_utime, c.uu);
  setUsec(v, K.ki_rusage.ru_stime, c.su);
  // calccru(p, &ki_childutime, &ki_childstime), then ki_childtime = ki_childstime + ki_childutime.
  const cc = calcru1(p.p_crux, freq);
  setUsec(v, K.ki_childutime, cc.uu);
  setUsec(v, K.ki_childstime, cc.su);
  setTimeval(v, K.ki_childtime, timevalAdd(usecToTimeval(cc.su), usecToTimeval(cc.uu)));
  let cow = 0;
  for (const td of p.p_threads) cow = u32(cow + td.td_cow);
  v.assign(K.ki_cow, cow);
  if (p.p_comm.length > 0) v.strlcpy(K.ki_comm, p.p_comm);
  if (p.p_sysent && p.p_sysent.sv_name.length > 0) v.strlcpy(K.ki_emul, p.p_sysent.sv_name);
  setSigset(v, K.ki_siglist, p.p_siglist);
  v.assign(K.ki_xstat, (p.p_xexit << 8) | p.p_xsig);
  v.assign(K.ki_acflag, p.p_acflag);
  v.assign(K.ki_lock, p.p_lock);
  if (p.p_pptr) {
    v.assign(K.ki_ppid, p.p_oppid);
    if (p.p_flag & P_TRACED) v.assign(K.ki_tracer, p.p_pptr.p_pid);
  }
}

/** The ki_stat decision list (spec §2.4). */
export function kiStat(p: Proc, td: Thread): number {
  if (p.p_state === PRS_NORMAL) {
    if (td.td_state === TDS_RUNQ || td.td_state === TDS_CAN_RUN || td.td_state === TDS_RUNNING) return SRUN;
    if (p.p_flag & P_STOPPED) return SSTOP;
    if (td.td_inhibitors & TDI_SLEEPING) return SSLEEP;
    if (td.td_inhibitors & TDI_LOCK) return SLOCK;
    return SWAIT;
  }
  if (p.p_state === PRS_ZOMBIE) return SZOMB;
  return SIDL;
}

function cpuOld(c: number): number {
  if (c === NOCPU) return NOCPU_OLD;
  if (c > MAXCPU_OLD) return MAXCPU_OLD;
  return c;
}

/** fill_kinfo_thread(td, kp, preferthread). */
export function fillKinfoThread(ctx: FillContext, td: Thread, v: RecordView, preferthread: boolean): void {
  const p = td.td_proc;
  const g = ctx.model.globals;
  const K = kinfoLeaves(v.layout);
  v.assign(K.ki_tdaddr, td.addr);
  if (td.td_wmesg !== null) v.strlcpy(K.ki_wmesg, td.td_wmesg);
  else v.zero(K.ki_wmesg);
  const tdnameSize = K.ki_tdname.size;
  v.strlcpy(K.ki_tdname, td.td_name);
  if (td.td_name.length >= tdnameSize) v.strlcpy(K.ki_moretdname, td.td_name.slice(tdnameSize - 1));
  else v.zero(K.ki_moretdname);
  if (td.td_inhibitors & TDI_LOCK) {
    v.orBits(K.ki_kiflag, KI_LOCKBLOCK);
    v.strlcpy(K.ki_lockname, td.td_lockname ?? '');
  } else {
    v.clearBits(K.ki_kiflag, KI_LOCKBLOCK);
    v.zero(K.ki_lockname);
  }
  v.assign(K.ki_stat, kiStat(p, td));
  v.assign(K.ki_wchan, td.td_wchan);
  v.assign(K.ki_pri_level, td.td_priority);
  v.assign(K.ki_pri_native, td.td_base_pri);
  v.assign(K.ki_lastcpu_old, cpuOld(td.td_lastcpu));
  v.assign(K.ki_oncpu_old, cpuOld(td.td_oncpu));
  v.assign(K.ki_lastcpu, td.td_lastcpu);
  v.assign(K.ki_oncpu, td.td_oncpu);
  v.assign(K.ki_tdflags, td.td_flags);
  v.assign(K.ki_tid, td.td_tid);
  v.assign(K.ki_numthreads, p.p_threads.length);
  v.assign(K.ki_pcb, td.td_pcb);
  v.assign(K.ki_kstack, td.td_kstack);
  // (ticks - td_slptick) / hz in signed int arithmetic, stored into a u_int.
  v.assign(K.ki_slptime, Math.trunc(((g.ticks - td.td_slptick) | 0) / g.hz));
  v.assign(K.ki_pri_class, td.td_pri_class);
  v.assign(K.ki_pri_user, td.td_user_pri);
  if (preferthread) {
    // rufetchtd(td, &kp->ki_rusage): td_ru, with the times by calcru1 on td_rux after ruxagg.
    const freq = g.cpu_tick_frequency;
    setRuCounters(v, K.ki_rusage, td.td_ru);
    const rux = threadRux(td);
    const c = calcru1(rux, freq);
    setUsec(v, K.ki_rusage.ru_utime, c.uu);
    setUsec(v, K.ki_rusage.ru_stime, c.su);
    v.assign(K.ki_runtime, cputick2usec(rux.rux_runtime, freq));
    v.assign(K.ki_pctcpu, td.sched_pctcpu);
    v.assign(K.ki_estcpu, td.sched_estcpu);
    v.assign(K.ki_cow, td.td_cow);
  }
  v.assign(K.ki_rqindex, 0);
  if (preferthread) setSigset(v, K.ki_siglist, td.td_siglist);
  setSigset(v, K.ki_sigmask, td.td_sigmask);
  // The kernel tests td_pflags against TDP2_UEXTERR (a td_pflags2 bit): bit 0x20 of td_pflags is
  // TDP_ALTSTACK. Otherwise the field is left as it was (spec §2.4 item 12).
  if (K.ki_uerrmsg && (td.td_pflags & TDP_ALTSTACK) !== 0) v.assign(K.ki_uerrmsg, td.td_exterr_ptr);
}

/** fill_kinfo_aggregate: Σ sched_pctcpu and Σ sched_estcpu over the threads. */
export function fillKinfoAggregate(_ctx: FillContext, p: Proc, v: RecordView): void {
  const K = kinfoLeaves(v.layout);
  let pct = 0;
  let est = 0;
  for (const td of p.p_threads) {
    pct = u32(pct + td.sched_pctcpu);
    est = u32(est + td.sched_estcpu);
  }
  v.assign(K.ki_pctcpu, pct);
  v.assign(K.ki_estcpu, est);
}

/** fill_kinfo_proc: zero, pgrp, proc-only, first thread (preferthread = false), aggregate. */
export function fillKinfoProc(ctx: FillContext, p: Proc, v: RecordView): void {
  v.zero();
  fillKinfoProcPgrp(ctx, p, v);
  fillKinfoProcOnly(ctx, p, v);
  fillKinfoThread(ctx, p.p_threads[0], v, false);
  fillKinfoAggregate(ctx, p, v);
}

export { PRS_NEW, PRS_ZOMBIE };
