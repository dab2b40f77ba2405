import type { ImageArch } from './image.ts';
export interface KernelSymbolSpec {
    name: string;
    value: bigint;
    size?: number;
    /** STT_OBJECT by default. */
    type?: 'object' | 'func' | 'notype';
    /** STB_GLOBAL by default. */
    bind?: 'global' | 'local';
}
export interface KernelElfOptions {
    arch: ImageArch;
    symbols: readonly KernelSymbolSpec[];
    /** Override the byte order (the kernels kvmkit reads are little-endian; big-endian tests the reader). */
    littleEndian?: boolean;
    /** Override class / machine (to build kernels libkvm would refuse). */
    elfClass?: 32 | 64;
    machine?: number;
    entry?: bigint;
}
export declare function archElf(arch: ImageArch): {
    elfClass: 32 | 64;
    machine: number;
};
/**
 * A kernel ELF reduced to what a dump reader needs: ET_EXEC with the arch's class and machine and
 * a symbol table (sections: null, .data, .symtab, .strtab, .shstrtab). Symbols are defined in
 * .data so lookups treat them as defined; their contents live in the dump, not here.
 */
export declare function buildKernelElf(o: KernelElfOptions): Uint8Array;
export declare function writeKernelElf(path: string, o: KernelElfOptions): void;
