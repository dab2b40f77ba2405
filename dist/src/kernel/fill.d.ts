import type { RecordView } from '../codec/index.ts';
import { PRS_NEW, PRS_ZOMBIE } from './constants.ts';
import { type KernelModel, type Pgrp, type Prison, type Proc, type Thread, type Tty, type Ucred } from './model.ts';
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
export declare function hostRootViewer(model: KernelModel): Viewer;
/** A viewer in a prison (jid), root there unless uid is given; not privileged for cross-uid checks. */
export declare function jailViewer(model: KernelModel, prison: Prison, uid?: number): Viewer;
/** tty_udev(tp): the devfs inode of the tty's cdev (dev2udev), NODEV without a cdev [I]. */
export declare function ttyUdev(tp: Tty): bigint;
/** proc_realparent(p): see sim.ts for how the orphan list is kept; here only read. */
export declare function procRealparent(model: KernelModel, child: Proc): Proc;
/** jobc_reaper / jobc_parent / pgrp_calc_jobc (spec §2.4 ki_jobc). */
export declare function pgrpCalcJobc(model: KernelModel, pg: Pgrp): number;
/** fill_kinfo_proc_pgrp: reaper fields (where the layout has them), job control and terminal. */
export declare function fillKinfoProcPgrp(ctx: FillContext, p: Proc, v: RecordView): void;
/** fill_kinfo_proc_only: the process-wide fields. Expects a zeroed record (fill_kinfo_proc zeroes). */
export declare function fillKinfoProcOnly(ctx: FillContext, p: Proc, v: RecordView): void;
/** The ki_stat decision list (spec §2.4). */
export declare function kiStat(p: Proc, td: Thread): number;
/** fill_kinfo_thread(td, kp, preferthread). */
export declare function fillKinfoThread(ctx: FillContext, td: Thread, v: RecordView, preferthread: boolean): void;
/** fill_kinfo_aggregate: Σ sched_pctcpu and Σ sched_estcpu over the threads. */
export declare function fillKinfoAggregate(_ctx: FillContext, p: Proc, v: RecordView): void;
/** fill_kinfo_proc: zero, pgrp, proc-only, first thread (preferthread = false), aggregate. */
export declare function fillKinfoProc(ctx: FillContext, p: Proc, v: RecordView): void;
export { PRS_NEW, PRS_ZOMBIE };
