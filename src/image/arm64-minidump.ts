import { KvmkitError, hex } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import { BaseImage, dv, type ImageInfo, type PresentPage, type Translation } from './image.ts';
import { SparsePageSet, checkPmap, magicMatches, minidumpLayout, readDumpAvail, type MinidumpLayout } from './sparse.ts';

export const ARM64_MINIDUMP_MAGIC = 'minidump FreeBSD/arm64';
export const ARM64_MINIDUMP_VERSION = 3;
const HEADER_SIZE = 80;
const ATTR_DESCR_MASK = 3n, L3_PAGE = 3n;
/** Bits 12–49 hold the output address (current kernels' ATTR_MASK = 0xFFFC000000000FFF). */
const ATTR_MASK = 0xfffc000000000fffn;

export interface Arm64MinidumpHeader {
  version: number;
  msgbufsize: number;
  bitmapsize: number;
  pmapsize: number;
  kernbase: bigint;
  dmapphys: bigint;
  dmapbase: bigint;
  dmapend: bigint;
  dumpavailsize: number;
  flags: number;
}

/**
 * arm64 minidump, versions 1–3, 4 KiB or 16 KiB pages (libkvm's kvm_minidump_aarch64.c). The page
 * map is a flat array of L3 descriptors from kernbase; the direct map starts at dmapbase and maps
 * physical dmapphys, and is tested first because it lies above kernbase.
 */
export class Arm64Minidump extends BaseImage {
  readonly format = 'arm64-minidump' as const;
  readonly arch = 'arm64' as const;
  readonly pointerSize = 8 as const;
  readonly hdr: Arm64MinidumpHeader;
  readonly layout: MinidumpLayout;
  readonly pages: SparsePageSet;
  private readonly l3shift: bigint;

  constructor(src: ByteSource) {
    super(src);
    if (src.size < HEADER_SIZE) throw new KvmkitError(`cannot read dump header: ${src.size} bytes, need ${HEADER_SIZE}`, { file: src.name, offset: 0 });
    const h = src.read(0, HEADER_SIZE);
    if (!magicMatches(h, ARM64_MINIDUMP_MAGIC)) throw new KvmkitError('not a minidump for this platform', { file: src.name, offset: 0, field: 'magic' });
    const v = dv(h);
    const version = v.getUint32(24, true);
    if (version < 1 || version > ARM64_MINIDUMP_VERSION) throw new KvmkitError(`wrong minidump version. Expected ${ARM64_MINIDUMP_VERSION} got ${version}`, { file: src.name, offset: 24, field: 'version' });
    this.hdr = {
      version,
      msgbufsize: v.getUint32(28, true),
      bitmapsize: v.getUint32(32, true),
      pmapsize: v.getUint32(36, true),
      kernbase: v.getBigUint64(40, true),
      dmapphys: v.getBigUint64(48, true),
      dmapbase: v.getBigUint64(56, true),
      dmapend: v.getBigUint64(64, true),
      dumpavailsize: version >= 2 ? v.getUint32(72, true) : 0,
      flags: version >= 3 ? v.getUint32(76, true) : 0,
    };
    const H = this.hdr;
    const ps = H.flags & 3;
    if (ps !== 0 && ps !== 1) throw new KvmkitError(`unknown page size flag ${ps.toString(16)}`, { file: src.name, offset: 76, field: 'flags' });
    this.pageSize = ps === 1 ? 16384 : 4096;
    this.l3shift = ps === 1 ? 14n : 12n;
    this.layout = minidumpLayout(this.pageSize, H.msgbufsize, H.dumpavailsize, H.bitmapsize, H.pmapsize);
    const ranges = readDumpAvail(src, this.layout.dumpAvailOff, H.dumpavailsize, H.bitmapsize, this.pageSize);
    this.pages = new SparsePageSet(src, this.layout.bitmapOff, H.bitmapsize, this.layout.sparseOff, this.pageSize, ranges);
    checkPmap(src, this.layout.pmapOff, H.pmapsize);
  }

  info(): ImageInfo {
    const H = this.hdr;
    return {
      file: this.source.name, format: this.format, arch: this.arch, version: H.version, pageSize: this.pageSize, pageCount: this.pages.count,
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
    const P = BigInt(this.pageSize);
    const off = Number(va % P);
    const pfx = '_aarch64_minidump_vatop';
    if (va >= H.dmapbase && va < H.dmapend) {
      const pa = ((va - H.dmapbase + H.dmapphys) / P) * P;
      const fo = this.pages.offset(pa);
      if (fo === undefined) this.fail(`${pfx}: direct map address ${hex(va)} not in minidump`, va);
      return { pa: pa + BigInt(off), fileOffset: fo + off, length: this.pageSize - off };
    }
    if (va >= H.kernbase) {
      const i = (va - H.kernbase) >> this.l3shift;
      if (i >= BigInt(H.pmapsize) / 8n) this.fail(`${pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
      const eoff = this.layout.pmapOff + Number(i) * 8;
      const e = dv(this.source.read(eoff, 8)).getBigUint64(0, true);
      if ((e & ATTR_DESCR_MASK) !== L3_PAGE) this.fail(`${pfx}: pde not valid`, va, eoff);
      const pa = e & ~ATTR_MASK & ((1n << 64n) - 1n);
      const fo = this.pages.offset((pa / P) * P);
      if (fo === undefined) this.fail(`${pfx}: physical address ${hex(pa)} not in minidump`, va);
      return { pa: (pa / P) * P + BigInt(off), fileOffset: fo + off, length: this.pageSize - off };
    }
    this.fail(`${pfx}: virtual address ${hex(va)} not minidumped`, va);
  }
}
