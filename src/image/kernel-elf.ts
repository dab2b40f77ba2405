import { node } from '../base/platform.ts';
import { KvmkitError } from '../base/errors.ts';
import { ET_EXEC, EM_386, EM_AARCH64, EM_X86_64, SHT_STRTAB, SHT_SYMTAB } from '../base/elf.ts';
import type { ImageArch } from './image.ts';

export interface KernelSymbolSpec {
  name: string;
  value: bigint;
  size?: number;
  /** STT_OBJECT by default. */
  type?: 'object' | 'func' | 'notype';
  /** STB_GLOBAL by default. */
  bind?: 'global' | 'local';
}

export interface KernelElfOptions {
  arch: ImageArch;
  symbols: readonly KernelSymbolSpec[];
  /** Override the byte order (the kernels kvmkit reads are little-endian; big-endian tests the reader). */
  littleEndian?: boolean;
  /** Override class / machine (to build kernels libkvm would refuse). */
  elfClass?: 32 | 64;
  machine?: number;
  entry?: bigint;
  /** A `.SUNW_ctf` section's contents (the kernel's types, as a GENERIC kernel carries them). */
  ctf?: Uint8Array;
}

const SHT_PROGBITS = 1, SHF_WRITE = 1, SHF_ALLOC = 2;
const STT = { notype: 0, object: 1, func: 2 } as const;
const STB = { local: 0, global: 1 } as const;

export function archElf(arch: ImageArch): { elfClass: 32 | 64; machine: number } {
  switch (arch) {
    case 'amd64': return { elfClass: 64, machine: EM_X86_64 };
    case 'i386': return { elfClass: 32, machine: EM_386 };
    case 'arm64': return { elfClass: 64, machine: EM_AARCH64 };
  }
}

/**
 * A kernel ELF reduced to what a dump reader needs: ET_EXEC with the arch's class and machine and
 * a symbol table (sections: null, .data, .symtab, .strtab, .shstrtab, and .SUNW_ctf when types are
 * given). Symbols are defined in .data so lookups treat them as defined; their contents live in
 * the dump, not here.
 */
