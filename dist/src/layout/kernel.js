import { KvmkitError } from "../base/errors.js";
import { archDef, loadRevision } from "./defs.js";
import { getLayout } from "./engine.js";
/**
 * The kernel-struct layouts of one (arch, revision): the set layouts/kernel/<name>.json named by
 * the revision's `"kernel"` key, laid out by the ordinary layout engine. Every revision of
 * layouts/revisions/ names the same set ("fbsd"): the kernel structs kvmkit models do not differ
 * between them (all have p_reaper/p_reapsubtree; only kinfo_proc differs).
 */
export const KERNEL_STRUCTS = [
    'proc', 'thread', 'td_sched', 'pgrp', 'session', 'ucred', 'prison', 'loginclass', 'tty', 'cdev', 'cdev_priv',
    'sigacts', 'vmspace', 'pstats', 'sysentvec', 'ktr_io_params', 'list_head_proc', 'timeval',
];
/** The revision used where none is given (address assignment, CLI default). */
export const DEFAULT_KERNEL_REVISION = 'fbsd15';
const cache = new Map();
export function kernelLayouts(arch, revision = DEFAULT_KERNEL_REVISION) {
    const key = `${arch}/${revision}`;
    const hit = cache.get(key);
    if (hit)
        return hit;
    const rev = loadRevision(revision);
    if (!rev.kernel)
        throw new KvmkitError(`revision ${revision} names no kernel layout set ("kernel" key)`, { revision, arch });
    const a = archDef(arch);
    const structs = {};
    for (const s of KERNEL_STRUCTS)
        structs[s] = getLayout(s, arch, revision);
    const offCache = new Map();
    const kl = {
        arch: arch,
        revision,
        set: rev.kernel,
        pointerSize: a.types.pointer[0],
        littleEndian: a.endian === 'little',
        structs,
        threadItemSize: structs.thread.size + structs.td_sched.size,
        off(struct, path) {
            const k = `${struct}.${path}`;
            let o = offCache.get(k);
            if (o === undefined) {
                const l = structs[struct];
                o = path.includes('.') || path.includes('[') ? l.leaf(path).offset : l.field(path).offset;
                offCache.set(k, o);
            }
            return o;
        },
    };
    cache.set(key, kl);
    return kl;
}
/** The offsets the kernel exports about itself (`const int proc_off_*` / `thread_off_*`), from the layouts. */
export function exportedOffsets(kl) {
    return {
        proc_off_p_list: kl.off('proc', 'p_list'),
        proc_off_p_pid: kl.off('proc', 'p_pid'),
        proc_off_p_threads: kl.off('proc', 'p_threads'),
        proc_off_p_comm: kl.off('proc', 'p_comm'),
        thread_off_td_tid: kl.off('thread', 'td_tid'),
        thread_off_td_plist: kl.off('thread', 'td_plist'),
        thread_off_td_oncpu: kl.off('thread', 'td_oncpu'),
        thread_off_td_name: kl.off('thread', 'td_name'),
    };
}
