import { KERN_PROC_PID } from '../kernel/constants.ts';
import type { KernelModel } from '../kernel/model.ts';
import type { KernelImage } from '../image/image.ts';
import type { NlistEntry } from '../image/symbols.ts';
import { type ModelFaults, type ProcessSource } from './source.ts';
import { type GetProcsOptions, type GetProcsResult } from './walk.ts';
/**
 * The libkvm-shaped handle: `openKvm(vmcore, kernel)` (an image) or `kvmFromModel(model)` (an
 * in-memory system), then `kd.getProcs(op, arg, opts)`, `kd.nlist(names)`, `kd.read(va, len)`,
 * `kd.close()`.
 *
 * An image is read through kstruct's reader (src/kstruct/, which owns the kernel struct layouts)
 * when that reader recognises the kernel; otherwise — the real FreeBSD dumps of the corpus, whose
 * kernel carries no layouts, only the offsets it exports about itself — through the
 * exported-offsets walk (./threads.ts): pid, comm and the threads are known, every other field is
 * reported unavailable rather than passed off as zero.
 */
export interface Kd {
    /** 'model', 'image' (kstruct reader) or 'exported-offsets'. */
    readonly kind: ProcessSource['kind'];
    readonly revision: string;
    readonly arch: string;
    readonly source?: ProcessSource;
    readonly image?: KernelImage;
    getProcs(op: number, arg?: number, opts?: GetProcsOptions): GetProcsResult;
    nlist(names: readonly string[]): NlistEntry[];
    read(va: bigint, len: number): Uint8Array;
    /** kvm_geterr(): the last walk's libkvm error text ('' when none). */
    geterr(): string;
    close(): void;
}
export interface OpenKvmOptions {
    /** Layout revision of the kernel (fbsd14, fbsd15, fbsd15-reaper). Default: what the reader detects, else fbsd14. */
    revision?: string;
    /** Force the reader: kstruct (full layouts) or exported (offsets only). Default: kstruct when it recognises the kernel. */
    reader?: 'auto' | 'kstruct' | 'exported';
}
/** A kd over an in-memory model (development and the equivalence suite). */
export declare function kvmFromModel(model: KernelModel, revision: string, faults?: ModelFaults): Kd;
/** A kd over any process source. */
export declare function kvmFromSource(src: ProcessSource, img?: KernelImage): Kd;
/** kvm_open2 for a dead kernel: the image, then the best reader for it. */
export declare function openKvm(vmcore: string, kernel: string, opts?: OpenKvmOptions): Promise<Kd>;
/** The record fields the exported-offsets walk recovers (everything else is unavailable). */
export declare const EXPORTED_FIELDS: string[];
/**
 * Records from the exported offsets: pid, comm, the proc and thread addresses, tid, thread name
 * and oncpu are written; all other bytes stay 0 and are listed in `unavailable`.
 */
export declare function exportedGetProcs(img: KernelImage, revision: string, op: number, arg: number, opts: GetProcsOptions): GetProcsResult;
export { KERN_PROC_PID };
