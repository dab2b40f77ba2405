import { KvmkitError, UsageError } from "../base/errors.js";
import { RecordView } from "../codec/index.js";
import { pidHashBuckets } from "./pidhash.js";
import { copyoutPlan, kinfoProcOut } from "../compat/copyout.js";
import { archDef, getLayout } from "../layout/index.js";
import { EINVAL, ENOMEM, ESRCH, KERN_PROC_ALL, KERN_PROC_GID, KERN_PROC_INC_THREAD, KERN_PROC_MASK32, KERN_PROC_NOTHREADS, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_PROC, KERN_PROC_RGID, KERN_PROC_RUID, KERN_PROC_SESSION, KERN_PROC_TTY, KERN_PROC_UID, P_CONTROLT, PID_MAX, PRS_NEW, } from "./constants.js";
import { fillKinfoProc, fillKinfoThread, hostRootViewer, ttyUdev } from "./fill.js";
import { liveRules } from "./rules.js";
/** p_cansee(curthread, p) → cr_cansee(viewer, p_ucred): 0 or an errno (spec §2.5). */
export function crCansee(viewer, u2) {
    // prison_check: the viewer's prison must be u2's prison or an ancestor of it.
    let pr = u2.cr_prison;
    let ok = false;
    while (pr) {
        if (pr === viewer.cred.cr_prison) {
            ok = true;
            break;
        }
        pr = pr.pr_parent;
    }
    if (!ok)
        return ESRCH;
    if (!viewer.seeOtherUids && viewer.cred.cr_ruid !== u2.cr_ruid && !viewer.privileged)
        return ESRCH;
    if (!viewer.seeOtherGids) {
        const mine = new Set([viewer.cred.cr_gid, ...viewer.cred.cr_groups]);
        const match = [u2.cr_gid, ...u2.cr_groups].some((g) => mine.has(g));
        if (!match && !viewer.privileged)
            return ESRCH;
    }
    if (!viewer.seeJailProc && viewer.cred.cr_prison !== u2.cr_prison && !viewer.privileged)
        return ESRCH;
    return 0;
}
export function pCansee(viewer, p) {
    if (viewer.pid !== undefined && viewer.pid === p.p_pid)
        return 0;
    return crCansee(viewer, p.p_ucred);
}
/** The pid-hash visit order: lock stripe i, then buckets i, i+(pidhashlock+1), … (spec §2.2). */
export function pidHashOrder(model) {
    const { pidhash, pidhashlock } = model.globals;
    const out = [];
    for (const j of pidHashBuckets(pidhash, pidhashlock)) {
        for (const p of model.pidhashtbl[j])
            if (p.p_state !== PRS_NEW)
                out.push(p);
    }
    return out;
}
/** pget(pid, PGET_CANSEE): zombies included; pid > PID_MAX is a thread id. */
export function pget(model, viewer, pid) {
    let p;
    if (pid <= PID_MAX) {
        p = model.procs.get(pid);
        if (p && p.p_state === PRS_NEW)
            p = undefined;
    }
    else {
        p = model.threads.get(pid)?.td_proc;
    }
    if (!p)
        return { error: ESRCH };
    const e = pCansee(viewer, p);
    return e ? { error: e } : { p, error: 0 };
}
/** The sysctl_kern_proc_iterate filter. */
export function selectorMatches(op, arg, p) {
    const cred = p.p_ucred;
    switch (op) {
        case KERN_PROC_GID: return cred.cr_gid >>> 0 === arg >>> 0;
        case KERN_PROC_RGID: return cred.cr_rgid >>> 0 === arg >>> 0;
        case KERN_PROC_UID: return cred.cr_uid >>> 0 === arg >>> 0;
        case KERN_PROC_RUID: return cred.cr_ruid >>> 0 === arg >>> 0;
        case KERN_PROC_PGRP: return p.p_pgrp !== null && p.p_pgrp.pg_id === (arg | 0);
        case KERN_PROC_SESSION: return p.p_pgrp !== null && p.p_pgrp.pg_session.s_sid === (arg | 0);
        case KERN_PROC_TTY: {
            if (!(p.p_flag & P_CONTROLT))
                return false;
            const sp = p.p_pgrp?.pg_session;
            if (!sp || !sp.s_ttyp)
                return false;
            // The int argument is sign-extended to dev_t.
            return ttyUdev(sp.s_ttyp) === BigInt.asUintN(64, BigInt(arg | 0));
        }
        default: return true;
    }
}
/** Output sink emulating the sysctl sbuf drain into a user buffer. */
/** The sbuf the records drain into: one growing buffer (a size probe only counts). */
class Out {
    oldlen;
    buf = new Uint8Array(1 << 16);
    total = 0;
    constructor(oldlen) {
        this.oldlen = oldlen;
    }
    add(b) {
        if (this.oldlen !== null) {
            if (this.total + b.length > this.buf.length) {
                const grown = new Uint8Array(Math.max(this.buf.length * 2, this.total + b.length));
                grown.set(this.buf.subarray(0, this.total));
                this.buf = grown;
            }
            this.buf.set(b, this.total);
        }
        this.total += b.length;
    }
    bytes() {
        return this.oldlen === null ? new Uint8Array(0) : this.buf.subarray(0, this.total);
    }
}
const outBuffers = new WeakMap();
function outBuffersFor(ctx, layouts, mask32) {
    let b = outBuffers.get(ctx);
    if (b && !b.busy && b.native === layouts.native && (!mask32 || b.ki32 !== undefined))
        return b;
    b = { native: layouts.native, ki: new RecordView(layouts.native), busy: false };
    if (mask32) {
        b.plan = copyoutPlan(ctx.model.arch, ctx.rules.revision);
        b.ki32 = new RecordView(b.plan.compat);
    }
    // A nested call (an emit callback that asks for records itself) gets its own buffers.
    if (!outBuffers.get(ctx)?.busy)
        outBuffers.set(ctx, b);
    return b;
}
/**
 * kern_proc_out: one record for NOTHREADS, else one per thread filled into the same buffer
 * (never re-zeroed), each optionally translated to kinfo_proc32.
 *
 * Like the kernel's stack-allocated `struct kinfo_proc`, the record buffer lives only for the
 * call: `emit` gets a view that is valid until it returns (callers that keep records copy them).
 * The buffer is reused for the next process, which fill_kinfo_proc zeroes first, so reuse never
 * shows in the bytes; it saves a 1 KiB allocation per process.
 */
