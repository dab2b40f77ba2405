function build(layout) {
    const L = (path) => layout.leaf(path);
    const opt = (path) => layout.findLeaf(path);
    const tv = (path) => ({ tv_sec: L(`${path}.tv_sec`), tv_usec: L(`${path}.tv_usec`) });
    const sigset = (path) => L(`${path}.__bits`);
    const rusage = (path) => ({
        ru_utime: tv(`${path}.ru_utime`), ru_stime: tv(`${path}.ru_stime`),
        ru_maxrss: L(`${path}.ru_maxrss`), ru_ixrss: L(`${path}.ru_ixrss`), ru_idrss: L(`${path}.ru_idrss`), ru_isrss: L(`${path}.ru_isrss`),
        ru_minflt: L(`${path}.ru_minflt`), ru_majflt: L(`${path}.ru_majflt`), ru_nswap: L(`${path}.ru_nswap`), ru_inblock: L(`${path}.ru_inblock`),
        ru_oublock: L(`${path}.ru_oublock`), ru_msgsnd: L(`${path}.ru_msgsnd`), ru_msgrcv: L(`${path}.ru_msgrcv`), ru_nsignals: L(`${path}.ru_nsignals`),
        ru_nvcsw: L(`${path}.ru_nvcsw`), ru_nivcsw: L(`${path}.ru_nivcsw`),
    });
    return {
        // fill_kinfo_proc_pgrp
        ki_reaper: opt('ki_reaper'),
        ki_reapsubtree: opt('ki_reapsubtree'),
        ki_pgid: L('ki_pgid'),
        ki_jobc: L('ki_jobc'),
        ki_sid: L('ki_sid'),
        ki_login: L('ki_login'),
        ki_kiflag: L('ki_kiflag'),
        ki_tdev: L('ki_tdev'),
        ki_tdev_freebsd11: L('ki_tdev_freebsd11'),
        ki_tpgid: L('ki_tpgid'),
        ki_tsid: L('ki_tsid'),
        // fill_kinfo_proc_only
        ki_structsize: L('ki_structsize'),
        ki_paddr: L('ki_paddr'),
        ki_addr: L('ki_addr'),
        ki_args: L('ki_args'),
        ki_textvp: L('ki_textvp'),
        ki_tracep: L('ki_tracep'),
        ki_traceflag: L('ki_traceflag'),
        ki_fd: L('ki_fd'),
        ki_pd: opt('ki_pd'),
        ki_vmspace: L('ki_vmspace'),
        ki_flag: L('ki_flag'),
        ki_flag2: L('ki_flag2'),
        ki_uid: L('ki_uid'),
        ki_ruid: L('ki_ruid'),
        ki_svuid: L('ki_svuid'),
        ki_ngroups: L('ki_ngroups'),
        ki_groups: L('ki_groups'),
        ki_cr_flags: L('ki_cr_flags'),
        ki_rgid: L('ki_rgid'),
        ki_svgid: L('ki_svgid'),
        ki_jid: L('ki_jid'),
        ki_loginclass: L('ki_loginclass'),
        ki_sigignore: sigset('ki_sigignore'),
        ki_sigcatch: sigset('ki_sigcatch'),
        ki_size: L('ki_size'),
        ki_rssize: L('ki_rssize'),
        ki_swrss: L('ki_swrss'),
        ki_tsize: L('ki_tsize'),
        ki_dsize: L('ki_dsize'),
        ki_ssize: L('ki_ssize'),
        ki_stat: L('ki_stat'),
        ki_sflag: L('ki_sflag'),
        ki_swtime: L('ki_swtime'),
        ki_pid: L('ki_pid'),
        ki_nice: L('ki_nice'),
        ki_fibnum: L('ki_fibnum'),
        ki_start: tv('ki_start'),
        ki_rusage: rusage('ki_rusage'),
        ki_runtime: L('ki_runtime'),
        ki_childutime: tv('ki_rusage_ch.ru_utime'),
        ki_childstime: tv('ki_rusage_ch.ru_stime'),
        ki_childtime: tv('ki_childtime'),
        ki_cow: L('ki_cow'),
        ki_comm: L('ki_comm'),
        ki_emul: L('ki_emul'),
        ki_siglist: sigset('ki_siglist'),
        ki_xstat: L('ki_xstat'),
        ki_acflag: L('ki_acflag'),
        ki_lock: L('ki_lock'),
        ki_ppid: L('ki_ppid'),
        ki_tracer: L('ki_tracer'),
        // fill_kinfo_thread
        ki_tdaddr: L('ki_tdaddr'),
        ki_wmesg: L('ki_wmesg'),
        ki_tdname: L('ki_tdname'),
        ki_moretdname: L('ki_moretdname'),
        ki_lockname: L('ki_lockname'),
        ki_wchan: L('ki_wchan'),
        ki_pri_level: L('ki_pri.pri_level'),
        ki_pri_native: L('ki_pri.pri_native'),
        ki_pri_class: L('ki_pri.pri_class'),
        ki_pri_user: L('ki_pri.pri_user'),
        ki_lastcpu_old: L('ki_lastcpu_old'),
        ki_oncpu_old: L('ki_oncpu_old'),
        ki_lastcpu: L('ki_lastcpu'),
        ki_oncpu: L('ki_oncpu'),
        ki_tdflags: L('ki_tdflags'),
        ki_tid: L('ki_tid'),
        ki_numthreads: L('ki_numthreads'),
        ki_pcb: L('ki_pcb'),
        ki_kstack: L('ki_kstack'),
        ki_slptime: L('ki_slptime'),
        ki_pctcpu: L('ki_pctcpu'),
        ki_estcpu: L('ki_estcpu'),
        ki_rqindex: L('ki_rqindex'),
        ki_sigmask: sigset('ki_sigmask'),
        ki_uerrmsg: opt('ki_uerrmsg'),
    };
}
const cache = new WeakMap();
let lastLayout;
let lastLeaves;
/** The kinfo_proc leaves of a layout (built on first use, then cached with the layout). */
export function kinfoLeaves(layout) {
    if (layout === lastLayout)
        return lastLeaves;
    let k = cache.get(layout);
    if (!k)
        cache.set(layout, (k = build(layout)));
    lastLayout = layout;
    lastLeaves = k;
    return k;
}
