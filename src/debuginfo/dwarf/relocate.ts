import { checkCount, safeNumber } from '../../base/bounds.ts';
import { EM_AARCH64, EM_X86_64, Reader, type ElfFile, type SectionHeader } from '../../base/elf.ts';
import { KvmkitError } from '../../base/errors.ts';

/**
 * Relocations of a relocatable object's debug sections. In a `.o` or an amd64/arm64 `.ko` (both
 * ET_REL) the assembler leaves every `.debug_str` offset, abbrev offset and cross-section
 * reference as a RELA relocation against a section symbol; the value is then S + A (the symbol's
 * value, 0 for a section symbol, plus the addend). Only the absolute data relocations a debug
 * section holds are applied; others (a TLS variable's DW_OP location, say) patch location
 * expressions, never types, and are left alone.
 *
 * Numbers from freebsd/freebsd-src sys/sys/elf_common.h @ f18df350f1aafb3b85e31975e341d2fd292c6cac:
 * R_X86_64_64 1, R_X86_64_32 10, R_X86_64_32S 11; R_AARCH64_ABS64 257,
 * R_AARCH64_ABS32 258. REL-style objects (i386, armv7) are not handled: refused by the caller.
 */
// Section types: the gABI values (as base/elf.ts's SHT_*), not re-read in this session.
const SHT_RELA = 4, SHT_REL = 9;
const ABS: Record<number, Record<number, 4 | 8>> = {
  [EM_X86_64]: { 1: 8, 10: 4, 11: 4 },
  [EM_AARCH64]: { 257: 8, 258: 4 },
};

/** Whether kvmkit can relocate this ELF's debug sections (64-bit RELA machines it knows). */
export function canRelocate(elf: ElfFile): boolean {
  return elf.header.class === 64 && ABS[elf.header.machine] !== undefined;
}

/** The RELA sections that apply to section `target` (by sh_info). */
export function relocationsFor(elf: ElfFile, target: SectionHeader): SectionHeader[] {
  const secs = elf.sectionHeaders();
  const idx = secs.indexOf(target);
  return secs.filter((s) => (s.type === SHT_RELA || s.type === SHT_REL) && s.info === idx);
}

/** A copy of `bytes` (the contents of `target`) with its RELA relocations applied. */
export function relocate(elf: ElfFile, target: SectionHeader, bytes: Uint8Array): Uint8Array {
  const relas = relocationsFor(elf, target);
  if (relas.length === 0) return bytes;
  const kinds = ABS[elf.header.machine];
  if (!canRelocate(elf) || relas.some((r) => r.type !== SHT_RELA)) {
    throw new KvmkitError(`relocatable object: kvmkit applies DWARF relocations for amd64 and arm64 (RELA) only`, { file: elf.name, object: target.name });
  }
  const out = Uint8Array.from(bytes);
  const w = new DataView(out.buffer);
  const le = elf.header.littleEndian;
  const symbols = elf.symbols();
  for (const rs of relas) {
    const at = { file: elf.name, object: rs.name, field: 'relocation count', offset: rs.offset };
    const n = checkCount(Math.floor(rs.size / 24), 24, rs.size, at);
    const r = new Reader(elf.src.read(rs.offset, n * 24), le);
    for (let i = 0; i < n; i++) {
      const o = i * 24;
      const where = safeNumber(r.u64(o), { ...at, field: 'r_offset', offset: rs.offset + o });
      const info = r.u64(o + 8);
      const size = kinds[Number(info & 0xffffffffn)];
      if (!size) continue;
      const sym = Number(info >> 32n);
      if (sym >= symbols.length) throw new KvmkitError(`relocation ${i} names symbol ${sym}, past the symbol table's ${symbols.length}`, { file: elf.name, object: rs.name, offset: rs.offset + o });
      if (where + size > out.length) throw new KvmkitError(`relocation ${i} patches ${size} bytes at ${where}, past the end of ${target.name} (${out.length} bytes)`, { file: elf.name, object: rs.name, offset: rs.offset + o });
      const v = BigInt.asUintN(64, symbols[sym].value + BigInt.asIntN(64, r.u64(o + 16)));
      if (size === 8) w.setBigUint64(where, v, le);
      else w.setUint32(where, Number(v & 0xffffffffn), le);
    }
  }
  return out;
}
