import { KvmkitError, UsageError, hex } from "../base/errors.js";
import { decodeRecord, RecordView } from "../codec/index.js";
import { KERN_PROC_ALL, KERN_PROC_GID, KERN_PROC_INC_THREAD, KERN_PROC_MASK32, KERN_PROC_NOTHREADS, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_RGID, KERN_PROC_RUID, KERN_PROC_SESSION, KERN_PROC_TTY, KERN_PROC_UID, NODEV, P_CONTROLT, PID_MAX, PRS_NEW, PRS_ZOMBIE, } from "../kernel/constants.js";
import { fillKinfoProc, fillKinfoThread, hostRootViewer } from "../kernel/fill.js";
import { pidHashBuckets, pidhashlockFor } from "../kernel/pidhash.js";
import { liveRules } from "../kernel/rules.js";
import { kernProcOut, pCansee, selectorMatches } from "../kernel/sysctl.js";
import { archDef, getLayout } from "../layout/index.js";
import { FIELD_RULES, zeroField } from "./rules.js";
/** Record fields derived from each kernel object (what becomes unavailable when it cannot be read). */
export const FIELDS_FROM = {
    proc: [],
    ucred: ['ki_uid', 'ki_ruid', 'ki_svuid', 'ki_rgid', 'ki_svgid', 'ki_ngroups', 'ki_groups', 'ki_cr_flags', 'ki_jid', 'ki_loginclass', 'ki_flag'],
    prison: ['ki_jid', 'ki_flag'],
    loginclass: ['ki_loginclass'],
    sigacts: ['ki_sigignore', 'ki_sigcatch'],
    vmspace: ['ki_size', 'ki_rssize', 'ki_swrss', 'ki_tsize', 'ki_dsize', 'ki_ssize'],
    pstats: ['ki_start'],
    pgrp: ['ki_pgid', 'ki_jobc', 'ki_sid', 'ki_login', 'ki_kiflag', 'ki_tdev', 'ki_tdev_freebsd11', 'ki_tpgid', 'ki_tsid'],
    session: ['ki_sid', 'ki_login', 'ki_kiflag', 'ki_tdev', 'ki_tdev_freebsd11', 'ki_tpgid', 'ki_tsid', 'ki_jobc'],
    tty: ['ki_tdev', 'ki_tdev_freebsd11', 'ki_tpgid', 'ki_tsid'],
    cdev: ['ki_tdev', 'ki_tdev_freebsd11'],
    tpgrp: ['ki_tpgid'],
    tsession: ['ki_tsid'],
    sysentvec: ['ki_emul'],
    sv_name: ['ki_emul'],
    pproc: ['ki_tracer'],
    reaper: ['ki_reaper'],
    members: ['ki_jobc'],
    sleader: ['ki_kiflag'],
    ktrio: ['ki_tracep'],
    wmesg: ['ki_wmesg'],
    lockname: ['ki_lockname'],
    thread: ['ki_numthreads', 'ki_pctcpu', 'ki_estcpu', 'ki_cow', 'ki_rusage', 'ki_runtime', 'ki_rssize'],
    // globals
    ticks: ['ki_swtime', 'ki_slptime'],
    hz: ['ki_swtime', 'ki_slptime'],
    boottime: ['ki_start'],
    cpu_tick_frequency: ['ki_runtime', 'ki_rusage', 'ki_rusage_ch', 'ki_childtime'],
};
/** libkvm's error text per object kind (spec §3.2); kinds not listed are ignored by libkvm. */
const LIBKVM_FATAL = {
    proc: "can't read proc at %p", prison: "can't read prison at %p", sigacts: "can't read sigacts at %p",
    pproc: "can't read pproc at %p", reaper: "can't read reaper proc at %p", pgrp: "can't read pgrp at %p",
    session: "can't read session at %p", tty: "can't read tty at %p", cdev: "can't read cdev at %p",
    tpgrp: "can't read tpgrp at %p", tsession: "can't read session at %p", thread: "can't read thread at %p",
};
const pct = (fmt, a) => fmt.replace('%p', hex(a ?? 0n));
class RecordImpl {
    layout;
    index;
    pid;
    tid;
    paddr;
    tdaddr;
    bytes;
    unavailable;
    tty;
    decoded;
    constructor(layout, index, pid, tid, paddr, tdaddr, bytes, unavailable, tty) {
        this.layout = layout;
        this.index = index;
        this.pid = pid;
        this.tid = tid;
        this.paddr = paddr;
        this.tdaddr = tdaddr;
        this.bytes = bytes;
        this.unavailable = unavailable;
        this.tty = tty;
    }
    get value() {
        return (this.decoded ??= decodeRecord(this.layout, this.bytes, 0));
    }
}
/**
 * The pid hash's buckets in the live sysctl's visit order (spec §2.2), each followed only when the
 * walk reaches it. The stripe count is derived from the bucket count as procinit() derives it, not
 * read from `pidhashlock`, so a damaged global cannot reorder the walk.
 */
