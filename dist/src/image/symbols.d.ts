import { ElfFile, type ElfSymbol } from '../base/elf.ts';
import { type ByteSource } from '../base/source.ts';
import type { ImageArch, KernelImage } from './image.ts';
export interface NlistEntry {
    name: string;
    /** 0 when not found, as libkvm leaves an unfound entry. */
    value: bigint;
    found: boolean;
    size: number;
    type: number;
}
/**
 * A kernel's ELF symbol table (ELF32/ELF64, either byte order), looked up the way libkvm's
 * dead-kernel path does: libc `__fdnlist` matches a requested name exactly or with its leading
 * underscore removed, so `_allproc` finds `allproc`.
 */
export declare class KernelSymbols {
    readonly elf: ElfFile;
    private table?;
    constructor(src: ByteSource);
    static open(path: string): KernelSymbols;
    get file(): string;
    get elfClass(): 32 | 64;
    get littleEndian(): boolean;
    get machine(): number;
    /** The architecture the kernel was built for, from class and e_machine; undefined for others. */
    get arch(): ImageArch | undefined;
    private symtab;
    /** The symbol for `name`, trying the name as given and then without one leading underscore. */
    lookup(name: string): ElfSymbol | undefined;
    /** Like kvm_nlist: one entry per name, unfound ones with value 0. */
    nlist(names: readonly string[]): NlistEntry[];
    /** A symbol's value, or a KvmkitError naming the kernel file and the symbol. */
    value(name: string): bigint;
    close(): void;
}
/** What the typed reads need: a KernelImage, or a cache in front of one with the same errors. */
export type MemoryReader = Pick<KernelImage, 'read' | 'littleEndian' | 'pointerSize'>;
export declare function readI32(img: MemoryReader, va: bigint): number;
export declare function readU32(img: MemoryReader, va: bigint): number;
export declare function readU64(img: MemoryReader, va: bigint): bigint;
/** A kernel pointer: 4 bytes on i386, 8 on amd64/arm64. */
export declare function readPointer(img: MemoryReader, va: bigint): bigint;
/** A NUL-terminated string of at most `max` bytes (e.g. p_comm, MAXCOMLEN + 1). */
export declare function readCString(img: MemoryReader, va: bigint, max: number): string;
/** Address of a kernel symbol of the image's kernel. */
export declare function symbolAddress(img: KernelImage, name: string): bigint;
/** The `int` stored at a symbol (e.g. hz, dumptid, the exported proc_off_* offsets). */
export declare function readSymbolInt(img: KernelImage, name: string): number;
export declare function readSymbolU64(img: KernelImage, name: string): bigint;
export declare function readSymbolPointer(img: KernelImage, name: string): bigint;
