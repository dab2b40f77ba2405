/**
 * Kernel constants the live sysctl path and the simulator use (sys/sys/proc.h, sys/sys/user.h,
 * sys/sys/sysctl.h, sys/sys/procctl.h; values per ../shared/reference/freebsd-spec.md §1).
 */
export declare const KI_CRF_CAPABILITY_MODE = 1;
export declare const KI_CRF_GRP_OVERFLOW = 2147483648;
export declare const KI_CTTY = 1;
export declare const KI_SLEADER = 2;
export declare const KI_LOCKBLOCK = 4;
export declare const KI_NGROUPS = 16;
export declare const PS_INMEM = 1;
export declare const SIDL = 1, SRUN = 2, SSLEEP = 3, SSTOP = 4, SZOMB = 5, SWAIT = 6, SLOCK = 7;
export declare const PRS_NEW = 0, PRS_NORMAL = 1, PRS_ZOMBIE = 2;
export type ProcState = typeof PRS_NEW | typeof PRS_NORMAL | typeof PRS_ZOMBIE;
export declare const TDS_INACTIVE = 0, TDS_INHIBITED = 1, TDS_CAN_RUN = 2, TDS_RUNQ = 3, TDS_RUNNING = 4;
export declare const TDI_SUSPENDED = 1, TDI_SLEEPING = 2, TDI_SWAPPED = 4, TDI_LOCK = 8, TDI_IWAIT = 16;
export declare const NOCPU = -1, NOCPU_OLD = 255, MAXCPU_OLD = 254;
export declare const P_ADVLOCK = 1;
export declare const P_CONTROLT = 2;
export declare const P_KPROC = 4;
export declare const P_PPWAIT = 16;
export declare const P_SYSTEM = 512;
export declare const P_SINGLE_EXIT = 1024;
export declare const P_TRACED = 2048;
export declare const P_WAITED = 4096;
export declare const P_WEXIT = 8192;
export declare const P_EXEC = 16384;
export declare const P_STOPPED_SIG = 131072;
export declare const P_STOPPED_TRACE = 262144;
export declare const P_STOPPED_SINGLE = 524288;
export declare const P_STOPPED: number;
export declare const P_JAILED = 16777216;
export declare const P_INMEM = 268435456;
export declare const P2_WEXIT = 262144;
export declare const P_TREE_ORPHANED = 1, P_TREE_FIRST_ORPHAN = 2, P_TREE_REAPER = 4, P_TREE_GRPEXITED = 8;
export declare const TDP_ALTSTACK = 32;
export declare const TDP2_UEXTERR = 32;
export declare const NODEV = 18446744073709551615n;
export declare const NO_PID = 100000;
export declare const PID_MAX = 99999;
/** thread0's tid (THREAD0_TID = NO_PID). Later tids are allocated above it. */
export declare const THREAD0_TID = 100000;
export declare const CRED_FLAG_CAPMODE = 1;
export declare const KERN_PROC_ALL = 0, KERN_PROC_PID = 1, KERN_PROC_PGRP = 2, KERN_PROC_SESSION = 3, KERN_PROC_TTY = 4, KERN_PROC_UID = 5, KERN_PROC_RUID = 6, KERN_PROC_PROC = 8, KERN_PROC_RGID = 10, KERN_PROC_GID = 11;
export declare const KERN_PROC_INC_THREAD = 16;
export declare const KERN_PROC_NOTHREADS = 1, KERN_PROC_MASK32 = 2;
export declare const EPERM = 1, ESRCH = 3, ENOMEM = 12, EBUSY = 16, EINVAL = 22;
export declare const ERRNO_NAMES: Record<number, string>;
