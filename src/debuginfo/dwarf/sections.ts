import { checkRead } from '../../base/bounds.ts';
import { KvmkitError } from '../../base/errors.ts';
import type { ElfFile } from '../../base/elf.ts';
import { dwarfError, latin1, type SectionRef } from './cursor.ts';
import { relocate } from './relocate.ts';

/** The DWARF sections kvmkit reads, as bytes, with the facts of the file they came from. */
export interface DwarfSections {
  file: string;
  littleEndian: boolean;
  info: Uint8Array;
  abbrev: Uint8Array;
  str?: Uint8Array;
  strOffsets?: Uint8Array;
  lineStr?: Uint8Array;
}

const NAMES = { info: '.debug_info', abbrev: '.debug_abbrev', str: '.debug_str', strOffsets: '.debug_str_offsets', lineStr: '.debug_line_str' } as const;
const SHT_NOBITS = 8;

/**
 * The DWARF sections of an ELF file, read whole (a kernel.debug's `.debug_info` is a few hundred
 * MB: still one read, under the bounded-read cap). A relocatable object (an amd64/arm64 kernel
 * module, a `.o`) keeps its string and abbrev offsets in relocations: applied (relocate.ts) where
 * kvmkit knows the machine's, refused otherwise rather than read as wrong names.
 */
export function dwarfSectionsOf(elf: ElfFile): DwarfSections | undefined {
  const secs = elf.sectionHeaders();
  const ET_REL = 1;
  const rel = elf.header.type === ET_REL;
  const get = (name: string): Uint8Array | undefined => {
    const s = secs.find((x) => x.name === name);
    if (!s || s.type === SHT_NOBITS) return undefined;
    const r = checkRead(s.offset, s.size, elf.src.size, { file: elf.name, field: `section ${name}`, offset: s.offset });
    const bytes = elf.src.read(r.start, r.length);
    return rel ? relocate(elf, s, bytes) : bytes;
  };
  const info = get(NAMES.info);
  if (!info || info.length === 0) return undefined;
  const abbrev = get(NAMES.abbrev);
  if (!abbrev) throw new KvmkitError('.debug_info without .debug_abbrev', { file: elf.name, object: NAMES.abbrev });
  return { file: elf.name, littleEndian: elf.header.littleEndian, info, abbrev, str: get(NAMES.str), strOffsets: get(NAMES.strOffsets), lineStr: get(NAMES.lineStr) };
}

/** NUL-terminated strings of `.debug_str` / `.debug_line_str`, by offset. */
export class StringSection {
  private readonly ref: SectionRef;
  /** Decoded strings by offset: a linked file's string sections are deduplicated, so every CU naming `proc` points at one offset. */
  private readonly cache = new Map<number, string>();
  constructor(private readonly bytes: Uint8Array | undefined, file: string, section: string) {
    this.ref = { file, section };
  }
  at(offset: number, from: SectionRef, fromOffset: number): string {
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    const b = this.bytes;
    if (!b) dwarfError(`string offset ${offset} into ${this.ref.section}, which the file does not have`, from, fromOffset);
    if (offset >= b.length) dwarfError(`string offset ${offset} is past the end of ${this.ref.section} (${b.length} bytes)`, from, fromOffset);
    const end = b.indexOf(0, offset);
    if (end < 0) dwarfError(`string at ${offset} has no terminating NUL`, this.ref, offset);
    const s = latin1(b, offset, end);
    this.cache.set(offset, s);
    return s;
  }
}

export const SECTION_NAMES = NAMES;
