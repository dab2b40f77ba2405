import { hex } from '../base/errors.ts';
import { DumpBuilder } from '../image/builder.ts';
import type { ImageFormat } from '../image/image.ts';
import type { Progress } from '../image/sink.ts';
import type { PhysRange } from '../image/sparse.ts';
import type { KernelModel } from '../kernel/model.ts';
/**
 * Model → kernel memory image. Every model object is laid out with the kernel-struct layouts
 * (layouts/kernel/) through a RecordView and written at its model address into a DumpBuilder;
 * lists are linked with real pointers (LIST_ENTRY le_next/le_prev, TAILQ tqe_next/tqe_prev,
 * tqh_last), strings are written where the kernel keeps them (inline char arrays NUL-padded;
 * td_wmesg, td_lockname and sv_name as pointers to NUL-terminated strings in the kernel image's
 * read-only data), and the globals a dump reader needs are defined as kernel symbols.
 *
 * What the writer adds that the model does not hold (documented so a reader does not mistake it
 * for model data): a `struct ktr_io_params` per ktrace vnode (p_ktrioparms → vp), a turnstile per
 * lock name for threads blocked on a lock (td_blocked ≠ NULL exactly when TDI_LOCK is set, as
 * turnstile_wait leaves it), td_ucred = td_realucred = p_ucred, p_leader = p, sq_proc, P_MAGIC,
 * the reference counts (1), and an out-of-line cr_groups array when a credential has more than
 * CRED_SMALLGROUPS_NB supplementary groups. Opaque objects (vnode, pargs, filedesc, pwddesc) get
 * addresses but no contents.
 */
export declare const P_MAGIC = 3203398350;
export interface WriteModelOptions {
    revision?: string;
    /** The crashing thread's id (`dumptid`); default: the first thread of the newest process. */
    dumptid?: number;
}
export interface WriteSummary {
    revision: string;
    objects: number;
    bytes: number;
    procs: number;
    threads: number;
    symbols: number;
    dumptid: number;
}
/**
 * Physical memory for a model's image: low memory for the kernel image, page tables and kernel
 * map; then, on direct-map arches, one dump_avail range per zone in use covering the used part
 * of the zone (pa = va − dmapbase), with holes between them; then a spare range. The zone ranges
 * are reserved so the builder's own allocations never land on model objects.
 */
export declare function planPhysicalMemory(model: KernelModel): {
    ram: PhysRange[];
    reserved: PhysRange[];
};
/** A DumpBuilder sized for a model (its arch, RAM and reservations). i386 uses PAE unless told otherwise. */
export declare function builderForModel(model: KernelModel, opts?: {
    pae?: boolean;
}): DumpBuilder;
/** Write a whole model into a builder: objects, lists, strings and symbols. */
export declare function writeModel(model: KernelModel, b: DumpBuilder, opts?: WriteModelOptions): WriteSummary;
/** The crashing thread by default: a running thread if there is one, else the newest process's first thread. */
export declare function defaultDumptid(model: KernelModel): number;
export interface BuildImageOptions extends WriteModelOptions {
    format: ImageFormat;
    /** Output paths. */
    vmcore: string;
    kernel: string;
    /** Minidump version (writer default when absent). */
    version?: number;
    /** i386: PAE page tables (default true). */
    pae?: boolean;
    onProgress?: Progress;
}
export interface BuildImageResult extends WriteSummary {
    format: ImageFormat;
    pages: number;
}
/** Model → vmcore + kernel ELF, in one call. */
export declare function buildImage(model: KernelModel, o: BuildImageOptions): BuildImageResult;
export { hex };
