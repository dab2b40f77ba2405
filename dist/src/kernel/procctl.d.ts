import { type Viewer } from './fill.ts';
import { type KernelModel, type Proc } from './model.ts';
/**
 * The kernel's own answers to procctl(2) PROC_REAP_STATUS, PROC_REAP_GETPIDS, PROC_REAP_KILL and
 * (the fork's) PROC_REAP_STATUS_EX, computed from the model's reap lists (`p_reaplist`), children
 * lists (`p_children`), `p_treeflag` and `p_reapsubtree` exactly as spec §5.3 describes
 * `sys/kern/kern_procctl.c` — the newest tree: REAP_KILL walks reapers breadth first, tracks the
 * pids it already signalled, skips P2_WEXIT processes and hides ESRCH denials.
 *
 * This is the independent side of the reaper agreement tests: it reads kernel lists only, never
 * records, so what src/analysis/reaper/ rebuilds from `kinfo_proc` records can be checked against it.
 *
 * Lookup (kern_procctl with P_PID): id 0 or the caller's own pid is the caller; any other pid is
 * found with pfind(), which skips zombies and PRS_NEW (→ ESRCH), and then p_cansee() must pass.
 * The caller is a process of the model (its credential decides p_cansee/p_cansignal and capability
 * mode) or, when omitted, root on the host outside any process (everything visible and
 * signallable; id 0 has no meaning then → EINVAL).
 *
 * p_cansignal is modelled as kern_prot.c has it for the model's data: the caller itself, SIGCONT
 * within the session, cr_cansee, then the uid rule with root's PRIV_SIGNAL_DIFFCRED. Not modelled:
 * the SIGTHR p_leader exception (no rfork threads in the model), the set-id
 * (`conservative_signals`) restriction and MAC; pids are never reused during a walk.
 */
export declare const PROC_REAP_ACQUIRE = 2, PROC_REAP_RELEASE = 3, PROC_REAP_STATUS = 4, PROC_REAP_GETPIDS = 5, PROC_REAP_KILL = 6;
/** The fork's command (spec §6.2); not in upstream FreeBSD. */
export declare const PROC_REAP_STATUS_EX = 25;
export declare const REAPER_STATUS_OWNED = 1, REAPER_STATUS_REALINIT = 2;
export declare const REAPER_PIDINFO_VALID = 1, REAPER_PIDINFO_CHILD = 2, REAPER_PIDINFO_REAPER = 4, REAPER_PIDINFO_ZOMBIE = 8, REAPER_PIDINFO_STOPPED = 16, REAPER_PIDINFO_EXITING = 32;
export declare const REAPER_KILL_CHILDREN = 1, REAPER_KILL_SUBTREE = 2;
export declare const REAPER_STATUS_EX_OWNED = 1, REAPER_STATUS_EX_REALINIT = 2, REAPER_STATUS_EX_DIRECT_CHILD = 4, REAPER_STATUS_EX_REAPER = 8;
export declare const ECAPMODE = 94;
export declare const _SIG_MAXSIG = 128;
/** struct procctl_reaper_status (the pad is not represented). */
export interface ReaperStatus {
    rs_flags: number;
    rs_children: number;
    rs_descendants: number;
    rs_reaper: number;
    rs_pid: number;
}
/** struct procctl_reaper_pidinfo. */
export interface ReaperPidinfo {
    pi_pid: number;
    pi_subtree: number;
    pi_flags: number;
}
/** struct procctl_reaper_status_ex (fork). */
export interface ReaperStatusEx {
    rsx_flags: number;
    rsx_pid: number;
    rsx_reaper: number;
    rsx_subtree: number;
    rsx_realparent: number;
    rsx_descendants: number;
    rsx_children: number;
}
/** The input half of struct procctl_reaper_kill. */
export interface ReaperKillRequest {
    sig: number;
    /** REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE (default 0: the whole reaper subtree). */
    flags?: number;
    /** rk_subtree, read with REAPER_KILL_SUBTREE. */
    subtree?: number;
}
export interface ReaperKillResult {
    /** procctl's return (errno); the struct is copied out even on error. */
    error: number;
    rk_killed: number;
    rk_fpid: number;
    /** The pid whose reaper was walked (reap), when the lookup succeeded. */
    reaper?: number;
    /** Pids signalled, in the order the kernel signals them. */
    signalled: number[];
    /** Pids the kernel visited but p_cansignal refused, with the errno. */
    denied: {
        pid: number;
        error: number;
    }[];
}
export type ProcctlResult<T> = {
    error: 0;
    value: T;
} | {
    error: number;
    value?: undefined;
};
/** Who calls procctl: a process of the model (by pid), or an explicit credential. */
export type ProcctlCaller = number | {
    pid?: number;
    viewer?: Viewer;
    capmode?: boolean;
};
/** The Viewer (p_cansee inputs) of a process of the model: its credential; root outside a jail is privileged. */
export declare function procViewer(model: KernelModel, p: Proc): Viewer;
/** reap: the target itself if it is a reaper, else its reaper. */
export declare function reapOf(p: Proc): Proc;
/** PROC_REAP_STATUS on `pid`. */
export declare function reapStatus(model: KernelModel, pid: number, caller?: ProcctlCaller): ProcctlResult<ReaperStatus>;
/** The pi_flags of one reap-list member. */
export declare function pidinfoFlags(model: KernelModel, reap: Proc, p2: Proc): number;
/** PROC_REAP_GETPIDS on `pid` with rp_count = count (default: all): reap's list in list order. */
export declare function reapGetpids(model: KernelModel, pid: number, count?: number, caller?: ProcctlCaller): ProcctlResult<ReaperPidinfo[]>;
/** PROC_REAP_STATUS_EX (fork only) on `pid`. */
export declare function reapStatusEx(model: KernelModel, pid: number, caller?: ProcctlCaller): ProcctlResult<ReaperStatusEx>;
/** PROC_REAP_KILL on `pid`: which processes would be signalled, rk_killed, rk_fpid and the errno. */
export declare function reapKill(model: KernelModel, pid: number, req: ReaperKillRequest, caller?: ProcctlCaller): ReaperKillResult;
/** Errno names for the procctl results (adds ECAPMODE to the sysctl ones). */
export declare const PROCCTL_ERRNO_NAMES: Record<number, string>;
