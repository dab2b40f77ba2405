import { cputick2usec } from "../kernel/calcru.js";
import { KI_CTTY, KI_LOCKBLOCK, KI_SLEADER, NODEV, P_CONTROLT, P_STOPPED, PRS_NORMAL, PRS_ZOMBIE, SLOCK, SRUN, SSLEEP, SSTOP, SWAIT, SZOMB, TDI_LOCK, TDI_SLEEPING, TDS_CAN_RUN, TDS_INHIBITED, TDS_RUNNING, TDS_RUNQ, } from "../kernel/constants.js";
/** memset of a whole top-level field (struct members included); no-op when the layout lacks it. */
export function zeroField(v, name) {
    const f = v.layout.fields.find((x) => x.name === name);
    if (f)
        v.bytes.fill(0, v.offset + f.offset, v.offset + f.offset + f.size);
}
/** Copy a whole top-level field from another record of the same layout. */
export function copyField(dst, src, name) {
    const f = dst.layout.fields.find((x) => x.name === name);
    if (f)
        dst.bytes.set(src.bytes.subarray(src.offset + f.offset, src.offset + f.offset + f.size), dst.offset + f.offset);
}
const zombie = (c) => c.p.p_state === PRS_ZOMBIE;
const setSig = (v, path, s) => {
    for (let i = 0; i < 4; i++)
        v.setAt(`${path}.__bits`, i, s[i] >>> 0);
};
/** strlcpy of raw bytes with a given size limit (libkvm passes limits smaller than the field). */
function strlcpyLimit(v, path, src, limit) {
    let n = src.indexOf(0);
    if (n < 0)
        n = src.length;
    n = Math.min(n, limit - 1);
    const l = v.leaf(path);
    const off = v.offset + l.offset;
    v.bytes.set(src.subarray(0, n), off);
    v.bytes[off + n] = 0;
}
/** The libkvm ki_stat decision list (§3.2, after step 17): INACTIVE threads leave ki_stat as it was. */
export function libkvmStat(p, td, previous) {
    if (p.p_state !== PRS_NORMAL)
        return 1; // SIDL (unreachable: NEW is skipped, zombies handled apart)
    if (td.td_state === TDS_RUNQ || td.td_state === TDS_CAN_RUN || td.td_state === TDS_RUNNING)
        return SRUN;
    if (td.td_state === TDS_INHIBITED) {
        if (p.p_flag & P_STOPPED)
            return SSTOP;
        if (td.td_inhibitors & TDI_SLEEPING)
            return SSLEEP;
        if (td.td_inhibitors & TDI_LOCK)
            return SLOCK;
        return SWAIT;
    }
    return previous;
}
export const LIBKVM_RULES = [
    // ---- which records, in which order, and how selectors behave ----
    { kind: 'walk', id: 'procs-allproc', spec: '§3.3 #1, §3.1 7', summary: 'processes from allproc (+ zombproc when the kernel has that symbol): no zombies on a modern kernel, no p_cansee filter' },
    { kind: 'walk', id: 'order-allproc', spec: '§3.3 #2', summary: 'allproc order (newest fork first, pid 0 last) instead of the pid-hash stripe order' },
    { kind: 'walk', id: 'skip-prs-new', spec: '§3.2 1', summary: 'PRS_NEW processes are skipped after their struct proc is read (as the live path skips them)' },
    { kind: 'walk', id: 'filter-after-reads', spec: '§3.2 3, 11', summary: 'GID/PID/RGID/UID/RUID are tested after the credential reads, PGRP/SESSION/TTY after the pgrp/session/tty reads, on the values libkvm built (an unreadable ucred gives uid 0 …)' },
    { kind: 'walk', id: 'tty-selector-nodev', spec: '§3.3 #26', summary: 'KERN_PROC_TTY compares with libkvm\'s ki_tdev (NODEV or 0): only -1 (or 0) can match' },
    { kind: 'walk', id: 'pid-no-tid', spec: '§3.3 #27', summary: 'KERN_PROC_PID with a thread id (> PID_MAX) matches nothing' },
    { kind: 'walk', id: 'no-arg-validation', spec: '§3.3 #28', summary: 'no EINVAL name-length checks: every op takes one argument, ignored where unused' },
    { kind: 'walk', id: 'all-inc-thread', spec: '§3.2 setup', summary: 'KERN_PROC_ALL implies INC_THREAD (one record per thread); other ops per thread only with INC_THREAD' },
    { kind: 'walk', id: 'nprocs-limit', spec: '§3.1 4-5', summary: 'at most nprocs records (x10 with threads): the buffer libkvm sizes from the nprocs global' },
    { kind: 'walk', id: 'errors-errbuf', spec: '§3.3 #29, §3.4', summary: 'errors are kvm_geterr strings ("can\'t read proc at 0x…"); any fatal read makes kvm_getprocs return NULL; ucred, vmspace, sysentvec, sv_name, wmesg and lockname read failures are ignored' },
    { kind: 'walk', id: 'no-compat32', spec: '§3.1 dead 1', summary: 'a dead kernel of another ABI is refused: "cannot read procs from non-native core" (no kinfo_proc32 from libkvm)' },
    // ---- record fields ----
    {
        kind: 'field', id: 'structsize-zero', spec: '§3.3 #3', summary: 'ki_structsize 1088 → 0 (set before the loop, wiped by the per-process memset)', fields: ['ki_structsize'],
        apply: (c) => c.k.assign('ki_structsize', 0),
    },
    {
        kind: 'field', id: 'tracep-null', spec: '§3.3 #4', summary: 'ki_tracep: ktrace vnode → NULL', fields: ['ki_tracep'],
        apply: (c) => c.k.assign('ki_tracep', 0n),
    },
    {
        kind: 'field', id: 'flag-no-jailed', spec: '§3.3 #5', summary: 'ki_flag: p_flag without P_JAILED; 0 for zombies (set in the thread loop only for live threads)', fields: ['ki_flag'],
        apply: (c) => c.k.assign('ki_flag', zombie(c) ? 0 : c.p.p_flag),
    },
    {
        kind: 'field', id: 'unfilled-zero', spec: '§3.3 #6', summary: 'ki_flag2, ki_fibnum, ki_tracer, ki_tdflags, ki_pcb, ki_kstack, ki_tdaddr, ki_slptime, ki_cow, ki_estcpu, ki_pctcpu: never filled → 0',
        fields: ['ki_flag2', 'ki_fibnum', 'ki_tracer', 'ki_tdflags', 'ki_pcb', 'ki_kstack', 'ki_tdaddr', 'ki_slptime', 'ki_cow', 'ki_estcpu', 'ki_pctcpu'],
        apply: (c) => { for (const f of ['ki_flag2', 'ki_fibnum', 'ki_tracer', 'ki_tdflags', 'ki_pcb', 'ki_kstack', 'ki_tdaddr', 'ki_slptime', 'ki_cow', 'ki_estcpu', 'ki_pctcpu'])
            zeroField(c.k, f); },
    },
    {
        kind: 'field', id: 'pstats-zero', spec: '§3.3 #7', summary: 'ki_start, ki_childtime, ki_rusage, ki_rusage_ch → 0 (the pstats code is compiled out)',
        fields: ['ki_start', 'ki_childtime', 'ki_rusage', 'ki_rusage_ch'],
        apply: (c) => { for (const f of ['ki_start', 'ki_childtime', 'ki_rusage', 'ki_rusage_ch'])
            zeroField(c.k, f); },
    },
    {
        kind: 'field', id: 'strings-unfilled', spec: '§3.3 #8', summary: 'ki_loginclass, ki_moretdname, ki_uerrmsg → empty / 0',
        fields: ['ki_loginclass', 'ki_moretdname', 'ki_uerrmsg'],
        apply: (c) => { for (const f of ['ki_loginclass', 'ki_moretdname', 'ki_uerrmsg'])
            zeroField(c.k, f); },
    },
    {
        kind: 'field', id: 'sflag-zero', spec: '§3.3 #9', summary: 'ki_sflag: PS_INMEM → 0', fields: ['ki_sflag'],
        apply: (c) => c.k.assign('ki_sflag', 0),
    },
    {
        kind: 'field', id: 'jobc-minus-one', spec: '§3.3 #10', summary: 'ki_jobc: pgrp_calc_jobc() → -1 (0 without a pgrp)', fields: ['ki_jobc'],
        apply: (c) => c.k.assign('ki_jobc', c.p.p_pgrp ? -1 : 0),
    },
    {
        kind: 'field', id: 'tpgid-minus-one', spec: '§3.3 #11', summary: 'ki_tpgid with a controlling tty but no foreground pgrp: NO_PID (100000) → -1', fields: ['ki_tpgid'],
        apply: (c) => {
            const tp = c.p.p_pgrp?.pg_session?.s_ttyp;
            c.k.assign('ki_tpgid', c.p.p_pgrp && (c.p.p_flag & P_CONTROLT) && tp ? (tp.t_pgrp ? tp.t_pgrp.pg_id : -1) : 0);
        },
    },
    {
        kind: 'field', id: 'tdev-nodev', spec: '§3.3 #12', summary: 'ki_tdev / ki_tdev_freebsd11: the real udev → always NODEV, or 0 when the tty has no cdev (also NODEV without a pgrp)',
        fields: ['ki_tdev', 'ki_tdev_freebsd11'],
        apply: (c) => { c.k.assign('ki_tdev', c.tdev); c.k.assign('ki_tdev_freebsd11', c.tdev); },
    },
    {
        kind: 'field', id: 'jid-pr-id', spec: '§3.3 #13', summary: 'ki_jid: viewer-relative → pr_id of the process\'s prison, always (prison0 gives 0)', fields: ['ki_jid'],
        apply: (c) => c.k.assign('ki_jid', c.p.p_ucred ? c.p.p_ucred.cr_prison.pr_id : 0),
    },
    {
        kind: 'field', id: 'rssize-no-kstack', spec: '§3.3 #14', summary: 'ki_rssize: resident pages + kernel-stack pages → resident pages only (also for zombies, from the vmspace read)', fields: ['ki_rssize'],
        apply: (c) => c.k.assign('ki_rssize', c.vm ? c.vm.pm_resident_count : 0n),
    },
    {
        kind: 'field', id: 'vm-always-read', spec: '§3.3 #15', summary: 'ki_size, ki_swrss, ki_tsize, ki_dsize, ki_ssize: 0 for zombies → read anyway (stale from the previous process when the vmspace read fails)',
        fields: ['ki_size', 'ki_swrss', 'ki_tsize', 'ki_dsize', 'ki_ssize'],
        apply: (c) => {
            const vm = c.vm;
            c.k.assign('ki_size', vm ? vm.vm_map_size : 0n);
            c.k.assign('ki_swrss', vm ? vm.vm_swrss : 0n);
            c.k.assign('ki_tsize', vm ? vm.vm_tsize : 0n);
            c.k.assign('ki_dsize', vm ? vm.vm_dsize : 0n);
            c.k.assign('ki_ssize', vm ? vm.vm_ssize : 0n);
        },
    },
    {
        kind: 'field', id: 'siglist-or', spec: '§3.3 #16', summary: 'ki_siglist: p_siglist (process) / td_siglist (thread) → p_siglist | td_siglist', fields: ['ki_siglist'],
        apply: (c) => setSig(c.k, 'ki_siglist', c.p.p_siglist.map((w, i) => (c.td ? w | c.td.td_siglist[i] : w))),
    },
    {
        kind: 'field', id: 'runtime-p-rux', spec: '§3.3 #17, §3.2 14', summary: 'ki_runtime: the thread\'s (thread records) or the folded process runtime → cputick2usec(p_rux.rux_runtime) as stored, 0 when cpu_tick_frequency is 0',
        fields: ['ki_runtime'],
        apply: (c) => c.k.assign('ki_runtime', c.g.cpu_tick_frequency === 0n ? 0n : cputick2usec(c.p.p_rux.rux_runtime, c.g.cpu_tick_frequency)),
    },
    {
        kind: 'field', id: 'pri-level-native', spec: '§3.3 #18', summary: 'ki_pri: all four bytes → only pri_level and pri_native (class and user stay 0)', fields: ['ki_pri'],
        apply: (c) => {
            if (!c.td)
                return;
            c.k.assign('ki_pri.pri_level', c.td.td_priority);
            c.k.assign('ki_pri.pri_native', c.td.td_base_pri);
        },
    },
    {
        kind: 'field', id: 'stat-inactive', spec: '§3.3 #19', summary: 'ki_stat: SWAIT fallback / SSTOP for any stopped thread → set only for runnable or INHIBITED threads; INACTIVE threads keep 0 or the previous thread\'s value', fields: ['ki_stat'],
        apply: (c) => c.k.assign('ki_stat', c.td ? libkvmStat(c.p, c.td, Number(c.k.get('ki_stat'))) : SZOMB),
    },
    {
        kind: 'field', id: 'lockname-td-blocked', spec: '§3.3 #20, #22', summary: 'ki_lockname: strlcpy under TDI_LOCK, else zeroed → raw 8 bytes when td_blocked != NULL (NUL at [8]), else left as the previous thread left it', fields: ['ki_lockname'],
        apply: (c) => {
            const td = c.td;
            if (!td || c.src.tdBlocked(td) === 0n)
                return;
            const raw = td.td_lockname !== null ? c.src.rawString('td_lockname', td, 8) : new Uint8Array(8);
            if (raw)
                c.k.setBytes('ki_lockname', raw);
            c.k.bytes[c.k.offset + c.k.leaf('ki_lockname').offset + 8] = 0;
        },
    },
    {
        kind: 'field', id: 'wmesg-raw', spec: '§3.3 #22', summary: 'ki_wmesg: strlcpy (≤ 8 chars) → raw 8 bytes of kernel memory (bytes after the NUL included), [8] = 0', fields: ['ki_wmesg'],
        apply: (c) => {
            const td = c.td;
            if (td && td.td_wmesg !== null) {
                // (void)kvm_read(): a failed read leaves the field as it was.
                const raw = c.src.rawString('td_wmesg', td, 8);
                if (raw)
                    c.k.setBytes('ki_wmesg', raw);
            }
            else
                c.k.setBytes('ki_wmesg', new Uint8Array(8));
        },
    },
    {
        kind: 'field', id: 'login-raw', spec: '§3.3 #21', summary: 'ki_login: strlcpy → raw 18-byte copy of s_login (no NUL for long names, tail bytes verbatim)', fields: ['ki_login'],
        apply: (c) => {
            const s = c.p.p_pgrp?.pg_session;
            if (!s)
                return;
            const raw = c.src.rawString('s_login', s, 18);
            if (raw)
                c.k.setBytes('ki_login', raw);
        },
    },
    {
        kind: 'field', id: 'comm-maxcomlen', spec: '§3.3 #23', summary: 'ki_comm: ≤ 19 chars → ≤ 18 chars (strlcpy limit MAXCOMLEN)', fields: ['ki_comm'],
        apply: (c) => { if (c.p.p_comm.length > 0)
            strlcpyLimit(c.k, 'ki_comm', Buffer.from(c.p.p_comm, 'latin1'), 19); },
    },
    {
        kind: 'field', id: 'emul-15', spec: '§3.3 #24', summary: 'ki_emul: ≤ 16 chars → ≤ 15 chars (16-byte raw read, strlcpy limit KI_EMULNAMELEN)', fields: ['ki_emul'],
        apply: (c) => { if (c.svname && c.svname[0] !== 0)
            strlcpyLimit(c.k, 'ki_emul', c.svname, 16); },
    },
    {
        kind: 'field', id: 'kiflag-last-session', spec: '§3.3 #25, #20', summary: 'ki_kiflag: CTTY/SLEADER from the process\'s session and LOCKBLOCK from TDI_LOCK → from the session variable read last (the tty\'s session if read) and LOCKBLOCK from td_blocked', fields: ['ki_kiflag'],
        apply: (c) => {
            let f = 0;
            if (c.p.p_pgrp && c.sess) {
                if (c.sess.s_ttyvp !== 0n)
                    f |= KI_CTTY;
                if (c.sess.s_leader === c.p)
                    f |= KI_SLEADER;
            }
            if (c.td && c.src.tdBlocked(c.td) !== 0n)
                f |= KI_LOCKBLOCK;
            c.k.assign('ki_kiflag', f);
        },
    },
    {
        kind: 'field', id: 'tdname-empty-zeroed', spec: '§3.2 17.5', summary: 'ki_tdname of a thread with an empty name: strlcpy (stale tail kept) → 17 zero bytes; not set for zombies', fields: ['ki_tdname'],
        apply: (c) => {
            if (!c.td)
                return;
            if (c.td.td_name.length > 0)
                c.k.strlcpy('ki_tdname', c.td.td_name);
            else
                zeroField(c.k, 'ki_tdname');
        },
    },
    {
        kind: 'field', id: 'zombie-thread-fields', spec: '§3.2 17.1, 17.5', summary: 'zombies (only listed when zombproc exists): the thread fields are not read: ki_sigmask 0, ki_tid 0, ki_swtime/nice/traceflag/cpu fields/wchan stay 0',
        fields: ['ki_sigmask', 'ki_tid', 'ki_swtime', 'ki_nice', 'ki_traceflag', 'ki_lastcpu', 'ki_oncpu', 'ki_lastcpu_old', 'ki_oncpu_old', 'ki_wchan'],
        apply: (c) => {
            const fields = ['ki_sigmask', 'ki_tid', 'ki_swtime', 'ki_nice', 'ki_traceflag', 'ki_lastcpu', 'ki_oncpu', 'ki_lastcpu_old', 'ki_oncpu_old', 'ki_wchan'];
            for (const f of fields)
                if (c.td)
                    copyField(c.k, c.live, f);
                else
                    zeroField(c.k, f);
        },
    },
    {
        kind: 'field', id: 'reaper-read', spec: '§3.3 #30, §3.2 8', summary: 'ki_reaper: p_reaper->p_pid → the pid of the reaper\'s struct proc read from the dump (one more read per process; a failed read aborts the listing)', fields: ['ki_reaper'],
        apply: (c) => { if (c.k.layout.fields.some((f) => f.name === 'ki_reaper'))
            c.k.assign('ki_reaper', c.reaperPid); },
    },
];
export const FIELD_RULES = LIBKVM_RULES.filter((r) => r.kind === 'field');
export function libkvmRule(id) {
    const r = LIBKVM_RULES.find((x) => x.id === id);
    if (!r)
        throw new Error(`no libkvm rule ${id}`);
    return r;
}
export { NODEV };
