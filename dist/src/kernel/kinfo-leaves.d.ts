import type { Leaf, StructLayout } from '../layout/index.ts';
/**
 * The kinfo_proc leaves the live path writes, resolved once per layout. The fill runs for every
 * record of every request and writes ~90 fields; naming them by path string costs a Map lookup
 * per field per record, a Leaf object costs a property read. The object has the same shape for
 * every layout (one literal), so the fill's property reads stay monomorphic.
 *
 * A leaf the fill always writes is resolved with layout.leaf() (a layout without it throws the
 * error the first write would have thrown); the few that only some revisions have are optional
 * and the fill tests them, as it tests v.has() for the C's #ifdefs and revision differences.
 */
export interface TimevalLeaves {
    tv_sec: Leaf;
    tv_usec: Leaf;
}
/** A struct rusage: the two timevals and the long counters. */
export interface RusageLeaves {
    ru_utime: TimevalLeaves;
    ru_stime: TimevalLeaves;
    ru_maxrss: Leaf;
    ru_ixrss: Leaf;
    ru_idrss: Leaf;
    ru_isrss: Leaf;
    ru_minflt: Leaf;
    ru_majflt: Leaf;
    ru_nswap: Leaf;
    ru_inblock: Leaf;
    ru_oublock: Leaf;
    ru_msgsnd: Leaf;
    ru_msgrcv: Leaf;
    ru_nsignals: Leaf;
    ru_nvcsw: Leaf;
    ru_nivcsw: Leaf;
}
declare function build(layout: StructLayout): {
    ki_reaper: Leaf | undefined;
    ki_reapsubtree: Leaf | undefined;
    ki_pgid: Leaf;
    ki_jobc: Leaf;
    ki_sid: Leaf;
    ki_login: Leaf;
    ki_kiflag: Leaf;
    ki_tdev: Leaf;
    ki_tdev_freebsd11: Leaf;
    ki_tpgid: Leaf;
    ki_tsid: Leaf;
    ki_structsize: Leaf;
    ki_paddr: Leaf;
    ki_addr: Leaf;
    ki_args: Leaf;
    ki_textvp: Leaf;
    ki_tracep: Leaf;
    ki_traceflag: Leaf;
    ki_fd: Leaf;
    ki_pd: Leaf | undefined;
    ki_vmspace: Leaf;
    ki_flag: Leaf;
    ki_flag2: Leaf;
    ki_uid: Leaf;
    ki_ruid: Leaf;
    ki_svuid: Leaf;
    ki_ngroups: Leaf;
    ki_groups: Leaf;
    ki_cr_flags: Leaf;
    ki_rgid: Leaf;
    ki_svgid: Leaf;
    ki_jid: Leaf;
    ki_loginclass: Leaf;
    ki_sigignore: Leaf;
    ki_sigcatch: Leaf;
    ki_size: Leaf;
    ki_rssize: Leaf;
    ki_swrss: Leaf;
    ki_tsize: Leaf;
    ki_dsize: Leaf;
    ki_ssize: Leaf;
    ki_stat: Leaf;
    ki_sflag: Leaf;
    ki_swtime: Leaf;
    ki_pid: Leaf;
    ki_nice: Leaf;
    ki_fibnum: Leaf;
    ki_start: TimevalLeaves;
    ki_rusage: RusageLeaves;
    ki_runtime: Leaf;
    ki_childutime: TimevalLeaves;
    ki_childstime: TimevalLeaves;
    ki_childtime: TimevalLeaves;
    ki_cow: Leaf;
    ki_comm: Leaf;
    ki_emul: Leaf;
    ki_siglist: Leaf;
    ki_xstat: Leaf;
    ki_acflag: Leaf;
    ki_lock: Leaf;
    ki_ppid: Leaf;
    ki_tracer: Leaf;
    ki_tdaddr: Leaf;
    ki_wmesg: Leaf;
    ki_tdname: Leaf;
    ki_moretdname: Leaf;
    ki_lockname: Leaf;
    ki_wchan: Leaf;
    ki_pri_level: Leaf;
    ki_pri_native: Leaf;
    ki_pri_class: Leaf;
    ki_pri_user: Leaf;
    ki_lastcpu_old: Leaf;
    ki_oncpu_old: Leaf;
    ki_lastcpu: Leaf;
    ki_oncpu: Leaf;
    ki_tdflags: Leaf;
    ki_tid: Leaf;
    ki_numthreads: Leaf;
    ki_pcb: Leaf;
    ki_kstack: Leaf;
    ki_slptime: Leaf;
    ki_pctcpu: Leaf;
    ki_estcpu: Leaf;
    ki_rqindex: Leaf;
    ki_sigmask: Leaf;
    ki_uerrmsg: Leaf | undefined;
};
export type KinfoLeaves = ReturnType<typeof build>;
/** The kinfo_proc leaves of a layout (built on first use, then cached with the layout). */
export declare function kinfoLeaves(layout: StructLayout): KinfoLeaves;
export {};
