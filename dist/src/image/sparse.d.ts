import type { ByteSource } from '../base/source.ts';
import { BaseImage, type ImageInfo, type PresentPage } from './image.ts';
/** One `dump_avail` pair: physical memory [start, end). */
export interface PhysRange {
    start: bigint;
    end: bigint;
}
/**
 * The minidump page set shared by every minidump format (libkvm's `_kvm_pt_init`, `_kvm_pa_bit_id`,
 * `_kvm_pt_find`): a bitmap of physical pages numbered through the `dump_avail` ranges, and the
 * stored pages in ascending bit order from `sparseOff`. Only the bitmap and its popcount prefix
 * sums (one per 8 bitmap bytes, 1/2 of the bitmap's size) are kept in memory; page bytes stay in
 * the file.
 */
export declare class SparsePageSet {
    private readonly src;
    readonly bitmapOff: number;
    readonly sparseOff: number;
    readonly pageSize: number;
    readonly bitmap: Uint8Array;
    readonly ranges: PhysRange[];
    readonly count: number;
    private readonly bins;
    private readonly P;
    /** Per range, as page numbers: first page, pages spanned (libkvm's ceil(end/P) - start/P). */
    private readonly rStart;
    private readonly rLen;
    constructor(src: ByteSource, bitmapOff: number, bitmapSize: number, sparseOff: number, pageSize: number, ranges: PhysRange[]);
    /**
     * libkvm's bit id of a physical address: no lower-bound check, unsigned 64-bit arithmetic, so
     * an address in a hole between ranges can alias a page of an earlier range (reproduced on purpose).
     */
    bitId(pa: bigint): bigint | undefined;
    /** File offset of the page holding `pa`, or undefined when the page is not stored. */
    offset(pa: bigint): number | undefined;
    /** Stored pages in file order, with the physical address each bit id stands for. */
    pages(): IterableIterator<PresentPage>;
}
export declare function ceilDiv(a: bigint, b: bigint): bigint;
/**
 * dump_avail pairs from the minidump's copy (u64 little-endian), ended by the first pair whose end
 * is 0, as libkvm reads them. v1 dumps have none: libkvm assumes [0, bitmapsize·8·P).
 */
export declare function readDumpAvail(src: ByteSource, off: number, size: number, bitmapSize: number, pageSize: number): PhysRange[];
/** Region offsets of a minidump (same rule on every architecture; every region page-rounded). */
export interface MinidumpLayout {
    msgbufOff: number;
    dumpAvailOff: number;
    bitmapOff: number;
    pmapOff: number;
    sparseOff: number;
}
export declare function minidumpLayout(P: number, msgbufsize: number, dumpavailsize: number, bitmapsize: number, pmapsize: number): MinidumpLayout;
/** The page-map region must be wholly in the file: libkvm reads it at open ("cannot read … for page map"). */
export declare function checkPmap(src: ByteSource, off: number, size: number): void;
/** The minidump magic is compared with strncmp over 24 bytes: the string, then a NUL. */
export declare function magicMatches(head: Uint8Array, magic: string): boolean;
/**
 * The part every minidump format shares: the header's magic and version checks (libkvm's
 * messages), the region layout, dump_avail, the page bitmap and the page-map bounds check.
 */
export declare function minidumpPreamble(src: ByteSource, headerSize: number, magic: string, maxVersion: number, versionWord?: string): {
    v: DataView;
    version: number;
};
export interface MinidumpRegionSizes {
    msgbufsize: number;
    dumpavailsize: number;
    bitmapsize: number;
}
export declare function minidumpRegions(src: ByteSource, pageSize: number, h: MinidumpRegionSizes, pmapsize: number): {
    layout: MinidumpLayout;
    pages: SparsePageSet;
};
/** info/physOffset/presentPages of a minidump: the sparse page set answers all three. */
export declare abstract class MinidumpImage extends BaseImage {
    abstract readonly hdr: {
        version: number;
    };
    layout: MinidumpLayout;
    pages: SparsePageSet;
    info(): ImageInfo;
    physOffset(pa: bigint): number | undefined;
    presentPages(): Iterable<PresentPage>;
}
