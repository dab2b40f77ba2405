import { ElfFile, EM_386, EM_AARCH64, EM_ARM, EM_PPC, EM_PPC64, EM_RISCV, EM_X86_64 } from '../base/elf.ts';
import { KvmkitError } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import type { ArchName } from '../layout/index.ts';

/** FreeBSD core notes: name "FreeBSD", NT_PROCSTAT_PROC = 8 (sys/sys/elf_common.h). */
export const NT_PROCSTAT_PROC = 8;

export interface ProcstatNote {
  /** The record size the kernel wrote in front of the records (sizeof its struct). */
  recordSize: number;
  /** The records, back to back, one per thread: read on first use (a note may hold gigabytes; stream them by offset/length instead). */
  readonly records: Uint8Array;
  /** File offset of the first record. */
  offset: number;
  /** Bytes of records after the size word. */
  length: number;
  littleEndian: boolean;
  elfClass: 32 | 64;
  machine: number;
  /** Arches whose native or compat records an ELF of this machine/class/byte order can carry. */
  archHints: ArchName[];
}

export function archHintsForElf(machine: number, cls: 32 | 64, le: boolean): ArchName[] {
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

export function isElf(src: ByteSource): boolean {
  if (src.size < 4) return false;
  const m = src.read(0, 4);
  return m[0] === 0x7f && m[1] === 0x45 && m[2] === 0x4c && m[3] === 0x46;
}

const EAGER_NOTE_BYTES = 1 << 24;

/** Read the NT_PROCSTAT_PROC note of a FreeBSD process core: where its records are, not the records themselves. */
export function readProcstatNote(src: ByteSource): ProcstatNote {
  const elf = new ElfFile(src);
  const h = elf.header;
  const note = elf.findNote('FreeBSD', NT_PROCSTAT_PROC);
  if (!note) throw new KvmkitError('no FreeBSD NT_PROCSTAT_PROC (type 8) note: not a FreeBSD process core, or written without procstat notes', { file: src.name });
  if (note.descSize < 4) throw new KvmkitError('NT_PROCSTAT_PROC note is shorter than its size word', { file: src.name, offset: note.descOffset });
  const word = src.read(note.descOffset, 4);
  const recordSize = new DataView(word.buffer, word.byteOffset, 4).getInt32(0, h.littleEndian);
  if (recordSize <= 0 || recordSize > 1 << 16) throw new KvmkitError(`absurd record size ${recordSize} in NT_PROCSTAT_PROC`, { file: src.name, offset: note.descOffset, field: 'structsize' });
  const offset = note.descOffset + 4, length = note.descSize - 4;
  // Ordinary notes (up to 16 MiB) are read now, so the bytes outlive the source; larger ones only
  // on first use — streaming callers go by offset/length and never touch them.
  let bytes: Uint8Array | undefined = length <= EAGER_NOTE_BYTES ? src.read(offset, length) : undefined;
  return {
    recordSize,
    get records() { return (bytes ??= src.read(offset, length)); },
    offset,
    length,
    littleEndian: h.littleEndian,
    elfClass: h.class,
    machine: h.machine,
    archHints: archHintsForElf(h.machine, h.class, h.littleEndian),
  };
}
