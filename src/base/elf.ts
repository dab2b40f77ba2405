import { checkCount, checkEntrySize, checkRange, checkRead, safeNumber, type Origin } from './bounds.ts';
import { KvmkitError } from './errors.ts';
import type { ByteSource } from './source.ts';

/** ELF constants kvmkit needs (values from the ELF gABI and FreeBSD's sys/elf_common.h). */
export const ET_EXEC = 2, ET_CORE = 4;
export const PT_LOAD = 1, PT_NOTE = 4;
export const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_DYNSYM = 11;
export const EM_386 = 3, EM_PPC = 20, EM_PPC64 = 21, EM_ARM = 40, EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243;
export const ELFOSABI_FREEBSD = 9;

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
export interface ProgramHeader { type: number; flags: number; offset: number; vaddr: bigint; paddr: bigint; filesz: number; memsz: number; align: number; }
export interface SectionHeader { name: string; type: number; flags: bigint; addr: bigint; offset: number; size: number; link: number; /** sh_info: for SHT_REL/SHT_RELA, the section the relocations apply to. */ info: number; entsize: number; }
export interface ElfSymbol { name: string; value: bigint; size: number; type: number; bind: number; shndx: number; }
/** A note's place in the file; its descriptor is read on demand (ElfFile.noteDesc) because it may be gigabytes. */
export interface ElfNote { name: string; type: number; /** file offset of desc */ descOffset: number; descSize: number; }

/** Where a file's symbol table and its string table lie, checked against the file. */
export interface SymbolTableRegion { offset: number; count: number; entsize: number; strOffset: number; strSize: number; }

/** A note name longer than this is not a name (FreeBSD writes "FreeBSD", 8 bytes with its NUL). */
export const MAX_NOTE_NAME = 4096;
/** Notes walked in one PT_NOTE before giving up (a real core has a handful per thread). */
export const MAX_NOTES = 1 << 20;
/** Symbols a table may claim (real kernels have ~10^5; this is 2^28). */
export const MAX_SYMBOLS = 1 << 28;

/** Fixed-width reads in the file's byte order. */
export class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly le: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number { return this.view.getUint8(o); }
  u16(o: number): number { return this.view.getUint16(o, this.le); }
  u32(o: number): number { return this.view.getUint32(o, this.le); }
  i32(o: number): number { return this.view.getInt32(o, this.le); }
  u64(o: number): bigint { return this.view.getBigUint64(o, this.le); }
}

/**
 * A region of a ByteSource read through one window of at most `size` bytes: walking a large
 * region (a PT_NOTE segment, a symbol table) never holds more than the window in memory.
 */
export class WindowReader {
  private base = 0;
  private buf: Uint8Array = new Uint8Array(0);
  constructor(private readonly src: ByteSource, readonly start: number, readonly length: number, private readonly size = 1 << 20) {}
  /** `n` bytes at region offset `o` (o + n must lie inside the region; n ≤ window size). */
  bytes(o: number, n: number): Uint8Array {
    if (o < this.base || o + n > this.base + this.buf.length) {
      this.base = o;
      this.buf = this.src.read(this.start + o, Math.min(Math.max(n, this.size), this.length - o));
    }
    return this.buf.subarray(o - this.base, o - this.base + n);
  }
  /** A NUL-terminated latin1 string at region offset `o`, of at most `max` bytes. */
  cstring(o: number, max: number): string {
    if (o >= this.length) return '';
    const b = this.bytes(o, Math.min(max, this.length - o));
    const end = b.indexOf(0);
    return Buffer.from(end < 0 ? b : b.subarray(0, end)).toString('latin1');
  }
}

function cstring(b: Uint8Array, start: number): string {
  let end = start;
  while (end < b.length && b[end] !== 0) end++;
  return Buffer.from(b.subarray(start, end)).toString('latin1');
}

/** n rounded up to 4 in plain arithmetic (bit operators would wrap a u32 such as 0xfffffff4 negative). */
function align4(n: number): number { return Math.ceil(n / 4) * 4; }

