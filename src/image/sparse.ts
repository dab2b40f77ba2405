import { checkRead } from '../base/bounds.ts';
import { KvmkitError, hex } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import { BaseImage, MASK64, dv, roundUp, type ImageInfo, type PresentPage } from './image.ts';

/** One `dump_avail` pair: physical memory [start, end). */
export interface PhysRange {
  start: bigint;
  end: bigint;
}

const POP8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + POP8[i >> 1];

/** Bytes per popcount bin: a rank is one table read plus at most BIN - 1 byte counts (O(1)). */
const BIN = 8;

/**
 * The minidump page set shared by every minidump format (libkvm's `_kvm_pt_init`, `_kvm_pa_bit_id`,
 * `_kvm_pt_find`): a bitmap of physical pages numbered through the `dump_avail` ranges, and the
 * stored pages in ascending bit order from `sparseOff`. Only the bitmap and its popcount prefix
 * sums (one per 8 bitmap bytes, 1/2 of the bitmap's size) are kept in memory; page bytes stay in
 * the file.
 */
export class SparsePageSet {
  readonly bitmap: Uint8Array;
  readonly ranges: PhysRange[];
  readonly count: number;
  private readonly bins: Uint32Array;
  private readonly P: bigint;
  /** Per range, as page numbers: first page, pages spanned (libkvm's ceil(end/P) - start/P). */
  private readonly rStart: number[];
  private readonly rLen: number[];

  constructor(
    private readonly src: ByteSource,
    readonly bitmapOff: number,
    bitmapSize: number,
    readonly sparseOff: number,
    readonly pageSize: number,
    ranges: PhysRange[],
  ) {
    if (bitmapOff + bitmapSize > src.size) {
      throw new KvmkitError(`cannot read ${bitmapSize} bytes for bitmap: the file has ${src.size} bytes`, { file: src.name, offset: bitmapOff, field: 'bitmapsize' });
    }
    checkRead(bitmapOff, bitmapSize, src.size, { file: src.name, field: 'bitmapsize', offset: bitmapOff });
    this.bitmap = bitmapSize ? src.read(bitmapOff, bitmapSize) : new Uint8Array(0);
    this.ranges = ranges;
    this.P = BigInt(pageSize);
    this.rStart = ranges.map((r) => Number(r.start / this.P));
    this.rLen = ranges.map((r) => Number(ceilDiv(r.end, this.P) - r.start / this.P));
    const nb = Math.ceil(bitmapSize / BIN);
    this.bins = new Uint32Array(nb + 1);
    let acc = 0;
    for (let b = 0; b < nb; b++) {
      this.bins[b] = acc;
      const end = Math.min(bitmapSize, (b + 1) * BIN);
      for (let i = b * BIN; i < end; i++) acc += POP8[this.bitmap[i]];
    }
    this.bins[nb] = acc;
    this.count = acc;
  }

  /**
   * libkvm's bit id of a physical address: no lower-bound check, unsigned 64-bit arithmetic, so
   * an address in a hole between ranges can alias a page of an earlier range (reproduced on purpose).
   */
  bitId(pa: bigint): bigint | undefined {
    let adj = 0n;
    for (const r of this.ranges) {
      if (pa >= r.end) {
        adj += ceilDiv(r.end, this.P) - r.start / this.P;
        continue;
      }
      return (pa / this.P - r.start / this.P + adj) & MASK64;
    }
    return undefined;
  }

  /** File offset of the page holding `pa`, or undefined when the page is not stored. */
  offset(pa: bigint): number | undefined {
    // bitId in page numbers (all below 2^52, exact as doubles); a negative id is libkvm's
    // wrapped-around huge one, past the bitmap.
    const rs = this.ranges;
    let adj = 0;
    let n = -1;
    for (let i = 0; i < rs.length; i++) {
      if (pa >= rs[i].end) {
        adj += this.rLen[i];
        continue;
      }
      n = Number(pa / this.P) - this.rStart[i] + adj;
      break;
    }
    if (n < 0 || n >= this.bitmap.length * 8) return undefined;
    const byte = Math.floor(n / 8), bit = n % 8;
    if (!((this.bitmap[byte] >> bit) & 1)) return undefined;
    const bin = Math.floor(byte / BIN);
    let rank = this.bins[bin];
    for (let i = bin * BIN; i < byte; i++) rank += POP8[this.bitmap[i]];
    rank += POP8[this.bitmap[byte] & ((1 << bit) - 1)];
    if (rank >= this.count) return undefined;
    return this.sparseOff + rank * this.pageSize + Number(pa % this.P);
  }

  /** Stored pages in file order, with the physical address each bit id stands for. */
  *pages(): IterableIterator<PresentPage> {
    let rank = 0;
    let rangeIdx = 0, rangeFirst = 0n, rangeLen = this.ranges.length ? ceilDiv(this.ranges[0].end, this.P) - this.ranges[0].start / this.P : 0n;
    for (let byte = 0; byte < this.bitmap.length; byte++) {
      const v = this.bitmap[byte];
      if (!v) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (!((v >> bit) & 1)) continue;
        const id = BigInt(byte * 8 + bit);
        while (rangeIdx < this.ranges.length && id >= rangeFirst + rangeLen) {
          rangeFirst += rangeLen;
          rangeIdx++;
          if (rangeIdx < this.ranges.length) rangeLen = ceilDiv(this.ranges[rangeIdx].end, this.P) - this.ranges[rangeIdx].start / this.P;
        }
        if (rangeIdx >= this.ranges.length) return; // bits past the last range name no page
        const pa = (this.ranges[rangeIdx].start / this.P + (id - rangeFirst)) * this.P;
        yield { pa, fileOffset: this.sparseOff + rank * this.pageSize };
        rank++;
      }
    }
  }
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * dump_avail pairs from the minidump's copy (u64 little-endian), ended by the first pair whose end
 * is 0, as libkvm reads them. v1 dumps have none: libkvm assumes [0, bitmapsize·8·P).
 */
