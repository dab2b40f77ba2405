import { type PhysMem } from './physmem.ts';
import { type Progress } from './sink.ts';
export interface ElfDumpOptions {
    /** e_machine; amd64 by default (the only full-dump format kvmkit reads). */
    machine?: number;
    onProgress?: Progress;
}
/**
 * An ELF full dump as the kernel's dumpsys_generic writes it: ELF64 ET_CORE, OSABI standalone,
 * e_version 0, one PT_LOAD per dump_avail range with p_vaddr = p_paddr = the physical start, the
 * data page-aligned after the headers and back to back. Pages PhysMem does not hold are zero in a
 * full dump; they are left as holes so the file stays sparse.
 */
export declare function writeElfFullDump(path: string, mem: PhysMem, o?: ElfDumpOptions): void;
