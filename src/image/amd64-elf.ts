import { KvmkitError, hex } from '../base/errors.ts';
import { ElfFile, ET_CORE, EM_X86_64, type ProgramHeader } from '../base/elf.ts';
import type { ByteSource } from '../base/source.ts';
import { BaseImage, dv, type ImageInfo, type PresentPage, type Translation } from './image.ts';
import type { KernelSymbols } from './symbols.ts';

const PG_V = 0x1n, PG_PS = 0x80n;
const PG_FRAME = 0x000ffffffffff000n;
const PG_1GB_FRAME = 0x000fffffc0000000n;
const PG_2MB_FRAME = 0x000fffffffe00000n;
const PFX = '_amd64_vatop';

/**
 * amd64 full ("ELF") dump: an ET_CORE file whose program headers map physical memory
 * (libkvm's kvm_amd64.c). Virtual addresses are translated by walking the kernel's own 4-level
 * page tables from the PML4 whose physical address is stored at the `KPML4phys` symbol; that
 * symbol is found through `kernbase`, assuming the kernel is loaded at VA − kernbase.
 */
export class Amd64ElfDump extends BaseImage {
  readonly format = 'amd64-elf' as const;
  readonly arch = 'amd64' as const;
  readonly pointerSize = 8 as const;
  readonly elf: ElfFile;
  readonly phdrs: ProgramHeader[];
  private pml4?: Uint8Array;
  private kpml4phys?: bigint;
  private kernbase?: bigint;

  constructor(src: ByteSource, symbols?: KernelSymbols) {
    super(src);
    try {
      this.elf = new ElfFile(src);
    } catch (e) {
      if (e instanceof KvmkitError) throw new KvmkitError(`invalid core: ${e.text}`, { ...e.context, file: src.name });
      throw e;
    }
    const h = this.elf.header;
    if (h.class !== 64) throw new KvmkitError(`invalid core: ELF class ${h.class} differs from the kernel's (64)`, { file: src.name, offset: 4 });
    if (h.type !== ET_CORE) throw new KvmkitError(`invalid core: e_type ${h.type} is not ET_CORE`, { file: src.name, offset: 16 });
    if (h.machine !== EM_X86_64) throw new KvmkitError(`invalid core: e_machine ${h.machine} is not EM_X86_64`, { file: src.name, offset: 18 });
    this.phdrs = this.elf.programHeaders();
    this.symbols = symbols;
    if (symbols) this.initVtop(symbols);
  }

  /** libkvm's _amd64_initvtop: bootstrap with VA − kernbase as PA, then load the PML4 page. */
  private initVtop(symbols: KernelSymbols): void {
    const kb = symbols.lookup('kernbase');
    if (!kb) throw new KvmkitError('bad namelist - no kernbase', { file: symbols.file, field: 'kernbase' });
    const kp = symbols.lookup('KPML4phys');
    if (!kp) throw new KvmkitError('bad namelist - no KPML4phys', { file: symbols.file, field: 'KPML4phys' });
    this.kernbase = kb.value;
    const bootPa = (kp.value - kb.value) & ((1n << 64n) - 1n);
    const off = this.physOffset(bootPa);
    if (off === undefined) throw new KvmkitError(`${PFX}: bootstrap data not in dump: cannot read KPML4phys`, { file: this.source.name, address: kp.value });
    if (off + 8 > this.source.size) throw new KvmkitError('cannot read KPML4phys', { file: this.source.name, offset: off, address: kp.value });
    this.kpml4phys = dv(this.source.read(off, 8)).getBigUint64(0, true);
    const poff = this.physOffset(this.kpml4phys & PG_FRAME);
    if (poff === undefined || poff + 4096 > this.source.size) {
      throw new KvmkitError(`cannot read KPML4phys: the PML4 page at physical ${hex(this.kpml4phys)} is not in the dump`, { file: this.source.name, address: this.kpml4phys });
    }
    this.pml4 = this.source.read(poff, 4096);
  }

