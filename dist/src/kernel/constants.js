/**
 * Kernel constants the live sysctl path and the simulator use (sys/sys/proc.h, sys/sys/user.h,
 * sys/sys/sysctl.h, sys/sys/procctl.h; values per ../shared/reference/freebsd-spec.md §1).
 */
// struct kinfo_proc
export const KI_CRF_CAPABILITY_MODE = 0x1;
export const KI_CRF_GRP_OVERFLOW = 0x80000000;
export const KI_CTTY = 0x1;
export const KI_SLEADER = 0x2;
export const KI_LOCKBLOCK = 0x4;
export const KI_NGROUPS = 16;
export const PS_INMEM = 0x1;
// ki_stat values
export const SIDL = 1, SRUN = 2, SSLEEP = 3, SSTOP = 4, SZOMB = 5, SWAIT = 6, SLOCK = 7;
// p_state
export const PRS_NEW = 0, PRS_NORMAL = 1, PRS_ZOMBIE = 2;
// td_state
export const TDS_INACTIVE = 0, TDS_INHIBITED = 1, TDS_CAN_RUN = 2, TDS_RUNQ = 3, TDS_RUNNING = 4;
// td_inhibitors
export const TDI_SUSPENDED = 0x1, TDI_SLEEPING = 0x2, TDI_SWAPPED = 0x4, TDI_LOCK = 0x8, TDI_IWAIT = 0x10;
export const NOCPU = -1, NOCPU_OLD = 255, MAXCPU_OLD = 254;
// p_flag
export const P_ADVLOCK = 0x1;
export const P_CONTROLT = 0x2;
export const P_KPROC = 0x4;
export const P_PPWAIT = 0x10;
export const P_SYSTEM = 0x200;
export const P_SINGLE_EXIT = 0x400;
export const P_TRACED = 0x800;
export const P_WAITED = 0x1000;
export const P_WEXIT = 0x2000;
export const P_EXEC = 0x4000;
export const P_STOPPED_SIG = 0x20000;
export const P_STOPPED_TRACE = 0x40000;
export const P_STOPPED_SINGLE = 0x80000;
export const P_STOPPED = P_STOPPED_SIG | P_STOPPED_TRACE | P_STOPPED_SINGLE;
export const P_JAILED = 0x01000000;
export const P_INMEM = 0x10000000;
// p_flag2
export const P2_WEXIT = 0x40000;
// p_treeflag
export const P_TREE_ORPHANED = 0x1, P_TREE_FIRST_ORPHAN = 0x2, P_TREE_REAPER = 0x4, P_TREE_GRPEXITED = 0x8;
// td_pflags / td_pflags2
export const TDP_ALTSTACK = 0x20;
export const TDP2_UEXTERR = 0x20;
export const NODEV = 0xffffffffffffffffn;
export const NO_PID = 100000;
export const PID_MAX = 99999;
/** thread0's tid (THREAD0_TID = NO_PID). Later tids are allocated above it. */
export const THREAD0_TID = NO_PID;
export const CRED_FLAG_CAPMODE = 0x1;
// sysctl kern.proc selectors
export const KERN_PROC_ALL = 0, KERN_PROC_PID = 1, KERN_PROC_PGRP = 2, KERN_PROC_SESSION = 3, KERN_PROC_TTY = 4, KERN_PROC_UID = 5, KERN_PROC_RUID = 6, KERN_PROC_PROC = 8, KERN_PROC_RGID = 10, KERN_PROC_GID = 11;
export const KERN_PROC_INC_THREAD = 0x10;
// kern_proc_out flags
export const KERN_PROC_NOTHREADS = 0x1, KERN_PROC_MASK32 = 0x2;
// errno
export const EPERM = 1, ESRCH = 3, ENOMEM = 12, EBUSY = 16, EINVAL = 22;
export const ERRNO_NAMES = { 1: 'EPERM', 3: 'ESRCH', 12: 'ENOMEM', 16: 'EBUSY', 22: 'EINVAL' };
