import { KvmkitError, hex } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import { BaseImage, dv, type ImageInfo, type PresentPage, type Translation } from './image.ts';
import { SparsePageSet, checkPmap, magicMatches, minidumpLayout, readDumpAvail, type MinidumpLayout } from './sparse.ts';

export const I386_MINIDUMP_MAGIC = 'minidump FreeBSD/i386';
export const I386_MINIDUMP_VERSION = 2;
const HEADER_SIZE = 52;
const PG_V = 0x1n;
const PG_FRAME = 0xfffff000n;
const PG_FRAME_PAE = 0x000ffffffffff000n;

export interface I386MinidumpHeader {
  version: number;
  msgbufsize: number;
  bitmapsize: number;
  ptesize: number;
  kernbase: bigint;
  paemode: number;
  dumpavailsize: number;
}

/**
 * i386 minidump, versions 1 and 2, PAE (8-byte PTEs) and non-PAE (4-byte PTEs)
 * (libkvm's kvm_minidump_i386.c). The page map is a flat array of last-level PTEs from kernbase;
 * there is no direct map.
 */
export class I386Minidump extends BaseImage {
  readonly format = 'i386-minidump' as const;
  readonly arch = 'i386' as const;
  readonly pointerSize = 4 as const;
  readonly hdr: I386MinidumpHeader;
  readonly layout: MinidumpLayout;
  readonly pages: SparsePageSet;
  private readonly pfx: string;
  private readonly esz: number;

  constructor(src: ByteSource) {
    super(src);
    if (src.size < HEADER_SIZE) throw new KvmkitError(`cannot read dump header: ${src.size} bytes, need ${HEADER_SIZE}`, { file: src.name, offset: 0 });
    const h = src.read(0, HEADER_SIZE);
    if (!magicMatches(h, I386_MINIDUMP_MAGIC)) throw new KvmkitError('not a minidump for this platform', { file: src.name, offset: 0, field: 'magic' });
    const v = dv(h);
    const version = v.getUint32(24, true);
    if (version < 1 || version > I386_MINIDUMP_VERSION) throw new KvmkitError(`wrong minidump version. expected ${I386_MINIDUMP_VERSION} got ${version}`, { file: src.name, offset: 24, field: 'version' });
    this.hdr = {
      version,
      msgbufsize: v.getUint32(28, true),
      bitmapsize: v.getUint32(32, true),
      ptesize: v.getUint32(36, true),
      kernbase: BigInt(v.getUint32(40, true)),
      paemode: v.getUint32(44, true),
      dumpavailsize: version === 2 ? v.getUint32(48, true) : 0,
    };
    const H = this.hdr;
    this.pfx = H.paemode ? '_i386_minidump_vatop_pae' : '_i386_minidump_vatop';
    this.esz = H.paemode ? 8 : 4;
    this.layout = minidumpLayout(4096, H.msgbufsize, H.dumpavailsize, H.bitmapsize, H.ptesize);
    const ranges = readDumpAvail(src, this.layout.dumpAvailOff, H.dumpavailsize, H.bitmapsize, 4096);
    this.pages = new SparsePageSet(src, this.layout.bitmapOff, H.bitmapsize, this.layout.sparseOff, 4096, ranges);
    checkPmap(src, this.layout.pmapOff, H.ptesize);
  }

  info(): ImageInfo {
    const H = this.hdr;
    return {
      file: this.source.name, format: this.format, arch: this.arch, version: H.version, pageSize: 4096, pageCount: this.pages.count,
      header: { ...H, ...this.layout, dumpAvail: this.pages.ranges.map((r) => `${hex(r.start)}-${hex(r.end)}`).join(' ') },
    };
  }

  physOffset(pa: bigint): number | undefined {
    return this.pages.offset(pa);
  }

  presentPages(): Iterable<PresentPage> {
    return this.pages.pages();
  }

  translate(va: bigint): Translation {
    const H = this.hdr;
    const off = Number(va & 0xfffn);
    if (va < H.kernbase) this.fail(`${this.pfx}: virtual address ${hex(va)} not minidumped`, va);
    const i = (va - H.kernbase) >> 12n;
    if (i >= BigInt(Math.floor(H.ptesize / this.esz))) this.fail(`${this.pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
    const eoff = this.layout.pmapOff + Number(i) * this.esz;
    const e = dv(this.source.read(eoff, this.esz));
    const pte = this.esz === 8 ? e.getBigUint64(0, true) : BigInt(e.getUint32(0, true));
    if (!(pte & PG_V)) this.fail(`${this.pfx}: pte not valid`, va, eoff);
    const pa = pte & (H.paemode ? PG_FRAME_PAE : PG_FRAME);
    const fo = this.pages.offset(pa);
    if (fo === undefined) this.fail(`${this.pfx}: physical address ${hex(pa)} not in minidump`, va);
    return { pa: pa + BigInt(off), fileOffset: fo + off, length: 4096 - off };
  }
}
