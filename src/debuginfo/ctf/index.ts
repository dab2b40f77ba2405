import { checkRead } from '../../base/bounds.ts';
import { SHT_STRTAB, SHT_SYMTAB, type ElfFile } from '../../base/elf.ts';
import type { TypeGraph } from '../model.ts';
import { CtfContainer, MAX_CTF_DATA } from './container.ts';
import { CtfGraph } from './graph.ts';

/**
 * CTF (`.SUNW_ctf`, sys/sys/ctf.h) as a TypeGraph: versions 2 and 3, either byte order, zlib
 * compressed or not, names in the container's own string table or in the ELF's, and child
 * containers whose types refer to a parent's (a kernel module's to the kernel's).
 */

export { CtfContainer, MAX_CTF_DATA, type CtfHeader, type CtfLabel } from './container.ts';
export { CtfGraph } from './graph.ts';
export { buildCtf, kernelLayoutsCtf, type CtfWriteOptions } from './write.ts';

/** The section FreeBSD's kernel, modules and ctfmerge'd objects carry CTF in. */
export const CTF_SECTION = '.SUNW_ctf';

export interface ReadCtfOptions {
  /** The parent's types, for a child container (a module's CTF refers to the kernel's ids). */
  parent?: TypeGraph;
}

/** The CTF of an ELF file, or undefined when it has no `.SUNW_ctf` section. */
export function readCtfGraph(elf: ElfFile, file: string, opts: ReadCtfOptions = {}): CtfGraph | undefined {
  const secs = elf.sectionHeaders();
  const sec = secs.find((s) => s.name === CTF_SECTION);
  if (!sec) return undefined;
  const at = { file, object: CTF_SECTION, field: `${CTF_SECTION} section`, offset: sec.offset };
  // The compressed form is smaller than what it inflates to, which MAX_CTF_DATA caps.
  const r = checkRead(sec.offset, sec.size, elf.src.size, at, MAX_CTF_DATA + 64);
  const bytes = elf.src.read(r.start, r.length);
  // Names with CTF_STRTAB_1 live in the string table ctf_bufopen is given with the symbol table
  // (ctf_open.c): here the one SHT_SYMTAB links to. Which table FreeBSD's kernel linker passes
  // (sys/kern/kern_ctf.c) was not read: unverified, though a kernel has only the one.
  const externalStrings = (): Uint8Array | undefined => {
    const tab = secs.find((s) => s.type === SHT_SYMTAB);
    const str = tab ? secs[tab.link] : secs.find((s) => s.name === '.strtab');
    if (!str || str.type !== SHT_STRTAB) return undefined;
    const q = checkRead(str.offset, str.size, elf.src.size, { file, object: str.name, field: 'ELF string table', offset: str.offset });
    return elf.src.read(q.start, q.length);
  };
  const ctf = new CtfContainer(bytes, { file, section: CTF_SECTION, fileOffset: sec.offset, externalStrings });
  return new CtfGraph(ctf, elf.header.class === 64 ? 8 : 4, file, opts.parent);
}

export interface ParseCtfOptions extends ReadCtfOptions {
  file: string;
  pointerSize: 4 | 8;
  section?: string;
  /** The ELF string table names with CTF_STRTAB_1 refer to. */
  externalStrings?: Uint8Array;
}

/** CTF bytes (a `.SUNW_ctf` section's contents) as a TypeGraph. */
export function parseCtf(bytes: Uint8Array, o: ParseCtfOptions): CtfGraph {
  const ctf = new CtfContainer(bytes, { file: o.file, section: o.section ?? CTF_SECTION, externalStrings: () => o.externalStrings });
  return new CtfGraph(ctf, o.pointerSize, o.file, o.parent);
}
