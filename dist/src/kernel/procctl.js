import { CRED_FLAG_CAPMODE, EINVAL, EPERM, ESRCH, P2_WEXIT, P_STOPPED, P_TREE_REAPER, P_WEXIT, PID_MAX, PRS_NEW, PRS_ZOMBIE } from "./constants.js";
import { procRealparent } from "./fill.js";
import { jailed } from "./model.js";
import { crCansee, pCansee } from "./sysctl.js";
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
// procctl commands (sys/sys/procctl.h)
export const PROC_REAP_ACQUIRE = 2, PROC_REAP_RELEASE = 3, PROC_REAP_STATUS = 4, PROC_REAP_GETPIDS = 5, PROC_REAP_KILL = 6;
/** The fork's command (spec §6.2); not in upstream FreeBSD. */
export const PROC_REAP_STATUS_EX = 25;
export const REAPER_STATUS_OWNED = 0x1, REAPER_STATUS_REALINIT = 0x2;
export const REAPER_PIDINFO_VALID = 0x1, REAPER_PIDINFO_CHILD = 0x2, REAPER_PIDINFO_REAPER = 0x4, REAPER_PIDINFO_ZOMBIE = 0x8, REAPER_PIDINFO_STOPPED = 0x10, REAPER_PIDINFO_EXITING = 0x20;
export const REAPER_KILL_CHILDREN = 0x1, REAPER_KILL_SUBTREE = 0x2;
export const REAPER_STATUS_EX_OWNED = 0x1, REAPER_STATUS_EX_REALINIT = 0x2, REAPER_STATUS_EX_DIRECT_CHILD = 0x4, REAPER_STATUS_EX_REAPER = 0x8;
export const ECAPMODE = 94;
export const _SIG_MAXSIG = 128;
const SIGCONT = 19;
/** The Viewer (p_cansee inputs) of a process of the model: its credential; root outside a jail is privileged. */
export function procViewer(model, p) {
    return {
        cred: p.p_ucred, pid: p.p_pid, privileged: p.p_ucred.cr_uid === 0 && !jailed(model, p.p_ucred),
        seeOtherUids: true, seeOtherGids: true, seeJailProc: true,
    };
}
function resolveCaller(model, caller) {
    if (caller === undefined) {
        const viewer = { cred: { cr_uid: 0, cr_ruid: 0, cr_gid: 0, cr_groups: [], cr_prison: model.prison0 }, privileged: true, seeOtherUids: true, seeOtherGids: true, seeJailProc: true };
        return { viewer, cred: viewer.cred, capmode: false };
    }
    const pid = typeof caller === 'number' ? caller : caller.pid;
    const proc = pid !== undefined ? model.procs.get(pid) : undefined;
    if (pid !== undefined && (!proc || proc.p_state !== 1))
        throw new RangeError(`procctl caller ${pid} is not a running process of the model`);
    const viewer = (typeof caller === 'object' ? caller.viewer : undefined) ?? (proc ? procViewer(model, proc) : resolveCaller(model, undefined).viewer);
    const capmode = (typeof caller === 'object' && caller.capmode) || (proc ? (proc.p_ucred.cr_flags & CRED_FLAG_CAPMODE) !== 0 : false);
    return { proc, viewer, cred: viewer.cred, capmode };
}
/** kern_procctl's P_PID lookup: caller for 0 / own pid, else pfind (no zombies, no PRS_NEW) + p_cansee. */
function lookup(model, pid, c) {
    if (c.proc && (pid === 0 || pid === c.proc.p_pid))
        return { p: c.proc, error: 0 };
    if (pid === 0)
        return { error: EINVAL };
    const p = pid > 0 && pid <= PID_MAX ? model.procs.get(pid) : undefined;
    if (!p || p.p_state === PRS_NEW || p.p_state === PRS_ZOMBIE)
        return { error: ESRCH };
    const e = pCansee(c.viewer, p);
    return e ? { error: e } : { p, error: 0 };
}
const isReaper = (p) => (p.p_treeflag & P_TREE_REAPER) !== 0;
/** reap: the target itself if it is a reaper, else its reaper. */
export function reapOf(p) {
    return isReaper(p) ? p : p.p_reaper;
}
/** PROC_REAP_STATUS on `pid`. */
export function reapStatus(model, pid, caller) {
    const c = resolveCaller(model, caller);
    const { p, error } = lookup(model, pid, c);
    if (!p)
        return { error };
    const rs = { rs_flags: 0, rs_children: 0, rs_descendants: 0, rs_reaper: 0, rs_pid: 0 };
    const reap = reapOf(p);
    if (reap === p)
        rs.rs_flags |= REAPER_STATUS_OWNED;
    if (reap === model.initproc)
        rs.rs_flags |= REAPER_STATUS_REALINIT;
    rs.rs_reaper = reap.p_pid;
    if (reap.p_reaplist.length > 0) {
        const first = reap.p_children[0] ?? reap.p_reaplist[0];
        rs.rs_pid = first.p_pid;
        for (const p2 of reap.p_reaplist) {
            if (procRealparent(model, p2) === reap)
                rs.rs_children++;
            rs.rs_descendants++;
        }
    }
    else
        rs.rs_pid = -1;
    return { error: 0, value: rs };
}
/** The pi_flags of one reap-list member. */
export function pidinfoFlags(model, reap, p2) {
    let f = REAPER_PIDINFO_VALID;
    if (procRealparent(model, p2) === reap)
        f |= REAPER_PIDINFO_CHILD;
    if (isReaper(p2))
        f |= REAPER_PIDINFO_REAPER;
    if (p2.p_flag & P_STOPPED)
        f |= REAPER_PIDINFO_STOPPED;
    if (p2.p_state === PRS_ZOMBIE)
        f |= REAPER_PIDINFO_ZOMBIE;
    else if (p2.p_flag & P_WEXIT)
        f |= REAPER_PIDINFO_EXITING;
    return f;
}
/** PROC_REAP_GETPIDS on `pid` with rp_count = count (default: all): reap's list in list order. */
export function reapGetpids(model, pid, count = Number.POSITIVE_INFINITY, caller) {
    const c = resolveCaller(model, caller);
    const { p, error } = lookup(model, pid, c);
    if (!p)
        return { error };
    const reap = reapOf(p);
    const n = Math.min(reap.p_reaplist.length, count >>> 0 === count ? count : Math.max(0, Math.floor(count)));
    const out = [];
    for (const p2 of reap.p_reaplist) {
        if (out.length === n)
            break;
        out.push({ pi_pid: p2.p_pid, pi_subtree: p2.p_reapsubtree, pi_flags: pidinfoFlags(model, reap, p2) });
    }
    return { error: 0, value: out };
}
/** PROC_REAP_STATUS_EX (fork only) on `pid`. */
export function reapStatusEx(model, pid, caller) {
    const c = resolveCaller(model, caller);
    const { p, error } = lookup(model, pid, c);
    if (!p)
        return { error };
    const rsx = { rsx_flags: 0, rsx_pid: p.p_pid, rsx_reaper: 0, rsx_subtree: p.p_reapsubtree, rsx_realparent: 0, rsx_descendants: 0, rsx_children: 0 };
    const rp = p.p_pptr ? procRealparent(model, p) : p;
    rsx.rsx_realparent = rp.p_pid;
    const reap = reapOf(p);
    if (reap === p)
        rsx.rsx_flags |= REAPER_STATUS_EX_OWNED | REAPER_STATUS_EX_REAPER;
    if (reap === model.initproc)
        rsx.rsx_flags |= REAPER_STATUS_EX_REALINIT;
    rsx.rsx_reaper = reap.p_pid;
    if (rp === reap)
        rsx.rsx_flags |= REAPER_STATUS_EX_DIRECT_CHILD;
    if (reap === p) {
        for (const p2 of reap.p_reaplist) {
            if (procRealparent(model, p2) === reap)
                rsx.rsx_children++;
            rsx.rsx_descendants++;
        }
    }
    return { error: 0, value: rsx };
}
/** p_cansignal(td, p, sig) for the caller (kern_prot.c; set-id and MAC rules not modelled). */
function pCansignal(model, c, p, sig) {
    if (c.proc === p)
        return 0;
    if (sig === SIGCONT && c.proc && c.proc.p_pgrp && p.p_pgrp && c.proc.p_pgrp.pg_session === p.p_pgrp.pg_session)
        return 0;
    // cr_cansignal: visibility first, then the uid rule, then PRIV_SIGNAL_DIFFCRED (root, jailed or not).
    const e = crCansee(c.viewer, p.p_ucred);
    if (e)
        return e;
    const t = p.p_ucred;
    const same = c.cred.cr_ruid === t.cr_ruid || c.cred.cr_ruid === t.cr_svuid || c.cred.cr_uid === t.cr_ruid || c.cred.cr_uid === t.cr_svuid;
    if (!same && c.cred.cr_uid !== 0)
        return EPERM;
    return 0;
}
/** PROC_REAP_KILL on `pid`: which processes would be signalled, rk_killed, rk_fpid and the errno. */
export function reapKill(model, pid, req, caller) {
    const c = resolveCaller(model, caller);
    const flags = req.flags ?? 0;
    const res = { error: 0, rk_killed: 0, rk_fpid: 0, signalled: [], denied: [] };
    const { p, error: lerr } = lookup(model, pid, c);
    if (!p)
        return { ...res, error: lerr };
    if (c.capmode)
        return { ...res, error: ECAPMODE };
    if (req.sig <= 0 || req.sig > _SIG_MAXSIG || (flags & ~(REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE)) !== 0 ||
        (flags & (REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE)) === (REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE))
        return { ...res, error: EINVAL };
    const reap = reapOf(p);
    res.reaper = reap.p_pid;
    res.error = ESRCH;
    res.rk_killed = 0;
    res.rk_fpid = -1;
    if (flags & REAPER_KILL_CHILDREN) {
        // reap_kill_children: the children list, not the reap list; successes never reset the error.
        for (const p2 of reap.p_children) {
            if (p2.p_flag2 & P2_WEXIT)
                continue;
            const e = pCansignal(model, c, p2, req.sig);
            if (e) {
                res.denied.push({ pid: p2.p_pid, error: e });
                if (res.error === ESRCH) {
                    res.rk_fpid = p2.p_pid;
                    res.error = e;
                }
            }
            else {
                res.signalled.push(p2.p_pid);
                res.rk_killed++;
            }
        }
        return res;
    }
    // reap_kill_subtree: nothing when the caller itself is exiting.
    if (c.proc && (c.proc.p_flag2 & P2_WEXIT))
        return res;
    const killed = new Set();
    // reap_kill_subtree_once, repeated while it reports progress. The model does not change between
    // passes, so the second pass finds every member already marked (P2_REAPKILLED) and stops.
    for (;;) {
        let progress = false;
        const tracker = [reap];
        while (tracker.length) {
            const t = tracker.shift();
            if (!isReaper(t))
                continue;
            for (const p2 of t.p_reaplist) {
                if (t === reap && (flags & REAPER_KILL_SUBTREE) && p2.p_reapsubtree !== req.subtree)
                    continue;
                if (isReaper(p2))
                    tracker.push(p2);
                if (killed.has(p2.p_pid) || (p2.p_flag2 & P2_WEXIT)) {
                    // Already marked (P2_REAPKILLED) in an earlier pass, or exiting: the kernel skips it.
                    if (p2.p_flag2 & P2_WEXIT)
                        killed.add(p2.p_pid);
                    continue;
                }
                killed.add(p2.p_pid);
                progress = true;
                const e = pCansignal(model, c, p2, req.sig);
                if (e) {
                    res.denied.push({ pid: p2.p_pid, error: e });
                    // ESRCH denials are hidden (no visibility oracle); others are recorded after a success.
                    if (e !== ESRCH && res.error === 0) {
                        res.rk_fpid = p2.p_pid;
                        res.error = e;
                    }
                }
                else {
                    res.signalled.push(p2.p_pid);
                    res.rk_killed++;
                    res.error = 0;
                }
            }
        }
        if (!progress)
            break;
    }
    return res;
}
/** Errno names for the procctl results (adds ECAPMODE to the sysctl ones). */
export const PROCCTL_ERRNO_NAMES = { 1: 'EPERM', 3: 'ESRCH', 16: 'EBUSY', 22: 'EINVAL', 94: 'ECAPMODE' };