export function readDumpAvail(src: ByteSource, off: number, size: number, bitmapSize: number, pageSize: number): PhysRange[] {
  if (size === 0) return [{ start: 0n, end: BigInt(bitmapSize) * 8n * BigInt(pageSize) }];
  if (off + size > src.size) throw new KvmkitError(`cannot read ${size} bytes of dump_avail: the file has ${src.size} bytes`, { file: src.name, offset: off, field: 'dumpavailsize' });
  checkRead(off, size, src.size, { file: src.name, field: 'dumpavailsize', offset: off });
  const v = dv(src.read(off, size));
  const out: PhysRange[] = [];
  for (let o = 0; o + 16 <= size; o += 16) {
    const start = v.getBigUint64(o, true), end = v.getBigUint64(o + 8, true);
    if (end === 0n) break;
    out.push({ start, end });
  }
  return out;
}

/** Region offsets of a minidump (same rule on every architecture; every region page-rounded). */
export interface MinidumpLayout {
  msgbufOff: number;
  dumpAvailOff: number;
  bitmapOff: number;
  pmapOff: number;
  sparseOff: number;
}

export function minidumpLayout(P: number, msgbufsize: number, dumpavailsize: number, bitmapsize: number, pmapsize: number): MinidumpLayout {
  const msgbufOff = P;
  const dumpAvailOff = msgbufOff + roundUp(msgbufsize, P);
  const bitmapOff = dumpAvailOff + roundUp(dumpavailsize, P);
  const pmapOff = bitmapOff + roundUp(bitmapsize, P);
  const sparseOff = pmapOff + roundUp(pmapsize, P);
  return { msgbufOff, dumpAvailOff, bitmapOff, pmapOff, sparseOff };
}

/** The page-map region must be wholly in the file: libkvm reads it at open ("cannot read … for page map"). */
export function checkPmap(src: ByteSource, off: number, size: number): void {
  if (off + size > src.size) throw new KvmkitError(`cannot read ${size} bytes from offset ${off} for page map: the file has ${src.size} bytes`, { file: src.name, offset: off, field: 'pmapsize' });
}

/** The minidump magic is compared with strncmp over 24 bytes: the string, then a NUL. */
export function magicMatches(head: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic.charCodeAt(i)) return false;
  return head[magic.length] === 0;
}

/**
 * The part every minidump format shares: the header's magic and version checks (libkvm's
 * messages), the region layout, dump_avail, the page bitmap and the page-map bounds check.
 */
export function minidumpPreamble(src: ByteSource, headerSize: number, magic: string, maxVersion: number, versionWord = 'expected'): { v: DataView; version: number } {
  if (src.size < headerSize) throw new KvmkitError(`cannot read dump header: ${src.size} bytes, need ${headerSize}`, { file: src.name, offset: 0 });
  const h = src.read(0, headerSize);
  if (!magicMatches(h, magic)) throw new KvmkitError('not a minidump for this platform', { file: src.name, offset: 0, field: 'magic' });
  const v = dv(h);
  const version = v.getUint32(24, true);
  if (version < 1 || version > maxVersion) throw new KvmkitError(`wrong minidump version. ${versionWord} ${maxVersion} got ${version}`, { file: src.name, offset: 24, field: 'version' });
  return { v, version };
}

export interface MinidumpRegionSizes { msgbufsize: number; dumpavailsize: number; bitmapsize: number }

export function minidumpRegions(src: ByteSource, pageSize: number, h: MinidumpRegionSizes, pmapsize: number): { layout: MinidumpLayout; pages: SparsePageSet } {
  const layout = minidumpLayout(pageSize, h.msgbufsize, h.dumpavailsize, h.bitmapsize, pmapsize);
  const ranges = readDumpAvail(src, layout.dumpAvailOff, h.dumpavailsize, h.bitmapsize, pageSize);
  const pages = new SparsePageSet(src, layout.bitmapOff, h.bitmapsize, layout.sparseOff, pageSize, ranges);
  checkPmap(src, layout.pmapOff, pmapsize);
  return { layout, pages };
}

/** info/physOffset/presentPages of a minidump: the sparse page set answers all three. */
export abstract class MinidumpImage extends BaseImage {
  abstract readonly hdr: { version: number; msgbufsize: number };
  layout!: MinidumpLayout;
  pages!: SparsePageSet;

  /** The msgbuf region: the kernel's message buffer ring as the dump wrote it (msgbufsize bytes, unwrapped order unknown without msg_wseq). */
  msgbufSection(): Uint8Array {
    return this.source.read(this.layout.msgbufOff, this.hdr.msgbufsize);
  }

  info(): ImageInfo {
    return {
      file: this.source.name, format: this.format, arch: this.arch, version: this.hdr.version, pageSize: this.pageSize, pageCount: this.pages.count,
      header: { ...this.hdr, ...this.layout, dumpAvail: this.pages.ranges.map((r) => `${hex(r.start)}-${hex(r.end)}`).join(' ') },
    };
  }

  physOffset(pa: bigint): number | undefined {
    return this.pages.offset(pa);
  }

  presentPages(): Iterable<PresentPage> {
    return this.pages.pages();
  }
}
