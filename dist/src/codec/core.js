import { ElfFile, EM_386, EM_AARCH64, EM_ARM, EM_PPC, EM_PPC64, EM_RISCV, EM_X86_64 } from "../base/elf.js";
import { KvmkitError } from "../base/errors.js";
/** FreeBSD core notes: name "FreeBSD", NT_PROCSTAT_PROC = 8 (sys/sys/elf_common.h). */
export const NT_PROCSTAT_PROC = 8;
export function archHintsForElf(machine, cls, le) {
    switch (machine) {
        case EM_X86_64: return ['amd64'];
        // A 32-bit x86 process may run on an i386 kernel (native record) or an amd64 kernel (compat record).
        case EM_386: return ['i386', 'amd64'];
        case EM_AARCH64: return ['arm64'];
        case EM_ARM: return ['armv7', 'arm64'];
        case EM_PPC: return ['powerpc', 'powerpc64'];
        case EM_PPC64: return le ? ['powerpc64le'] : ['powerpc64'];
        case EM_RISCV: return cls === 64 ? ['riscv64'] : [];
        default: return [];
    }
}
export function isElf(src) {
    if (src.size < 4)
        return false;
    const m = src.read(0, 4);
    return m[0] === 0x7f && m[1] === 0x45 && m[2] === 0x4c && m[3] === 0x46;
}
/** Read the NT_PROCSTAT_PROC note of a FreeBSD process core. */
export function readProcstatNote(src) {
    const elf = new ElfFile(src);
    const h = elf.header;
    const note = elf.notes().find((n) => n.name === 'FreeBSD' && n.type === NT_PROCSTAT_PROC);
    if (!note)
        throw new KvmkitError('no FreeBSD NT_PROCSTAT_PROC (type 8) note: not a FreeBSD process core, or written without procstat notes', { file: src.name });
    if (note.desc.length < 4)
        throw new KvmkitError('NT_PROCSTAT_PROC note is shorter than its size word', { file: src.name, offset: note.descOffset });
    const dv = new DataView(note.desc.buffer, note.desc.byteOffset, note.desc.byteLength);
    const recordSize = dv.getInt32(0, h.littleEndian);
    if (recordSize <= 0 || recordSize > 1 << 16)
        throw new KvmkitError(`absurd record size ${recordSize} in NT_PROCSTAT_PROC`, { file: src.name, offset: note.descOffset });
    return {
        recordSize,
        records: note.desc.subarray(4),
        offset: note.descOffset + 4,
        littleEndian: h.littleEndian,
        elfClass: h.class,
        machine: h.machine,
        archHints: archHintsForElf(h.machine, h.class, h.littleEndian),
    };
}
