import type { ImageArch, ImageFormat } from './image.ts';
import { type KernelSymbolSpec } from './kernel-elf.ts';
import { type PageTables } from './pagetables.ts';
import { PhysMem } from './physmem.ts';
import type { Progress } from './sink.ts';
import type { PhysRange } from './sparse.ts';
export interface DumpBuilderOptions {
    arch: ImageArch;
    /** i386 only: PAE page tables (8-byte entries, 2 MiB superpages). */
    pae?: boolean;
    /** Physical memory as dump_avail ranges (page-aligned). Defaults model a small PC / arm64 VM. */
    ram?: PhysRange[];
    /** Bytes of kernel image (static data) mapped with superpages from the kernel's load address. */
    kernelImageSize?: bigint;
    /** amd64/arm64: page size used for the direct map (1 GiB by default, as the kernels do). */
    dmapPageSize?: bigint;
    /**
     * Physical ranges the builder's own allocations (page tables, allocKmem, allocDmap) must never
     * use: memory whose contents are placed at fixed addresses later, such as direct-map objects
     * written with writeVa at model addresses (pa = va − dmapbase).
     */
    reserved?: PhysRange[];
}
export interface WriteImageOptions {
    /** Minidump version (amd64 1–3, default 3; i386 1–2, default 2; arm64 1–3, default 2). */
    version?: number;
    msgbuf?: Uint8Array;
    onProgress?: Progress;
    /** End of the kernel VA the minidump page map covers (default: kvaEnd(), i.e. image and allocKmem). */
    kvaEnd?: bigint;
}
interface ArchLayout {
    /** Value of the kernel's `kernbase` symbol. */
    kernbase: bigint;
    /** VA and PA where the kernel image starts. */
    imageVa: bigint;
    imagePa: bigint;
    /** First VA of the page-granular kernel map (after the image on i386/arm64). */
    kmemVa: bigint;
    dmapbase?: bigint;
    dmapend?: bigint;
    dmapphys?: bigint;
}
/**
 * Build a kernel crash dump from scratch: physical memory, the kernel's page tables, kernel
 * objects placed at kernel virtual addresses, a kernel ELF with their symbols, and any container
 * format kvmkit reads. The three allocators mirror where a FreeBSD kernel keeps things:
 * static data in the kernel image (allocKva), page-granular kernel-map memory (allocKmem), and
 * direct-map memory as UMA hands out for single-page items such as struct proc (allocDmap).
 */
export declare class DumpBuilder {
    readonly arch: ImageArch;
    readonly mem: PhysMem;
    readonly pt: PageTables;
    readonly layout: ArchLayout;
    readonly pointerSize: 4 | 8;
    readonly littleEndian = true;
    private readonly symbols;
    private imageNext;
    private readonly imageEnd;
    private kmemNext;
    /** Highest end of a kernel-VA range mapped with mapVa (outside the image and the direct map). */
    private kvaTop;
    private arena?;
    constructor(o: DumpBuilderOptions);
    /** Static kernel data (like .data/.bss): a VA inside the kernel image, backed by the image's pages. */
    allocKva(size: number, align?: number): bigint;
    /** Page-granular kernel-map memory (like kmem_malloc): fresh physical pages mapped with 4 KiB pages. */
    allocKmem(size: number): bigint;
    /** Direct-map memory (amd64/arm64): physically contiguous fresh pages, returned as their DMAP VA. */
    allocDmap(size: number): bigint;
    /** Small kernel-map allocations (like malloc(9) from a kmem arena): packed into allocKmem pages. */
    kmalloc(size: number, align?: number): bigint;
    /** Whether va is a direct-map address (amd64/arm64). */
    isDmap(va: bigint): boolean;
    /**
     * Make [va, va+size) writable at that exact kernel VA. A direct-map VA needs nothing (its
     * physical address, va − dmapbase, must lie in RAM); any other VA gets fresh physical pages for
     * its unmapped 4 KiB pages, as the kernel map would, and the minidump page map grows to cover it.
     */
    mapVa(va: bigint, size: number): void;
    /** The direct-map VA of a physical address. */
    dmapVa(pa: bigint): bigint;
    translate(va: bigint): bigint | undefined;
    private paOf;
    /** Write bytes at a kernel VA, page by page through the builder's own page tables. */
    writeVa(va: bigint, bytes: Uint8Array): void;
    readVa(va: bigint, len: number): Uint8Array;
    private scalar;
    writeI32(va: bigint, v: number): void;
    writeU32(va: bigint, v: number): void;
    writeU64(va: bigint, v: bigint): void;
    writePointer(va: bigint, v: bigint): void;
    /** A NUL-padded char array of `size` bytes (e.g. p_comm[MAXCOMLEN + 1]). */
    writeCString(va: bigint, s: string, size: number): void;
    addSymbol(name: string, value: bigint, size?: number, type?: KernelSymbolSpec['type']): void;
    symbol(name: string): bigint;
    /** Allocate a static kernel object, fill it, and name it. Returns its VA. */
    defineObject(name: string, bytes: Uint8Array, align?: number): bigint;
    defineInt(name: string, v: number): bigint;
    defineU32(name: string, v: number): bigint;
    defineU64(name: string, v: bigint): bigint;
    definePointer(name: string, v: bigint): bigint;
    symbolList(): KernelSymbolSpec[];
    kernelElf(): Uint8Array;
    writeKernel(path: string): void;
    /** The formats this builder's arch can be written as. */
    formats(): ImageFormat[];
    /** End of kernel VA a minidump's page map must cover (image and kernel map, rounded to 4 MiB). */
    kvaEnd(): bigint;
    writeImage(path: string, format?: ImageFormat, o?: WriteImageOptions): void;
}
export {};
