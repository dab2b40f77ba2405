import type { KernelImage } from '../image/image.ts';
/**
 * Kernel memory as the reader sees it: `load(va, len)` makes `len` bytes at `va` readable at
 * `buf[off …]` / `dv` (the returned offset) without copying when it can.
 *
 * - Translation: each virtual page is translated once (KernelImage.translate) and its file offset
 *   kept in a direct-mapped table (64k slots, 1 MiB); a page that does not translate, is not wholly in the file, or whose
 *   translation covers less than the page, goes through KernelImage.read instead, which reads it
 *   the libkvm way and throws the same errors as ever.
 * - File bytes: a bounded cache of fixed-size file chunks (CLOCK replacement over a ring, buffers recycled, so a
 *   long walk allocates nothing once the cache is full). Kernel objects of one zone sit in
 *   consecutive physical pages, which minidumps and full dumps store in ascending order, so the
 *   pid-hash walk's neighbouring objects are usually one chunk.
 * - A range that is contiguous in the file and inside one chunk is served from the chunk itself;
 *   anything else is assembled in a scratch buffer.
 *
 * The bytes stay valid until the next load: decode them before reading anything else.
 */
export declare class KernelMemory {
    readonly img: KernelImage;
    buf: Uint8Array;
    dv: DataView;
    private readonly src;
    private readonly P;
    private readonly shift;
    /** log2(P), and the page numbers per 2^32 bytes (vpn = hi · hiPages + (lo >>> pageBits)). */
    private readonly pageBits;
    private readonly hiPages;
    /** Direct-mapped translation cache: slot vpn mod size holds (vpn, file offset of the page or -1). */
    private readonly xTag;
    private readonly xOff;
    private readonly xMask;
    /** The 4 GiB block [hiBase, hiEnd) of the last load and its first page number (va >> 32n costs as much as the rest of a load). */
    private hiBase;
    private hiEnd;
    private hiVpn;
    private readonly C;
    private readonly maxChunks;
    /**
     * The chunk ring as parallel arrays (slot i: file chunk number ringKey[i], its bytes, their
     * length, CLOCK's used bit) and an index chunk number → slot (open addressing, linear probing,
     * deletion by backward shift). A Map<number, Chunk> lookup plus the Chunk object cost ~40% more.
     */
    private readonly ringBytes;
    private readonly ringDv;
    private readonly ringKey;
    private readonly ringLen;
    private readonly ringUsed;
    private ringSize;
    private readonly idxKey;
    private readonly idxSlot;
    private readonly idxMask;
    private readonly idxShift;
    private hand;
    private slab;
    private slabLeft;
    private scratch;
    private scratchDv;
    /** Counters for benches and tests. */
    readonly stats: {
        loads: number;
        chunkMisses: number;
        translations: number;
        slow: number;
        copies: number;
    };
    constructor(img: KernelImage, cacheBytes?: number, chunkSize?: number, xlatSlots?: number);
    /** Make [va, va + len) readable at this.buf / this.dv; returns the offset of va there. */
    load(va: bigint, len: number): number;
    /**
     * A struct of `size` bytes at va of which only [lo, lo + len) is needed: every page of the
     * struct must be readable, but only the needed bytes are brought in. Returns the offset of va in
     * this.buf (it may be negative when lo > 0: only offsets lo … lo + len - 1 past it are valid).
     */
    loadPart(va: bigint, size: number, lo: number, len: number): number;
    /** A copy of [va, va + len) (KernelImage.read semantics and errors). */
    read(va: bigint, len: number): Uint8Array;
    /** Drop the translation and chunk caches. */
    clear(): void;
    /** File offset of virtual page `vpn`'s first byte, or -1 when the page must be read the slow way. */
    private pageFile;
    private fileSpan;
    /** The ring slot holding file chunk c, read in when it is not there. */
    private chunk;
    private home;
    private find;
    private index;
    private unindex;
    private readSource;
    private slow;
    private ensureScratch;
}