/**
 * An ELF file read lazily through a ByteSource: headers on open, sections and notes on demand.
 * Used for kernels (symbol tables), full dumps (PT_LOAD of physical memory) and user cores (notes).
 * Every count, size and offset read from the file goes through the bounded-read policy (bounds.ts)
 * before it is read or looped over.
 */
export class ElfFile {
  readonly header: ElfHeader;
  private phdrs?: ProgramHeader[];
  private shdrs?: SectionHeader[];
  constructor(readonly src: ByteSource) {
    if (src.size < 52) throw new KvmkitError('too short to be an ELF file', { file: src.name, offset: 0 });
    const id = src.read(0, 16);
    if (id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) throw new KvmkitError('not an ELF file (bad magic)', { file: src.name, offset: 0 });
    const cls = id[4] === 1 ? 32 : id[4] === 2 ? 64 : 0;
    if (!cls) throw new KvmkitError(`unsupported ELF class ${id[4]}`, { file: src.name, offset: 4 });
    if (id[5] !== 1 && id[5] !== 2) throw new KvmkitError(`unsupported ELF data encoding ${id[5]}`, { file: src.name, offset: 5 });
    const le = id[5] === 1;
    const hsize = cls === 64 ? 64 : 52;
    if (src.size < hsize) throw new KvmkitError('truncated ELF header', { file: src.name, offset: 0 });
    const r = new Reader(src.read(0, hsize), le);
    const num = (o: number, field: string) => safeNumber(r.u64(o), { file: src.name, field, offset: o });
    const h: ElfHeader = cls === 64
      ? { class: 64, littleEndian: le, osabi: id[7], type: r.u16(16), machine: r.u16(18), entry: r.u64(24), phoff: num(32, 'e_phoff'), shoff: num(40, 'e_shoff'), phentsize: r.u16(54), phnum: r.u16(56), shentsize: r.u16(58), shnum: r.u16(60), shstrndx: r.u16(62) }
      : { class: 32, littleEndian: le, osabi: id[7], type: r.u16(16), machine: r.u16(18), entry: BigInt(r.u32(24)), phoff: r.u32(28), shoff: r.u32(32), phentsize: r.u16(42), phnum: r.u16(44), shentsize: r.u16(46), shnum: r.u16(48), shstrndx: r.u16(50) };
    this.header = h;
  }

  get name(): string { return this.src.name; }

  private at(field: string, offset: number): Origin {
    return { file: this.name, field, offset };
  }

  /** A table of `num` entries of `entsize` bytes at `off`, checked and read whole (at most 65535 entries). */
  private table(off: number, num: number, entsize: number, minimum: number, what: string, entsizeAt: number): Reader {
    checkEntrySize(entsize, minimum, this.at(`${what} entry size`, entsizeAt));
    const { start, length } = checkRead(off, num * entsize, this.src.size, this.at(what, off));
    return new Reader(this.src.read(start, length), this.header.littleEndian);
  }

  programHeaders(): ProgramHeader[] {
    if (this.phdrs) return this.phdrs;
    const h = this.header;
    if (h.phnum === 0) return (this.phdrs = []);
    const r = this.table(h.phoff, h.phnum, h.phentsize, h.class === 64 ? 56 : 32, 'program headers', h.class === 64 ? 54 : 42);
    const out: ProgramHeader[] = [];
    for (let i = 0; i < h.phnum; i++) {
      const o = i * h.phentsize;
      const num = (p: number, field: string) => safeNumber(r.u64(o + p), this.at(`phdr[${i}].${field}`, h.phoff + o + p));
      out.push(h.class === 64
        ? { type: r.u32(o), flags: r.u32(o + 4), offset: num(8, 'p_offset'), vaddr: r.u64(o + 16), paddr: r.u64(o + 24), filesz: num(32, 'p_filesz'), memsz: num(40, 'p_memsz'), align: num(48, 'p_align') }
        : { type: r.u32(o), offset: r.u32(o + 4), vaddr: BigInt(r.u32(o + 8)), paddr: BigInt(r.u32(o + 12)), filesz: r.u32(o + 16), memsz: r.u32(o + 20), flags: r.u32(o + 24), align: r.u32(o + 28) });
    }
    return (this.phdrs = out);
  }

