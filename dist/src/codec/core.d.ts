import type { ByteSource } from '../base/source.ts';
import type { ArchName } from '../layout/index.ts';
/** FreeBSD core notes: name "FreeBSD", NT_PROCSTAT_PROC = 8 (sys/sys/elf_common.h). */
export declare const NT_PROCSTAT_PROC = 8;
export interface ProcstatNote {
    /** The record size the kernel wrote in front of the records (sizeof its struct). */
    recordSize: number;
    /** The records, back to back, one per thread. */
    records: Uint8Array;
    /** File offset of the first record. */
    offset: number;
    littleEndian: boolean;
    elfClass: 32 | 64;
    machine: number;
    /** Arches whose native or compat records an ELF of this machine/class/byte order can carry. */
    archHints: ArchName[];
}
export declare function archHintsForElf(machine: number, cls: 32 | 64, le: boolean): ArchName[];
export declare function isElf(src: ByteSource): boolean;
/** Read the NT_PROCSTAT_PROC note of a FreeBSD process core. */
export declare function readProcstatNote(src: ByteSource): ProcstatNote;
