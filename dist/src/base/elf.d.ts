import type { ByteSource } from './source.ts';
/** ELF constants kvmkit needs (values from the ELF gABI and FreeBSD's sys/elf_common.h). */
export declare const ET_EXEC = 2, ET_CORE = 4;
export declare const PT_LOAD = 1, PT_NOTE = 4;
export declare const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_DYNSYM = 11;
export declare const EM_386 = 3, EM_PPC = 20, EM_PPC64 = 21, EM_ARM = 40, EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243;
export declare const ELFOSABI_FREEBSD = 9;
export interface ElfHeader {
    class: 32 | 64;
    littleEndian: boolean;
    osabi: number;
    type: number;
    machine: number;
    entry: bigint;
    phoff: number;
    shoff: number;
    phentsize: number;
    phnum: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
}
export interface ProgramHeader {
    type: number;
    flags: number;
    offset: number;
    vaddr: bigint;
    paddr: bigint;
    filesz: number;
    memsz: number;
    align: number;
}
export interface SectionHeader {
    name: string;
    type: number;
    flags: bigint;
    addr: bigint;
    offset: number;
    size: number;
    link: number;
    entsize: number;
}
export interface ElfSymbol {
    name: string;
    value: bigint;
    size: number;
    type: number;
    bind: number;
    shndx: number;
}
export interface ElfNote {
    name: string;
    type: number;
    desc: Uint8Array; /** file offset of desc */
    descOffset: number;
}
/** Fixed-width reads in the file's byte order. */
export declare class Reader {
    readonly bytes: Uint8Array;
    readonly le: boolean;
    readonly view: DataView;
    constructor(bytes: Uint8Array, le: boolean);
    u8(o: number): number;
    u16(o: number): number;
    u32(o: number): number;
    i32(o: number): number;
    u64(o: number): bigint;
    /** A u64 used as a file offset or size: refused when it cannot be a JS number. */
    u64n(o: number, what: string): number;
}
/**
 * An ELF file read lazily through a ByteSource: headers on open, sections and notes on demand.
 * Used for kernels (symbol tables), full dumps (PT_LOAD of physical memory) and user cores (notes).
 */
export declare class ElfFile {
    readonly src: ByteSource;
    readonly header: ElfHeader;
    private phdrs?;
    private shdrs?;
    constructor(src: ByteSource);
    get name(): string;
    programHeaders(): ProgramHeader[];
    sectionHeaders(): SectionHeader[];
    private sectionBytes;
    /** All symbols of SHT_SYMTAB (falling back to SHT_DYNSYM). */
    symbols(): ElfSymbol[];
    /** Notes from every PT_NOTE segment, each with the file offset of its descriptor. */
    notes(): ElfNote[];
}