  sectionHeaders(): SectionHeader[] {
    if (this.shdrs) return this.shdrs;
    const h = this.header;
    if (h.shnum === 0 || h.shoff === 0) return (this.shdrs = []);
    const r = this.table(h.shoff, h.shnum, h.shentsize, h.class === 64 ? 64 : 40, 'section headers', h.class === 64 ? 58 : 46);
    const raw = [] as (Omit<SectionHeader, 'name'> & { nameOff: number })[];
    for (let i = 0; i < h.shnum; i++) {
      const o = i * h.shentsize;
      const num = (p: number, field: string) => safeNumber(r.u64(o + p), this.at(`shdr[${i}].${field}`, h.shoff + o + p));
      raw.push(h.class === 64
        ? { nameOff: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), addr: r.u64(o + 16), offset: num(24, 'sh_offset'), size: num(32, 'sh_size'), link: r.u32(o + 40), info: r.u32(o + 44), entsize: num(56, 'sh_entsize') }
        : { nameOff: r.u32(o), type: r.u32(o + 4), flags: BigInt(r.u32(o + 8)), addr: BigInt(r.u32(o + 12)), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24), info: r.u32(o + 28), entsize: r.u32(o + 36) });
    }
    let names: Uint8Array | undefined;
    const strSec = raw[h.shstrndx];
    if (strSec && strSec.type === SHT_STRTAB) names = this.sectionBytes(strSec, 'section-name string table');
    return (this.shdrs = raw.map(({ nameOff, ...s }) => ({ ...s, name: names ? cstring(names, nameOff) : '' })));
  }

  private sectionBytes(s: { offset: number; size: number }, what: string): Uint8Array {
    const { start, length } = checkRead(s.offset, s.size, this.src.size, this.at(what, s.offset));
    return this.src.read(start, length);
  }

  /** The symbol table (SHT_SYMTAB, else SHT_DYNSYM) and its string table, checked against the file; undefined when there is none. */
  symbolTable(): SymbolTableRegion | undefined {
    const secs = this.sectionHeaders();
    const tab = secs.find((s) => s.type === SHT_SYMTAB) ?? secs.find((s) => s.type === SHT_DYNSYM);
    if (!tab) return undefined;
    const strs = secs[tab.link];
    if (!strs) throw new KvmkitError(`symbol table links to missing string table ${tab.link}`, { file: this.name, offset: tab.offset, field: 'sh_link' });
    const min = this.header.class === 64 ? 24 : 16;
    const entsize = tab.entsize === 0 ? min : checkEntrySize(tab.entsize, min, this.at('symbol table sh_entsize', tab.offset));
    const count = Math.floor(tab.size / entsize);
    checkCount(count, entsize, Math.max(0, this.src.size - Math.min(tab.offset, this.src.size)), this.at('symbol count (sh_size / sh_entsize)', tab.offset), MAX_SYMBOLS);
    checkRange(tab.offset, count * entsize, this.src.size, this.at('symbol table', tab.offset));
    const str = checkRange(strs.offset, strs.size, this.src.size, this.at('symbol string table', strs.offset));
    return { offset: tab.offset, count, entsize, strOffset: str.start, strSize: str.length };
  }

  /**
   * Every symbol, read a window at a time; `want(firstByte)` lets a caller looking for a few names
   * skip the string of every symbol that cannot match (names are only built for candidates).
   */
  *symbolsOf(t: SymbolTableRegion, want?: (firstNameByte: number) => boolean, maxName = 4096): Generator<ElfSymbol> {
    const is64 = this.header.class === 64;
    const per = Math.max(1, Math.floor((1 << 20) / t.entsize));
    const strs = new WindowReader(this.src, t.strOffset, t.strSize);
    for (let first = 0; first < t.count; first += per) {
      const n = Math.min(per, t.count - first);
      const r = new Reader(this.src.read(t.offset + first * t.entsize, n * t.entsize), this.header.littleEndian);
      for (let i = 0; i < n; i++) {
        const o = i * t.entsize;
        const nameOff = r.u32(o);
        if (want && !(nameOff < t.strSize && want(strs.bytes(nameOff, 1)[0]))) continue;
        const name = strs.cstring(nameOff, maxName);
        if (is64) {
          const info = r.u8(o + 4);
          yield { name, type: info & 15, bind: info >> 4, shndx: r.u16(o + 6), value: r.u64(o + 8), size: Number(r.u64(o + 16)) };
        } else {
          const info = r.u8(o + 12);
          yield { name, value: BigInt(r.u32(o + 4)), size: r.u32(o + 8), type: info & 15, bind: info >> 4, shndx: r.u16(o + 14) };
        }
      }
    }
  }

  /** All symbols of SHT_SYMTAB (falling back to SHT_DYNSYM). For lookups prefer symbolsOf with a filter. */
  symbols(): ElfSymbol[] {
    const t = this.symbolTable();
    return t ? [...this.symbolsOf(t)] : [];
  }

  /**
   * Notes from every PT_NOTE segment, walked header by header through a window: each namesz and
   * descsz is checked against what is left of its segment before it is used, the descriptor is
   * not read (noteDesc reads it), and a walk of more than MAX_NOTES notes is refused.
   */
  *notes(): Generator<ElfNote> {
    const le = this.header.littleEndian;
    let seen = 0;
    for (const [pi, ph] of this.programHeaders().entries()) {
      if (ph.type !== PT_NOTE) continue;
      checkRange(ph.offset, ph.filesz, this.src.size, this.at(`PT_NOTE segment (phdr[${pi}].p_filesz)`, ph.offset));
      const w = new WindowReader(this.src, ph.offset, ph.filesz);
      let o = 0;
      while (o + 12 <= ph.filesz) {
        if (++seen > MAX_NOTES) throw new KvmkitError(`more than ${MAX_NOTES} notes in the PT_NOTE segments; refusing to walk further`, { file: this.name, offset: ph.offset + o });
        const hb = w.bytes(o, 12);
        const hv = new DataView(hb.buffer, hb.byteOffset, 12);
        const namesz = hv.getUint32(0, le), descsz = hv.getUint32(4, le), type = hv.getUint32(8, le);
        const left = ph.filesz - o - 12;
        if (namesz > MAX_NOTE_NAME) throw new KvmkitError(`note namesz ${namesz} is not a note name size (at most ${MAX_NOTE_NAME})`, { file: this.name, offset: ph.offset + o, field: 'n_namesz' });
        const descStart = o + 12 + align4(namesz);
        // Checked by the policy only when out of range: a walk of 10^6 notes must not build 10^6 error origins.
        if (align4(namesz) > left) checkRange(0, align4(namesz), left, this.at('note name (n_namesz)', ph.offset + o));
        if (descsz > ph.filesz - descStart) checkRange(0, descsz, ph.filesz - descStart, this.at(`note (type ${type}) descriptor (n_descsz)`, ph.offset + o + 4));
        const name = namesz ? cstring(w.bytes(o + 12, namesz), 0) : '';
        yield { name, type, descOffset: ph.offset + descStart, descSize: descsz };
        o = descStart + align4(descsz);
      }
    }
  }

  /** The first note with this name and type, without walking the notes after it. */
  findNote(name: string, type: number): ElfNote | undefined {
    for (const n of this.notes()) if (n.name === name && n.type === type) return n;
    return undefined;
  }

  /** A note's descriptor bytes (refused beyond `cap`: large descriptors are read in pieces by their users). */
  noteDesc(n: ElfNote, cap?: number): Uint8Array {
    const { start, length } = checkRead(n.descOffset, n.descSize, this.src.size, this.at('note descriptor', n.descOffset), cap);
    return this.src.read(start, length);
  }
}
