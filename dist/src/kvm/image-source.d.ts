import type { KernelImage } from '../image/image.ts';
import type { KernelModel } from '../kernel/model.ts';
import { KernelReader } from '../kstruct/index.ts';
import type { ProcessSource } from './source.ts';
/**
 * A crash-dump image as a process source, through kstruct's reader (src/kstruct/read.ts). Every
 * struct is read through kstruct's layouts; this adapter only decides, per process, which objects
 * could be read: it touches the members the fill path needs, and replaces each one that fails
 * with null (reporting object kind and address), so the walker can fill what memory gives and
 * name the rest unavailable. Lists (allproc, pid-hash buckets) are followed link by link here so
 * that a bad link or a cycle keeps the part before it.
 */
export interface ImageSourceOptions {
    revision?: string;
    /** Objects kept in the reader's cache between processes (default 2000: a long walk's memory stays flat; measured faster than 20 000). */
    cacheLimit?: number;
}
/** Does this image hold kstruct-laid-out kernel memory? (struct proc's p_magic == P_MAGIC on the first allproc entry.) */
export declare function kstructRecognises(r: KernelReader): boolean;
export declare function imageSource(img: KernelImage, opts?: ImageSourceOptions): ProcessSource;
/** openKvm's hook: a source when kstruct's layouts describe this kernel's memory, else undefined. */
export declare function kstructSource(img: KernelImage, opts: {
    revision?: string;
}): ProcessSource | undefined;
/** The bench's hook: model → vmcore + kernel files through kstruct's writer. */
export declare function buildImageFiles(model: KernelModel, o: {
    core: string;
    kernel: string;
    format: string;
    revision: string;
}): void;
