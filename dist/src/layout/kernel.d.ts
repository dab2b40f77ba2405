import { type ArchName } from './defs.ts';
import { type StructLayout } from './engine.ts';
/**
 * The kernel-struct layouts of one (arch, revision): the set layouts/kernel/<name>.json named by
 * the revision's `"kernel"` key, laid out by the ordinary layout engine. Every revision of
 * layouts/revisions/ names the same set ("fbsd"): the kernel structs kvmkit models do not differ
 * between them (all have p_reaper/p_reapsubtree; only kinfo_proc differs).
 */
export declare const KERNEL_STRUCTS: readonly ["proc", "thread", "td_sched", "pgrp", "session", "ucred", "prison", "loginclass", "tty", "cdev", "cdev_priv", "sigacts", "vmspace", "pstats", "sysentvec", "ktr_io_params", "list_head_proc", "timeval"];
export type KernelStruct = (typeof KERNEL_STRUCTS)[number];
/** The revision used where none is given (address assignment, CLI default). */
export declare const DEFAULT_KERNEL_REVISION = "fbsd15";
export interface KernelLayouts {
    arch: ArchName;
    revision: string;
    /** The layout set name (layouts/kernel/<set>.json). */
    set: string;
    pointerSize: 4 | 8;
    littleEndian: boolean;
    structs: Record<KernelStruct, StructLayout>;
    /** Bytes of one thread zone item: struct thread followed by its td_sched (td_get_sched(td) = &td[1]). */
    threadItemSize: number;
    /** Offset of a (possibly nested) leaf, e.g. off('proc', 'p_list.le_next'). */
    off(struct: KernelStruct, path: string): number;
}
export declare function kernelLayouts(arch: string, revision?: string): KernelLayouts;
/** The offsets the kernel exports about itself (`const int proc_off_*` / `thread_off_*`), from the layouts. */
export declare function exportedOffsets(kl: KernelLayouts): Record<string, number>;