export function buildKernelElf(o: KernelElfOptions): Uint8Array {
  const def = archElf(o.arch);
  const cls = o.elfClass ?? def.elfClass;
  const le = o.littleEndian ?? true;
  const is64 = cls === 64;
  const ehsize = is64 ? 64 : 52, shentsize = is64 ? 64 : 40, syment = is64 ? 24 : 16;

  const strtab: number[] = [0];
  const addStr = (s: string): number => {
    const off = strtab.length;
    for (const c of Buffer.from(s, 'latin1')) strtab.push(c);
    strtab.push(0);
    return off;
  };
  const syms = [...o.symbols].sort((a, b) => (a.bind === 'local' ? 0 : 1) - (b.bind === 'local' ? 0 : 1));
  const nlocal = 1 + syms.filter((s) => s.bind === 'local').length;
  const symtab = new Uint8Array(syment * (syms.length + 1));
  const sv = new DataView(symtab.buffer);
  syms.forEach((s, i) => {
    if (!is64 && s.value >> 32n) throw new KvmkitError(`symbol ${s.name} value does not fit a 32-bit kernel`, { field: s.name });
    const p = syment * (i + 1);
    const info = (STB[s.bind ?? 'global'] << 4) | STT[s.type ?? 'object'];
    sv.setUint32(p, addStr(s.name), le);
    if (is64) {
      sv.setUint8(p + 4, info);
      sv.setUint16(p + 6, 1, le);
      sv.setBigUint64(p + 8, s.value, le);
      sv.setBigUint64(p + 16, BigInt(s.size ?? 0), le);
    } else {
      sv.setUint32(p + 4, Number(s.value), le);
      sv.setUint32(p + 8, s.size ?? 0, le);
      sv.setUint8(p + 12, info);
      sv.setUint16(p + 14, 1, le);
    }
  });
  const shstr: number[] = [0];
  const addSh = (s: string): number => {
    const off = shstr.length;
    for (const c of Buffer.from(s, 'latin1')) shstr.push(c);
    shstr.push(0);
    return off;
  };
  const names = ['.data', '.symtab', '.strtab', '.shstrtab', ...(o.ctf ? ['.SUNW_ctf'] : [])].map(addSh);
  const nsec = 1 + names.length;
  const symOff = ehsize;
  const strOff = symOff + symtab.length;
  const shstrOff = strOff + strtab.length;
  const ctfOff = Math.ceil((shstrOff + shstr.length) / 8) * 8;
  const shoff = Math.ceil((ctfOff + (o.ctf?.length ?? 0)) / 8) * 8;
  const out = new Uint8Array(shoff + shentsize * nsec);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 9 /* ELFOSABI_FREEBSD */]);
  v.setUint16(16, ET_EXEC, le);
  v.setUint16(18, o.machine ?? def.machine, le);
  v.setUint32(20, 1, le);
  if (is64) {
    v.setBigUint64(24, o.entry ?? 0n, le);
    v.setBigUint64(40, BigInt(shoff), le);
    v.setUint16(52, ehsize, le);
    v.setUint16(54, 56, le);
    v.setUint16(58, shentsize, le);
    v.setUint16(60, nsec, le);
    v.setUint16(62, 4, le);
  } else {
    v.setUint32(24, Number(o.entry ?? 0n), le);
    v.setUint32(32, shoff, le);
    v.setUint16(40, ehsize, le);
    v.setUint16(42, 32, le);
    v.setUint16(46, shentsize, le);
    v.setUint16(48, nsec, le);
    v.setUint16(50, 4, le);
  }
  out.set(symtab, symOff);
  out.set(strtab, strOff);
  out.set(shstr, shstrOff);
  if (o.ctf) out.set(o.ctf, ctfOff);
  const sec = (i: number, name: number, type: number, flags: number, offset: number, size: number, link: number, info: number, entsize: number): void => {
    const p = shoff + shentsize * i;
    v.setUint32(p, name, le);
    v.setUint32(p + 4, type, le);
    if (is64) {
      v.setBigUint64(p + 8, BigInt(flags), le);
      v.setBigUint64(p + 24, BigInt(offset), le);
      v.setBigUint64(p + 32, BigInt(size), le);
      v.setUint32(p + 40, link, le);
      v.setUint32(p + 44, info, le);
      v.setBigUint64(p + 48, 8n, le);
      v.setBigUint64(p + 56, BigInt(entsize), le);
    } else {
      v.setUint32(p + 8, flags, le);
      v.setUint32(p + 16, offset, le);
      v.setUint32(p + 20, size, le);
      v.setUint32(p + 24, link, le);
      v.setUint32(p + 28, info, le);
      v.setUint32(p + 32, 4, le);
      v.setUint32(p + 36, entsize, le);
    }
  };
  sec(1, names[0], SHT_PROGBITS, SHF_WRITE | SHF_ALLOC, shoff, 0, 0, 0, 0);
  sec(2, names[1], SHT_SYMTAB, 0, symOff, symtab.length, 3, nlocal, syment);
  sec(3, names[2], SHT_STRTAB, 0, strOff, strtab.length, 0, 0, 0);
  sec(4, names[3], SHT_STRTAB, 0, shstrOff, shstr.length, 0, 0, 0);
  if (o.ctf) sec(5, names[4], SHT_PROGBITS, 0, ctfOff, o.ctf.length, 0, 0, 0);
  return out;
}

export function writeKernelElf(path: string, o: KernelElfOptions): void {
  try {
    node.fs.writeFileSync(path, buildKernelElf(o));
  } catch (e) {
    if (e instanceof KvmkitError) throw e;
    throw new KvmkitError(`cannot write kernel ELF: ${(e as Error).message}`, { file: path });
  }
}