function* pidHashLists(hash) {
    const pidhash = hash.buckets - 1;
    for (const j of pidHashBuckets(pidhash, pidhashlockFor(pidhash)))
        yield hash.bucket(j);
}
function unionFields(into, kinds, layout) {
    for (const k of kinds)
        for (const f of FIELDS_FROM[k] ?? [k])
            if (layout.fields.some((x) => x.name === f))
                into.add(f);
}
const NOTHING_MISSING = new Set();
/**
 * Replace the objects a reader could not read with zero placeholders the fill functions accept,
 * and report which record fields that makes unavailable.
 */
function patchMissing(src, p, errors) {
    if (!errors.length && p.p_ucred && p.p_stats)
        return { p, missing: NOTHING_MISSING };
    const missing = new Set(errors.map((e) => e.object));
    // A copy that reads through to p (image-read objects keep pointer members as class accessors, which a spread would drop).
    const q = Object.create(p);
    const addrOf = (kind) => errors.find((e) => e.object === kind)?.address ?? 0n;
    if (!q.p_ucred) {
        missing.add('ucred');
        q.p_ucred = { addr: addrOf('ucred'), cr_uid: 0, cr_ruid: 0, cr_svuid: 0, cr_gid: 0, cr_rgid: 0, cr_svgid: 0, cr_groups: [], cr_flags: 0, cr_prison: src.model.prison0, cr_loginclass: { addr: 0n, lc_name: '' } };
    }
    if (!q.p_stats) {
        missing.add('pstats');
        q.p_stats = { addr: addrOf('pstats'), p_start: { sec: 0n, usec: 0n } };
    }
    if (!q.p_vmspace && missing.has('vmspace')) {
        q.p_vmspace = { addr: addrOf('vmspace'), vm_map_size: 0n, pm_resident_count: 0n, vm_swrss: 0n, vm_tsize: 0n, vm_dsize: 0n, vm_ssize: 0n };
    }
    return { p: q, missing };
}
/** The name of p's controlling terminal (P_CONTROLT and a session tty with a cdev), if it has one. */
function ttyName(p) {
    if (!(p.p_flag & P_CONTROLT))
        return undefined;
    return p.p_pgrp?.pg_session?.s_ttyp?.t_dev?.si_name || undefined;
}
function emitter(layout, opts) {
    const keep = opts.keep ?? true;
    const e = {
        records: [],
        count: 0,
        emit(p, paddr, tid, tdaddr, bytes, unavailable) {
            const r = new RecordImpl(layout, e.count++, p.p_pid, tid, paddr, tdaddr, keep ? bytes.slice() : bytes, unavailable, ttyName(p));
            if (keep)
                e.records.push(r);
            opts.onRecord?.(r);
        },
    };
    return e;
}
function result(mode, op, arg, layout, walked, em, errors, notes, libkvm) {
    const seen = new Set();
    errors = errors.filter((e) => {
        const k = `${e.code}|${e.object}|${e.address}|${e.pid}`;
        return seen.has(k) ? false : (seen.add(k), true);
    });
    return {
        mode, op, arg, layout, walked, records: em.records, count: em.count, errors, notes, libkvm,
        concat() {
            const out = new Uint8Array(em.records.length * layout.size);
            em.records.forEach((r, i) => out.set(r.bytes, i * layout.size));
            return out;
        },
    };
}
function strictCheck(opts, errors, src) {
    if (opts.strict && errors.length) {
        const e = errors[0];
        throw new KvmkitError(`--strict: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''}`, { file: src.name, address: e.address, object: e.object });
    }
}
/** Normalise op/threads: the node number and whether records are per thread. */
function decodeOp(op, threads) {
    const base = op & ~KERN_PROC_INC_THREAD;
    return { base, perThread: base === KERN_PROC_ALL || (op & KERN_PROC_INC_THREAD) !== 0 || !!threads };
}
/** kvm_getprocs over a process source. */
export function getProcs(src, op, arg, opts = {}) {
    const mode = opts.mode ?? 'exact';
    if (mode === 'libkvm')
        return libkvmGetProcs(src, op, arg, opts);
    return exactGetProcs(src, op, arg, opts);
}
function exactWalk(src, op, arg, opts) {
    const model = src.model;
    const revision = src.revision;
    const native = getLayout('kinfo_proc', src.arch, revision);
    if (opts.compat32 && !archDef(src.arch).compat32)
        throw new UsageError(`arch ${src.arch} has no 32-bit compat ABI (kinfo_proc32 exists on amd64, arm64, powerpc64, powerpc64le)`, { arch: src.arch });
    const compat = opts.compat32 ? getLayout('kinfo_proc32', src.arch, revision) : undefined;
    const layout = compat ?? native;
    const ctx = { model, rules: liveRules(revision), viewer: opts.viewer ?? hostRootViewer(model), jobc: new Map() };
    const { base, perThread } = decodeOp(op, opts.threads);
    let flags = perThread ? 0 : KERN_PROC_NOTHREADS;
    if (compat)
        flags |= KERN_PROC_MASK32;
    const globalsUnavail = new Set();
    unionFields(globalsUnavail, src.unavailableGlobals, layout);
    return { src, ctx, native, compat, layout, base, arg, perThread, flags, globalsUnavail };
}
/**
 * One process of an exact-mode walk: read it, decide as the live path does whether it is listed
 * (PRS_NEW, p_cansee, the selector), and hand its records to `sink`. Errors met are pushed to
 * `errors`, and `check` runs after each push (the --strict exception, before any record of the
 * failing process). Returns true when the walk is over (a KERN_PROC_PID match).
 */
