import { KvmkitError } from '../base/errors.ts';
import { ElfFile, EM_386, EM_AARCH64, EM_X86_64, type ElfSymbol } from '../base/elf.ts';
import { openSource, type ByteSource } from '../base/source.ts';
import type { ImageArch, KernelImage } from './image.ts';

export interface NlistEntry {
  name: string;
  /** 0 when not found, as libkvm leaves an unfound entry. */
  value: bigint;
  found: boolean;
  size: number;
  type: number;
}

const SHN_UNDEF = 0;

/**
 * A kernel's ELF symbol table (ELF32/ELF64, either byte order), looked up the way libkvm's
 * dead-kernel path does: libc `__fdnlist` matches a requested name exactly or with its leading
 * underscore removed, so `_allproc` finds `allproc`.
 */
export class KernelSymbols {
  readonly elf: ElfFile;

  constructor(src: ByteSource) {
    try {
      this.elf = new ElfFile(src);
    } catch (e) {
      if (e instanceof KvmkitError) throw new KvmkitError(`kernel is not an ELF file: ${e.text}`, { ...e.context, file: src.name });
      throw e;
    }
  }

  static open(path: string): KernelSymbols {
    const src = openSource(path, { expected: 'a kernel (ELF)' });
    try {
      return new KernelSymbols(src);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  get file(): string { return this.elf.name; }
  get elfClass(): 32 | 64 { return this.elf.header.class; }
  get littleEndian(): boolean { return this.elf.header.littleEndian; }
  get machine(): number { return this.elf.header.machine; }

  /** The architecture the kernel was built for, from class and e_machine; undefined for others. */
  get arch(): ImageArch | undefined {
    const h = this.elf.header;
    if (h.class === 64 && h.machine === EM_X86_64) return 'amd64';
    if (h.class === 64 && h.machine === EM_AARCH64) return 'arm64';
    if (h.class === 32 && h.machine === EM_386) return 'i386';
    return undefined;
  }

  /**
   * Symbols found so far, by name (null: looked for, not there). The table is never indexed whole:
   * a lookup walks it a window at a time, building names only for symbols whose first byte matches
   * a wanted name, so a kernel with 2^25 symbols costs one pass per batch of names, not gigabytes.
   */
  private found = new Map<string, ElfSymbol | null>();

  /** Look up every name not looked up yet, in one pass over the table. */
  private resolve(names: readonly string[]): void {
    const want = new Set<string>();
    for (const n of names) for (const m of n.startsWith('_') ? [n, n.slice(1)] : [n]) if (!this.found.has(m) && m) want.add(m);
    if (!want.size) return;
    const first = new Uint8Array(256);
    let longest = 0;
    for (const w of want) {
      first[w.charCodeAt(0) & 255] = 1;
      longest = Math.max(longest, Buffer.byteLength(w, 'latin1'));
    }
    const t = this.elf.symbolTable();
    const hits = new Map<string, ElfSymbol>();
    if (t) {
      for (const s of this.elf.symbolsOf(t, (b) => first[b] === 1, longest + 1)) {
        if (!want.has(s.name)) continue;
        const prev = hits.get(s.name);
        // A defined symbol wins over an undefined reference of the same name.
        if (!prev || (prev.shndx === SHN_UNDEF && s.shndx !== SHN_UNDEF)) hits.set(s.name, s);
      }
    }
    for (const w of want) this.found.set(w, hits.get(w) ?? null);
  }

  /** The symbol for `name`, trying the name as given and then without one leading underscore. */
  lookup(name: string): ElfSymbol | undefined {
    this.resolve([name]);
    const s = this.found.get(name);
    if (s && s.shndx !== SHN_UNDEF) return s;
    if (name.startsWith('_')) {
      const s2 = this.found.get(name.slice(1));
      if (s2 && s2.shndx !== SHN_UNDEF) return s2;
    }
    return undefined;
  }

  /** Like kvm_nlist: one entry per name, unfound ones with value 0. */
  nlist(names: readonly string[]): NlistEntry[] {
    this.resolve(names);
    return names.map((name) => {
      const s = this.lookup(name);
      return s ? { name, value: s.value, found: true, size: s.size, type: s.type } : { name, value: 0n, found: false, size: 0, type: 0 };
    });
  }

  /** A symbol's value, or a KvmkitError naming the kernel file and the symbol. */
  value(name: string): bigint {
    const s = this.lookup(name);
    if (!s) throw new KvmkitError(`symbol ${name} not found in the kernel's symbol table`, { file: this.file, field: name });
    return s.value;
  }

  close(): void {
    this.elf.src.close();
  }
}

/* ---- Reading typed values from dump memory in the image's byte order ---- */

/** What the typed reads need: a KernelImage, or a cache in front of one with the same errors. */
export type MemoryReader = Pick<KernelImage, 'read' | 'littleEndian' | 'pointerSize'>;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function readI32(img: MemoryReader, va: bigint): number {
  return view(img.read(va, 4)).getInt32(0, img.littleEndian);
}

export function readU32(img: MemoryReader, va: bigint): number {
  return view(img.read(va, 4)).getUint32(0, img.littleEndian);
}

export function readU64(img: MemoryReader, va: bigint): bigint {
  return view(img.read(va, 8)).getBigUint64(0, img.littleEndian);
}

/** A kernel pointer: 4 bytes on i386, 8 on amd64/arm64. */
export function readPointer(img: MemoryReader, va: bigint): bigint {
  return img.pointerSize === 8 ? readU64(img, va) : BigInt(readU32(img, va));
}

/** A NUL-terminated string of at most `max` bytes (e.g. p_comm, MAXCOMLEN + 1). */
export function readCString(img: MemoryReader, va: bigint, max: number): string {
  const b = img.read(va, max);
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end < 0 ? max : end)).toString('latin1');
}

function symbolsOf(img: KernelImage): KernelSymbols {
  if (!img.symbols) throw new KvmkitError('reading a kernel symbol needs the kernel ELF (--kernel)', { file: img.source.name });
  return img.symbols;
}

/** Address of a kernel symbol of the image's kernel. */
export function symbolAddress(img: KernelImage, name: string): bigint {
  return symbolsOf(img).value(name);
}

/** The `int` stored at a symbol (e.g. hz, dumptid, the exported proc_off_* offsets). */
export function readSymbolInt(img: KernelImage, name: string): number {
  return readI32(img, symbolAddress(img, name));
}

export function readSymbolU64(img: KernelImage, name: string): bigint {
  return readU64(img, symbolAddress(img, name));
}

export function readSymbolPointer(img: KernelImage, name: string): bigint {
  return readPointer(img, symbolAddress(img, name));
}