  info(): ImageInfo {
    const pages = this.phdrs.reduce((n, p) => n + Math.floor(this.storedBytes(p) / 4096), 0);
    const header: Record<string, number | bigint | string> = {
      e_type: this.elf.header.type, e_machine: this.elf.header.machine, e_phnum: this.phdrs.length, osabi: this.elf.header.osabi,
      segments: this.phdrs.map((p) => `paddr ${hex(p.paddr)} memsz ${hex(p.memsz)} offset ${hex(p.offset)}`).join('; '),
    };
    if (this.kernbase !== undefined) header.kernbase = this.kernbase;
    if (this.kpml4phys !== undefined) header.KPML4phys = this.kpml4phys;
    return { file: this.source.name, format: this.format, arch: this.arch, pageSize: 4096, pageCount: pages, header };
  }

  /** libkvm's _kvm_pa2off: the first header with p_paddr ≤ pa < p_paddr + p_memsz. */
  physOffset(pa: bigint): number | undefined {
    for (const p of this.phdrs) {
      if (pa >= p.paddr && pa < p.paddr + BigInt(p.memsz)) return Number(pa - p.paddr) + p.offset;
    }
    return undefined;
  }

  /**
   * The bytes of a segment that are really in the file: a p_filesz past the end (a dump cut short,
   * or a corrupt header claiming petabytes) must not make page walks loop over pages that are not there.
   */
  private storedBytes(p: ProgramHeader): number {
    return Math.max(0, Math.min(p.filesz, this.source.size - p.offset));
  }

  presentPages(): Iterable<PresentPage> {
    const segs = this.phdrs.map((p) => ({ p, n: this.storedBytes(p) }));
    return (function* () {
      for (const { p, n } of segs) {
        for (let o = 0; o + 4096 <= n; o += 4096) yield { pa: p.paddr + BigInt(o), fileOffset: p.offset + o };
      }
    })();
  }

  private entryAt(pa: bigint, va: bigint, missing: string, unreadable: string): bigint {
    const off = this.physOffset(pa);
    if (off === undefined) this.fail(`${PFX}: ${missing}`, va);
    if (off + 8 > this.source.size) this.fail(`${PFX}: ${unreadable}`, va, off);
    return dv(this.source.read(off, 8)).getBigUint64(0, true);
  }

  private found(va: bigint, pa: bigint, pageSize: bigint, missing: string): Translation {
    const off = this.physOffset(pa);
    if (off === undefined) this.fail(`${PFX}: ${missing}`, va);
    return { pa, fileOffset: off, length: Number(pageSize - (pa & (pageSize - 1n))) };
  }

  translate(va: bigint): Translation {
    if (!this.pml4) throw new KvmkitError('translating a virtual address in a full dump needs the kernel symbols kernbase and KPML4phys (--kernel)', { file: this.source.name, address: va });
    const pml4e = dv(this.pml4).getBigUint64(Number((va >> 39n) & 511n) * 8, true);
    if (!(pml4e & PG_V)) this.fail(`${PFX}: pml4e not valid`, va);
    const pdpe = this.entryAt((pml4e & PG_FRAME) + 8n * ((va >> 30n) & 511n), va, 'pdpe_pa not found', 'read pdpe');
    if (!(pdpe & PG_V)) this.fail(`${PFX}: pdpe not valid`, va);
    if (pdpe & PG_PS) return this.found(va, (pdpe & PG_1GB_FRAME) + (va & 0x3fffffffn), 1n << 30n, '1GB page address not in dump');
    const pde = this.entryAt((pdpe & PG_FRAME) + 8n * ((va >> 21n) & 511n), va, 'pde_pa not found', 'read pde');
    if (!(pde & PG_V)) this.fail(`${PFX}: pde not valid`, va);
    if (pde & PG_PS) return this.found(va, (pde & PG_2MB_FRAME) + (va & 0x1fffffn), 1n << 21n, '2MB page address not in dump');
    const pte = this.entryAt((pde & PG_FRAME) + 8n * ((va >> 12n) & 511n), va, 'pte_pa not found', 'read');
    if (!(pte & PG_V)) this.fail(`${PFX}: pte not valid`, va);
    return this.found(va, (pte & PG_FRAME) + (va & 0xfffn), 4096n, 'address not in dump');
  }
}
