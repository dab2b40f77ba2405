import type { PhysRange } from './sparse.ts';
export declare const PAGE_SIZE = 4096;
/**
 * Sparse physical memory for building dumps: 4 KiB pages inside a `dump_avail` list of ranges,
 * with holes between them. A page is either absent (not in the dump), present and zero (no
 * storage; lets a builder describe hundreds of MB cheaply), or present with bytes. Writers read
 * pages from here one at a time and stream them to the output.
 */
export declare class PhysMem {
    readonly littleEndian: boolean;
    readonly dumpAvail: PhysRange[];
    /** pfn → bytes, or null for a present page of zeros. */
    private readonly pages;
    private allocRange;
    private allocNext;
    private static readonly ZERO;
    constructor(ranges: readonly PhysRange[], littleEndian?: boolean);
    /** Whether pa lies inside a dump_avail range (only such pages can be stored). */
    isAvail(pa: bigint): boolean;
    private pfnOf;
    isPresent(pa: bigint): boolean;
    /**
     * Put pages in the dump without giving them content (they read as zeros). Such pages stay free
     * for the allocator, as a real dump includes free memory: marking all RAM present and then
     * allocating from it is the cheap way to build a large image.
     */
    markPresent(pa: bigint, len?: number): void;
    /** Take a page out of the dump (to model pages a minidump left out). */
    omit(pa: bigint): void;
    /** Write bytes at a physical address; the pages touched become present. */
    write(pa: bigint, bytes: Uint8Array): void;
    /** Bytes at a physical address; absent pages read as zeros. */
    read(pa: bigint, len: number): Uint8Array;
    writeU64(pa: bigint, v: bigint): void;
    readU64(pa: bigint): bigint;
    writeU32(pa: bigint, v: number | bigint): void;
    readU32(pa: bigint): number;
    /**
     * A fresh zeroed page, present in the dump: the lowest free page at or after the allocator's
     * cursor. Pages that hold bytes (written or allocated) are skipped, so explicit placement and
     * allocation mix; zero pages from markPresent count as free.
     */
    allocPage(): bigint;
    /** `n` physically contiguous free pages aligned to `alignPages` pages, all present and zero. */
    allocContig(n: number, alignPages?: number): bigint;
    /** Restart allocation at `pa` (e.g. to keep page tables away from a region a test places by hand). */
    setAllocCursor(pa: bigint): void;
    /** Page frame numbers of present pages, ascending (the order every format stores them in). */
    presentPfns(): number[];
    get presentCount(): number;
    /** The 4 KiB of page `pfn` (zeros for absent or zero pages). Do not modify the result. */
    pageBytes(pfn: number): Uint8Array;
}