function visitProc(w, addr, errors, check, sink) {
    const { src, ctx, base, arg } = w;
    const read = src.readProc(addr);
    if (!read.proc) {
        errors.push(...read.errors);
        check();
        return false;
    }
    if (read.proc.p_state === PRS_NEW)
        return false;
    if (read.errors.length) {
        for (const e of read.errors)
            errors.push({ ...e, pid: e.pid ?? read.proc.p_pid });
        check();
    }
    const { p, missing } = patchMissing(src, read.proc, read.errors);
    if (p.p_threads.length === 0) {
        errors.push({ code: 'read', object: 'thread', address: p.addr, pid: p.p_pid, message: `proc ${hex(p.addr)} (pid ${p.p_pid}) has no readable thread: no record` });
        check();
        return false;
    }
    if (pCansee(ctx.viewer, p) !== 0)
        return false;
    if (base === KERN_PROC_PID) {
        // pget(): pid ≤ PID_MAX is a process id, above it a thread id.
        if (arg <= PID_MAX ? p.p_pid !== arg : !p.p_threads.some((td) => td.td_tid === arg))
            return false;
    }
    else if (!selectorMatches(base, arg, p))
        return false;
    let unavailable = NONE;
    if (missing.size || w.globalsUnavail.size || read.unavailable?.length) {
        const u = new Set(w.globalsUnavail);
        unionFields(u, missing, w.layout);
        for (const f of read.unavailable ?? [])
            u.add(f);
        unavailable = [...u];
    }
    let i = 0;
    const perThread = w.perThread;
    kernProcOut(ctx, p, w.flags, w, (rec, tid) => {
        const td = perThread ? p.p_threads[i++] : p.p_threads[0];
        sink(p, tid, td.addr, rec, unavailable);
    });
    return base === KERN_PROC_PID;
}
/** The unavailable list of a whole record (shared, so frozen: a consumer cannot change every record's list). */
const NONE = Object.freeze([]);
/** The walk's lists in visit order and what the result says about them. */
function walkLists(src, wantTotal) {
    const hash = src.pidhash();
    if (hash) {
        // Progress counts processes against nprocs (the hash's length is known only at the end).
        return { lists: pidHashLists(hash), walked: 'pidhash', total: wantTotal ? src.nprocs?.() ?? src.model.procs.size : 0, notes: [] };
    }
    const a = src.allproc();
    const z = src.zombproc();
    const walked = z ? 'allproc+zombproc' : 'allproc';
    return {
        lists: z ? [a, z] : [a],
        walked,
        total: a.addrs.length + (z?.addrs.length ?? 0),
        notes: [`the kernel has no pidhashtbl: processes in ${walked} order, not the live path's pid-hash order${z ? '' : '; zombies (only in the pid hash) are not reachable'}`],
    };
}
function exactGetProcs(src, op, arg, opts) {
    const w = exactWalk(src, op, arg, opts);
    const errors = [];
    const em = emitter(w.layout, opts);
    const { lists, walked, total, notes } = walkLists(src, !!opts.onProgress);
    const check = () => strictCheck(opts, errors, src);
    const seen = new Set();
    let done = 0;
    walk: for (const list of lists) {
        if (list.errors.length) {
            errors.push(...list.errors);
            check();
        }
        for (const addr of list.addrs) {
            if (opts.onProgress && ++done % 1024 === 0)
                opts.onProgress(done, Math.max(total, done));
            if (seen.has(addr)) {
                errors.push({ code: 'cycle', object: 'proc', address: addr, message: `proc ${hex(addr)} is reached twice (corrupt pid hash)` });
                check();
                continue;
            }
            seen.add(addr);
            if (visitProc(w, addr, errors, check, (p, tid, tdaddr, rec, unavailable) => em.emit(p, addr, tid, tdaddr, rec, unavailable)))
                break walk;
        }
    }
    opts.onProgress?.(done, done);
    return result('exact', op, arg, w.layout, walked, em, errors, notes);
}
const copyPlans = new Map();
/** The byte ranges of the record that no field rule owns (copied from the live record). */
export function unownedRanges(layout) {
    let plan = copyPlans.get(layout);
    if (!plan) {
        const owned = new Uint8Array(layout.size);
        for (const r of FIELD_RULES)
            for (const f of r.fields) {
                const fl = layout.fields.find((x) => x.name === f);
                if (fl)
                    owned.fill(1, fl.offset, fl.offset + fl.size);
            }
        const ranges = [];
        for (let i = 0; i < owned.length;) {
            if (owned[i]) {
                i++;
                continue;
            }
            let j = i;
            while (j < owned.length && !owned[j])
                j++;
            ranges.push([i, j]);
            i = j;
        }
        copyPlans.set(layout, (plan = { ranges }));
    }
    return plan.ranges;
}
const CRED_FIELDS = ['ki_uid', 'ki_ruid', 'ki_svuid', 'ki_rgid', 'ki_svgid', 'ki_ngroups', 'ki_groups', 'ki_cr_flags', 'ki_jid'];
function libkvmGetProcs(src, op, arg, opts) {
    if (opts.compat32)
        throw new KvmkitError('cannot read procs from non-native core (libkvm has no kinfo_proc32 path: --compat32 exists in exact mode only)', { file: src.name, arch: src.arch });
    const model = src.model;
    const g = model.globals;
    const layout = getLayout('kinfo_proc', src.arch, src.revision);
    const ctxLive = { model, rules: liveRules(src.revision), viewer: hostRootViewer(model), jobc: new Map() };
    const errors = [];
    const notes = [];
    const em = emitter(layout, opts);
    let fatal;
    const fail = (e, text) => {
        errors.push({ ...e, message: text });
        fatal ??= text;
        strictCheck(opts, errors, src);
    };
    for (const s of ['_nprocs', '_allproc', '_ticks', '_hz', '_cpu_tick_frequency']) {
        if (src.symbol(s) === undefined) {
            const text = `${s}: no such symbol`;
            errors.push({ code: 'symbol', object: 'symbol', message: text });
            strictCheck(opts, errors, src);
            return result('libkvm', op, arg, layout, 'allproc', em, errors, notes, { returnsNull: true, errbuf: text });
        }
    }
    const { base, perThread } = decodeOp(op, opts.threads);
    const nprocs = src.nprocs?.() ?? src.model.procs.size;
    const max = perThread ? nprocs * 10 : nprocs;
    const a = src.allproc();
    const z = src.zombproc();
    const walked = z ? 'allproc+zombproc' : 'allproc';
    const lists = [a, ...(z ? [z] : [])];
    const K = new RecordView(layout);
    const L = new RecordView(layout);
    const ranges = unownedRanges(layout);
    const hasReaper = layout.fields.some((f) => f.name === 'ki_reaper');
    const unavailGlobals = new Set();
    unionFields(unavailGlobals, src.unavailableGlobals, layout);
    // libkvm's scratch variables live across processes (stale values on failed reads).
    let vm = null;
    let svname;
    const total = a.addrs.length + (z?.addrs.length ?? 0);
    let done = 0;
    for (const list of lists) {
        for (const addr of list.addrs) {
            if (em.count >= max)
                break;
            if (opts.onProgress && ++done % 1024 === 0)
                opts.onProgress(done, total);
            const read = src.readProc(addr);
            if (!read.proc) {
                fail(read.errors[0] ?? { code: 'read', object: 'proc', address: addr, message: '' }, pct(LIBKVM_FATAL.proc, addr));
                continue;
            }
            const p0 = read.proc;
            if (p0.p_state === PRS_NEW)
                continue;
            const errBy = new Map();
            for (const e of read.errors)
                if (!errBy.has(e.object))
                    errBy.set(e.object, { ...e, pid: e.pid ?? p0.p_pid });
            const fatalOf = (kind) => {
                const e = errBy.get(kind);
                if (!e)
                    return false;
                fail(e, pct(LIBKVM_FATAL[kind], e.address));
                return true;
            };
            const { p, missing } = patchMissing(src, p0, read.errors);
            const ucredFailed = errBy.has('ucred');
            for (const [k, e] of errBy)
                if (!LIBKVM_FATAL[k] && k !== 'thread')
                    errors.push(e); // ignored by libkvm, reported here
            // 2. credentials (a failed ucred read is ignored), prison
            if (!ucredFailed && fatalOf('prison'))
                continue;
            const cred = p.p_ucred;
            // 3. first filter
            const u = (x) => x >>> 0;
            if (base === KERN_PROC_GID && u(ucredFailed ? 0 : cred.cr_gid) !== u(arg))
                continue;
            if (base === KERN_PROC_PID && p.p_pid !== arg)
                continue;
            if (base === KERN_PROC_RGID && u(ucredFailed ? 0 : cred.cr_rgid) !== u(arg))
                continue;
            if (base === KERN_PROC_UID && u(ucredFailed ? 0 : cred.cr_uid) !== u(arg))
                continue;
            if (base === KERN_PROC_RUID && u(ucredFailed ? 0 : cred.cr_ruid) !== u(arg))
                continue;
            // 6. sigacts, 7. parent, 8. reaper
            if (fatalOf('sigacts'))
                continue;
            if (p.p_oppid === 0 && p.p_pptr && fatalOf('pproc'))
                continue;
            if (hasReaper && p.p_reaper && fatalOf('reaper'))
                continue;
            // 9. pgrp, session, tty
            let sess = null;
            let tdev = NODEV;
            let pgid = 0;
            let sid = 0;
            if (p.p_pgrp || errBy.has('pgrp')) {
                if (fatalOf('pgrp'))
                    continue;
                if (fatalOf('session'))
                    continue;
                const pg = p.p_pgrp;
                pgid = pg.pg_id;
                sess = pg.pg_session;
                sid = sess.s_sid;
                if ((p.p_flag & P_CONTROLT) && (sess.s_ttyp || errBy.has('tty'))) {
                    if (fatalOf('tty'))
                        continue;
                    const tp = sess.s_ttyp;
                    tdev = 0n;
                    if (tp.t_dev) {
                        if (fatalOf('cdev'))
                            continue;
                        tdev = NODEV;
                    }
                    if (tp.t_pgrp && fatalOf('tpgrp'))
                        continue;
                    if (tp.t_session) {
                        if (fatalOf('tsession'))
                            continue;
                        sess = tp.t_session;
                    }
                }
            }
            // 10. vmspace (failure ignored: the previous process's values stay)
            const vmFailed = errBy.has('vmspace') || !p0.p_vmspace;
            if (!vmFailed)
                vm = p0.p_vmspace;
            // 11. second filter
            if (base === KERN_PROC_PGRP && pgid !== (arg | 0))
                continue;
            if (base === KERN_PROC_SESSION && sid !== (arg | 0))
                continue;
            if (base === KERN_PROC_TTY && !((p.p_flag & P_CONTROLT) && tdev === BigInt.asUintN(64, BigInt(arg | 0))))
                continue;
            // 13. emulation name (failures ignored: the local keeps what it held)
            const svFailed = errBy.has('sysentvec') || !p.p_sysent;
            if (!svFailed)
                svname = src.rawString('sv_name', p.p_sysent, 16) ?? svname;
            if (p.p_threads.length === 0) {
                if (!fatalOf('thread'))
                    errors.push({ code: 'read', object: 'thread', address: p.addr, pid: p.p_pid, message: `proc ${hex(p.addr)} (pid ${p.p_pid}) has no thread: no record` });
                continue;
            }
            const unavail = new Set(unavailGlobals);
            unionFields(unavail, [...missing].filter((k) => k !== 'vmspace' && k !== 'sysentvec'), layout);
            if (vmFailed)
                unionFields(unavail, ['vmspace'], layout);
            if (svFailed)
                unionFields(unavail, ['sysentvec'], layout);
            for (const f of read.unavailable ?? [])
                unavail.add(f);
            const unavailable = [...unavail];
            // 17. the thread loop, on one buffer zeroed per process
            K.zero();
            fillKinfoProc(ctxLive, p, L);
            const isZombie = p.p_state === PRS_ZOMBIE;
            const tds = isZombie || !perThread ? [p.p_threads[0]] : p.p_threads;
            const c = { k: K, live: L, p, td: null, first: true, g, src, sess, tdev, vm, svname, reaperPid: p.p_reaper ? p.p_reaper.p_pid : 0 };
            for (const td of tds) {
                if (em.count >= max)
                    break;
                if (perThread)
                    fillKinfoThread(ctxLive, td, L, true);
                for (const [s, e] of ranges)
                    K.bytes.set(L.bytes.subarray(s, e), s);
                c.td = isZombie ? null : td;
                for (const r of FIELD_RULES)
                    r.apply(c);
                if (ucredFailed)
                    for (const f of CRED_FIELDS)
                        zeroField(K, f);
                em.emit(p, addr, isZombie ? 0 : td.td_tid, td.addr, K.record(), unavailable);
                c.first = false;
            }
            if (!isZombie && perThread)
                fatalOf('thread');
        }
        for (const e of list.errors) {
            // A list that cannot be followed: the next proc read fails in libkvm; a cycle runs to the nprocs bound.
            errors.push(e);
            strictCheck(opts, errors, src);
            if (e.code === 'read')
                fatal ??= pct(LIBKVM_FATAL.proc, e.address);
        }
    }
    opts.onProgress?.(total, total);
    if (a.errors.some((e) => e.code === 'cycle'))
        notes.push('allproc loops: libkvm itself would run until the nprocs bound, repeating processes; the walk stopped at the first repeated address');
    if (!z)
        notes.push('libkvm lists allproc only (the kernel has no zombproc): zombies are not listed');
    const errbuf = fatal ?? (em.count === 0 ? '' : '');
    return result('libkvm', op, arg, layout, walked, em, errors, notes, { returnsNull: fatal !== undefined || em.count === 0, errbuf });
}
