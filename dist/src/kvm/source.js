import { hex } from "../base/errors.js";
import { TDI_LOCK } from "../kernel/constants.js";
export function errorText(e) {
    return `${e.message}${e.address !== undefined && !e.message.includes(hex(e.address)) ? ` (address ${hex(e.address)})` : ''}${e.pid !== undefined ? ` [pid ${e.pid}]` : ''}`;
}
function latin1(s, len) {
    const out = new Uint8Array(len);
    out.set(Buffer.from(s, 'latin1').subarray(0, len));
    return out;
}
/**
 * The in-memory model as a process source. Symbols are given plausible addresses; strings lie in
 * memory NUL-padded (what a zeroing allocator leaves), so libkvm's raw copies see zeros after the
 * NUL.
 */
export function modelSource(model, revision, faults = {}) {
    const byAddr = new Map();
    for (const p of model.procs.values())
        byAddr.set(p.addr, p);
    for (const p of model.allproc)
        byAddr.set(p.addr, p);
    const bad = new Set(faults.unreadable ?? []);
    const hidden = new Set(faults.hideSymbols ?? []);
    const SYMS = ['allproc', 'nprocs', 'ticks', 'hz', 'cpu_tick_frequency', 'pidhashtbl', 'pidhash', 'pidhashlock', 'maxproc', 'boottimebin', 'prison0', 'proc0'];
    if (faults.zombproc)
        SYMS.push('zombproc');
    const symtab = new Map(SYMS.filter((s) => !hidden.has(s)).map((s, i) => [s, 0xffffffff81c00000n + BigInt(i) * 0x40n]));
    const err = (object, o, pid) => ({ code: 'read', object, address: o?.addr ?? 0n, pid, message: `cannot read ${object} at ${hex(o?.addr ?? 0n)}` });
    const list = (procs, loop) => {
        const addrs = procs.map((p) => p.addr);
        const errors = [];
        if (loop && loop.after < addrs.length) {
            const to = addrs[loop.to];
            addrs.length = loop.after + 1;
            errors.push({ code: 'cycle', object: 'list', address: to, message: `allproc list loops back to proc ${hex(to)}` });
        }
        for (let i = 0; i < addrs.length; i++) {
            // A proc whose p_list link is unreadable ends the list there.
            if (bad.has(addrs[i])) {
                errors.push(err('proc', procs[i]));
                addrs.length = i + 1;
                break;
            }
        }
        return { addrs, errors };
    };
    return {
        kind: 'model',
        arch: model.arch,
        revision,
        name: 'in-memory model',
        model,
        unavailableGlobals: [],
        symbol: (name) => symtab.get(name.replace(/^_/, '')),
        allproc: () => list(model.allproc, faults.allprocLoopAfter !== undefined ? { after: faults.allprocLoopAfter, to: faults.allprocLoopTo ?? 0 } : undefined),
        zombproc: () => (faults.zombproc ? list([...model.procs.values()].filter((p) => p.p_state === 2 && !model.allproc.includes(p))) : null),
        pidhash: () => (hidden.has('pidhashtbl') ? null : { buckets: model.pidhashtbl.length, bucket: (j) => list(model.pidhashtbl[j]) }),
        readProc(addr) {
            const p = byAddr.get(addr);
            if (!p || bad.has(addr))
                return { addr, errors: [{ code: 'read', object: 'proc', address: addr, message: `cannot read proc at ${hex(addr)}` }] };
            if (!bad.size && faults.threadLoopPid === undefined)
                return { addr, proc: p, errors: [] };
            const tty = p.p_pgrp?.pg_session.s_ttyp;
            const touched = [p.p_ucred, p.p_sigacts, p.p_vmspace, p.p_pgrp, p.p_sysent, p.p_stats, p.p_pgrp?.pg_session, tty, ...p.p_threads].some((o) => o && bad.has(o.addr));
            if (!touched && faults.threadLoopPid !== p.p_pid)
                return { addr, proc: p, errors: [] };
            // Faulty objects are returned as null (a reader that could not read them), on a shallow copy
            // (so identity tests such as s_leader === p fail for this process only, as for a re-read proc).
            const errors = [];
            const q = { ...p };
            const pid = p.p_pid;
            const drop = (k, object) => {
                const o = q[k];
                if (o && bad.has(o.addr)) {
                    errors.push(err(object, o, pid));
                    q[k] = null;
                }
            };
            drop('p_ucred', 'ucred');
            drop('p_sigacts', 'sigacts');
            drop('p_vmspace', 'vmspace');
            drop('p_pgrp', 'pgrp');
            drop('p_sysent', 'sysentvec');
            drop('p_stats', 'pstats');
            const ti = p.p_threads.findIndex((td) => bad.has(td.addr));
            if (ti >= 0) {
                errors.push(err('thread', p.p_threads[ti], pid));
                q.p_threads = p.p_threads.slice(0, ti);
            }
            if (faults.threadLoopPid === pid && p.p_threads.length) {
                errors.push({ code: 'cycle', object: 'thread', address: p.p_threads[0].addr, pid, message: `p_threads list loops back to thread ${hex(p.p_threads[0].addr)}` });
            }
            if (q.p_pgrp) {
                const s = q.p_pgrp.pg_session;
                if (bad.has(s.addr)) {
                    errors.push(err('session', s, pid));
                    q.p_pgrp = { ...q.p_pgrp, pg_session: null };
                }
                else if (s.s_ttyp && bad.has(s.s_ttyp.addr)) {
                    errors.push(err('tty', s.s_ttyp, pid));
                    q.p_pgrp = { ...q.p_pgrp, pg_session: { ...s, s_ttyp: null } };
                }
            }
            return { addr, proc: q, errors };
        },
        rawString(which, owner, len) {
            if (bad.has(owner.addr))
                return undefined;
            switch (which) {
                case 'td_wmesg': return latin1(owner.td_wmesg ?? '', len);
                case 'td_lockname': return latin1(owner.td_lockname ?? '', len);
                case 's_login': return latin1(owner.s_login, len);
                case 'sv_name': return latin1(owner.sv_name, len);
            }
        },
        // turnstile_wait sets td_blocked and TDI_LOCK together; the model keeps only the inhibitor.
        tdBlocked: (td) => ((td.td_inhibitors & TDI_LOCK) !== 0 ? 0xfffff80000a00000n + BigInt(td.td_tid) * 0x80n : 0n),
        close() { },
    };
}