export function kernProcOut(ctx, p, flags, layouts, emit) {
    const mask32 = (flags & KERN_PROC_MASK32) !== 0;
    const b = outBuffersFor(ctx, layouts, mask32);
    const { ki, ki32, plan } = b;
    const out = (tid) => {
        if (mask32 && ki32 && plan) {
            kinfoProcOut(plan, ki, ki32);
            emit(ki32.record(), tid);
        }
        else
            emit(ki.record(), tid);
    };
    b.busy = true;
    try {
        fillKinfoProc(ctx, p, ki);
        if (flags & KERN_PROC_NOTHREADS)
            out(p.p_threads[0].td_tid);
        else {
            for (const td of p.p_threads) {
                fillKinfoThread(ctx, td, ki, true);
                out(td.td_tid);
            }
        }
    }
    finally {
        b.busy = false;
    }
}
/** The whole `sysctl kern.proc.<node>[.arg]` request. */
export function sysctlKernProc(model, req) {
    const rules = liveRules(req.revision);
    const native = getLayout('kinfo_proc', model.arch, req.revision);
    const compat32 = !!req.compat32;
    if (compat32 && !archDef(model.arch).compat32)
        throw new UsageError(`arch ${model.arch} has no 32-bit compat ABI (kinfo_proc32 exists on amd64, arm64, powerpc64, powerpc64le)`, { arch: model.arch });
    const compat = compat32 ? getLayout('kinfo_proc32', model.arch, req.revision) : undefined;
    const viewer = req.viewer ?? hostRootViewer(model);
    const ctx = { model, rules, viewer, jobc: new Map() };
    const name = req.name ?? (req.arg !== undefined ? [req.arg] : []);
    let oid = req.op;
    if (req.threads && oid !== KERN_PROC_ALL)
        oid |= KERN_PROC_INC_THREAD;
    let flags;
    if (oid !== KERN_PROC_ALL && (oid & KERN_PROC_INC_THREAD) === 0)
        flags = KERN_PROC_NOTHREADS;
    else {
        flags = 0;
        oid &= ~KERN_PROC_INC_THREAD;
    }
    if (compat32)
        flags |= KERN_PROC_MASK32;
    const layout = compat ?? native;
    const out = new Out(req.oldlen);
    const records = [];
    const emit = (p) => (rec, tid) => {
        records.push({ pid: p.p_pid, tid, offset: out.total, size: rec.length });
        out.add(rec);
    };
    const finish = (error) => {
        if (error && error !== ENOMEM)
            return { error, bytes: new Uint8Array(0), length: 0, records: [], layout };
        const all = out.bytes();
        if (req.oldlen === null)
            return { error: 0, bytes: new Uint8Array(0), length: out.total, records, layout };
        if (req.oldlen !== undefined && out.total > req.oldlen) {
            return { error: ENOMEM, bytes: all.slice(0, req.oldlen), length: req.oldlen, records: records.filter((r) => r.offset + r.size <= req.oldlen), layout };
        }
        return { error: 0, bytes: all, length: out.total, records, layout };
    };
    if (oid === KERN_PROC_PID) {
        if (name.length !== 1)
            return finish(EINVAL);
        const { p, error } = pget(model, viewer, name[0]);
        if (!p)
            return finish(error);
        kernProcOut(ctx, p, flags, { native, compat }, emit(p));
        return finish(0);
    }
    switch (oid) {
        case KERN_PROC_ALL:
            if (name.length !== 0)
                return finish(EINVAL);
            break;
        case KERN_PROC_PROC:
            if (name.length > 1)
                return finish(EINVAL);
            break;
        default:
            if (name.length !== 1)
                return finish(EINVAL);
    }
    // Size probe: first an overestimate of five native records (always sizeof(struct kinfo_proc)).
    if (req.oldlen === null)
        out.total += 5 * native.size;
    for (const p of pidHashOrder(model)) {
        if (pCansee(viewer, p) !== 0)
            continue;
        if (!selectorMatches(oid, name[0] ?? 0, p))
            continue;
        kernProcOut(ctx, p, flags, { native, compat }, emit(p));
        if (req.oldlen !== undefined && req.oldlen !== null && out.total > req.oldlen)
            break; // ENOMEM stops the walk
    }
    return finish(0);
}
// ---- MIB names ----
const NODES = {
    all: KERN_PROC_ALL, pid: KERN_PROC_PID, pgrp: KERN_PROC_PGRP, sid: KERN_PROC_SESSION, session: KERN_PROC_SESSION,
    tty: KERN_PROC_TTY, uid: KERN_PROC_UID, ruid: KERN_PROC_RUID, proc: KERN_PROC_PROC, rgid: KERN_PROC_RGID, gid: KERN_PROC_GID,
};
/** `kern.proc.pid.123`, `kern.proc.pgrp_td.5`, `kern.proc.tty.-1`, `kern.proc.all` → a request's op and name. */
export function parseMib(mib) {
    const m = /^kern\.proc\.([a-z]+?)(_td)?((?:\.-?(?:0x[0-9a-f]+|\d+))*)$/i.exec(mib.trim());
    if (!m)
        throw new UsageError(`cannot parse MIB "${mib}": expected kern.proc.<node>[_td][.<arg>], node one of ${Object.keys(NODES).join(', ')}`, { field: 'mib' });
    const node = NODES[m[1].toLowerCase()];
    if (node === undefined)
        throw new UsageError(`unknown kern.proc node "${m[1]}" (known: ${Object.keys(NODES).join(', ')})`, { field: 'mib' });
    if (m[2] && node === KERN_PROC_ALL)
        throw new UsageError('there is no kern.proc.all_td node (kern.proc.all is already per thread)', { field: 'mib' });
    const name = m[3] ? m[3].slice(1).split('.').map((x) => (x.startsWith('-') ? -Number(BigInt(x.slice(1))) : Number(BigInt(x)))) : [];
    for (const x of name)
        if (!Number.isSafeInteger(x) || x < -0x80000000 || x > 0xffffffff)
            throw new UsageError(`MIB component ${x} is not a 32-bit int`, { field: 'mib' });
    return { op: node | (m[2] ? KERN_PROC_INC_THREAD : 0), name: name.map((x) => x | 0) };
}
export { KvmkitError };
