import { EM_386, EM_AARCH64, EM_ARM, EM_PPC, EM_PPC64, EM_RISCV, EM_X86_64, ElfFile, type ElfHeader } from '../base/elf.ts';
import { KvmkitError } from '../base/errors.ts';
import { FileSource } from '../base/source.ts';
import type { ArchName } from '../layout/defs.ts';
import { DwarfTypeGraph } from './dwarf/types.ts';
import { dwarfSectionsOf } from './dwarf/sections.ts';
import type { TypeGraph } from './model.ts';

/** A kernel's (or module's, or object's) own types, and the arch whose ABI they were compiled for. */
export interface OpenedTypes {
  graph: TypeGraph;
  arch: ArchName;
}

/**
 * ─── CTF plugs in here ───
 * The CTF reader (src/debuginfo/ctf/index.ts, `readCtfGraph(elf, file)`: a TypeGraph from
 * `.SUNW_ctf`, or undefined when the file has none) is written on another branch. When it lands,
 * this one line becomes `import { readCtfGraph } from './ctf/index.ts'` and the constant below
 * `readCtfGraph`; nothing else in this file changes.
 */
const readCtf: ((elf: ElfFile, file: string) => TypeGraph | undefined) | undefined = undefined;

/**
 * The types of an ELF file: from its CTF when it has a `.SUNW_ctf` section (a GENERIC kernel:
 * small and complete), otherwise from its DWARF (kernel.debug, a module or object built with -g),
 * otherwise a clear error.
 */
export function openTypes(file: string | ElfFile): OpenedTypes {
  const elf = typeof file === 'string' ? new ElfFile(new FileSource(file)) : file;
  const arch = archOfElf(elf.header, elf.name);
  const ctf = readCtf?.(elf, elf.name);
  if (ctf) return { graph: ctf, arch };
  const dwarf = dwarfSectionsOf(elf);
  if (dwarf) return { graph: DwarfTypeGraph.fromSections(dwarf, elf.header.class === 32 ? 4 : 8), arch };
  const hasCtf = elf.sectionHeaders().some((s) => s.name === '.SUNW_ctf');
  throw new KvmkitError(
    hasCtf
      ? 'the file has a .SUNW_ctf section but this build of kvmkit has no CTF reader, and it has no .debug_info'
      : 'no type information: neither a .SUNW_ctf (CTF) nor a .debug_info (DWARF) section (a stripped kernel? try its kernel.debug)',
    { file: elf.name },
  );
}

/** The arch whose C ABI an ELF file's types follow, from its class, machine and byte order. */
export function archOfElf(h: ElfHeader, file: string): ArchName {
  switch (h.machine) {
    case EM_X86_64: return 'amd64';
    case EM_386: return 'i386';
    case EM_AARCH64: return 'arm64';
    case EM_ARM: return 'armv7';
    case EM_PPC: return 'powerpc';
    case EM_PPC64: return h.littleEndian ? 'powerpc64le' : 'powerpc64';
    case EM_RISCV: if (h.class === 64) return 'riscv64'; break;
  }
  throw new KvmkitError(`ELF machine ${h.machine} (class ${h.class}) is not an arch kvmkit lays out`, { file, offset: 18 });
}
