import type { PhysMem } from './physmem.ts';
export declare const KiB4: bigint, MiB2: bigint, MiB4: bigint, GiB1: bigint;
/**
 * Page-table builders that write real page-table pages into PhysMem, so the tables end up in the
 * dump exactly where a kernel's would be and writers/readers walk them as libkvm does.
 * Each builder also translates (for writers and for checking placement) without touching a dump.
 */
export interface PageTables {
    /** Map [va, va+size) to [pa, pa+size) with one page of the given size. */
    map(va: bigint, pa: bigint, size: bigint): void;
    /** Physical address of va, or undefined when unmapped. */
    translate(va: bigint): bigint | undefined;
    /** Page sizes this architecture can map. */
    readonly pageSizes: readonly bigint[];
}
/** Map a range with the largest pages alignment allows (used for direct maps and kernel images). */
export declare function mapRange(pt: PageTables, va: bigint, pa: bigint, size: bigint, maxPage?: bigint): void;
export declare const X86_PG_V = 1n, X86_PG_RW = 2n, X86_PG_A = 32n, X86_PG_M = 64n, X86_PG_PS = 128n;
export declare class Amd64PageTables implements PageTables {
    readonly mem: PhysMem;
    readonly pml4: bigint;
    readonly pageSizes: readonly [bigint, bigint, bigint];
    constructor(mem: PhysMem, pml4?: bigint);
    /** The entry address at `level` (4 = PML4 … 1 = PT) for va, creating tables down to it. */
    private slot;
    map(va: bigint, pa: bigint, size: bigint): void;
    /** The raw entry of va at `level` (4…1), or undefined when a level above is missing or a large page ends the walk earlier. */
    entry(va: bigint, level: number): bigint | undefined;
    translate(va: bigint): bigint | undefined;
}
export declare class I386PageTables implements PageTables {
    readonly mem: PhysMem;
    readonly pae: boolean;
    /** Non-PAE: the page directory. PAE: the first of 4 contiguous page-directory pages (IdlePTD_pae). */
    readonly ptd: bigint;
    /** PAE only: the page-directory-pointer table. */
    readonly pdpt?: bigint;
    readonly pageSizes: readonly bigint[];
    private readonly esz;
    private readonly pdShift;
    constructor(mem: PhysMem, pae: boolean);
    private readE;
    private writeE;
    private pdeAddr;
    /** The page-directory entry covering va (what the minidump writer walks). */
    pde(va: bigint): bigint;
    map(va: bigint, pa: bigint, size: bigint): void;
    translate(va: bigint): bigint | undefined;
}
export declare const ARM64_ATTR_AF = 1024n, ARM64_ATTR_SH_IS = 768n;
export declare const ARM64_L0_TABLE = 3n, ARM64_BLOCK = 1n, ARM64_L3_PAGE = 3n;
export declare class Arm64PageTables implements PageTables {
    readonly mem: PhysMem;
    readonly l0: bigint;
    readonly pageSizes: readonly [bigint, bigint, bigint];
    constructor(mem: PhysMem);
    private idx;
    /** The entry address at `level` (0…3), creating table descriptors down to it. */
    private slot;
    map(va: bigint, pa: bigint, size: bigint): void;
    /** Walk to va: the last descriptor and its level, or undefined when a level is invalid. */
    walk(va: bigint): {
        level: number;
        desc: bigint;
    } | undefined;
    /** The L3 table page of va when its L2 entry is a table, for the minidump writer's copy. */
    l3Table(va: bigint): bigint | undefined;
    translate(va: bigint): bigint | undefined;
}
