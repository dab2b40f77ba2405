import { ElfFile, type ProgramHeader } from '../base/elf.ts';
import type { ByteSource } from '../base/source.ts';
import { BaseImage, type ImageInfo, type PresentPage, type Translation } from './image.ts';
import type { KernelSymbols } from './symbols.ts';
/**
 * amd64 full ("ELF") dump: an ET_CORE file whose program headers map physical memory
 * (libkvm's kvm_amd64.c). Virtual addresses are translated by walking the kernel's own 4-level
 * page tables from the PML4 whose physical address is stored at the `KPML4phys` symbol; that
 * symbol is found through `kernbase`, assuming the kernel is loaded at VA − kernbase.
 */
export declare class Amd64ElfDump extends BaseImage {
    readonly format: "amd64-elf";
    readonly arch: "amd64";
    readonly pointerSize: 8;
    readonly elf: ElfFile;
    readonly phdrs: ProgramHeader[];
    private pml4?;
    private kpml4phys?;
    private kernbase?;
    constructor(src: ByteSource, symbols?: KernelSymbols);
    /** libkvm's _amd64_initvtop: bootstrap with VA − kernbase as PA, then load the PML4 page. */
    private initVtop;
    info(): ImageInfo;
    /** libkvm's _kvm_pa2off: the first header with p_paddr ≤ pa < p_paddr + p_memsz. */
    physOffset(pa: bigint): number | undefined;
    presentPages(): Iterable<PresentPage>;
    private entryAt;
    private found;
    translate(va: bigint): Translation;
}
