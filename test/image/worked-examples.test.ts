import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../src/base/source.ts';
import { Arm64Minidump } from '../../src/image/arm64-minidump.ts';
import { I386Minidump } from '../../src/image/i386-minidump.ts';

/**
 * The hand-derived test vectors of minidumps.md §4, built byte by byte here (not with kvmkit's
 * writers), so the readers are checked against the specification alone.
 */
function put64(b: Uint8Array, o: number, v: bigint): void {
  new DataView(b.buffer).setBigUint64(o, v, true);
}
function put32(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer).setUint32(o, v, true);
}
function magic(b: Uint8Array, m: string): void {
  for (let i = 0; i < m.length; i++) b[i] = m.charCodeAt(i);
}
function setBits(b: Uint8Array, off: number, bits: number[]): void {
  for (const n of bits) b[off + (n >> 3)] |= 1 << (n & 7);
}

describe('i386 PAE v2 worked example (§4.1)', () => {
  const file = new Uint8Array(0x20000 + 3 * 4096);
  magic(file, 'minidump FreeBSD/i386');
  put32(file, 24, 2);
  put32(file, 28, 0x18000);
  put32(file, 32, 8192);
  put32(file, 36, 0x4000);
  put32(file, 40, 0x00800000);
  put32(file, 44, 1);
  put32(file, 48, 4096);
  put64(file, 0x19000, 0x1000n); put64(file, 0x19008, 0x9f000n);
  put64(file, 0x19010, 0x100000n); put64(file, 0x19018, 0x10000000n);
  setBits(file, 0x1a000, [5, 193, 300]);
  put64(file, 0x1c008, 0x0000000000123063n);
  file[0x21234] = 0xab;
  const img = new I386Minidump(new BufferSource(file, 'i386-example'));

  it('lays the regions out at the documented offsets', () => {
    expect(img.layout).toEqual({ msgbufOff: 0x1000, dumpAvailOff: 0x19000, bitmapOff: 0x1a000, pmapOff: 0x1c000, sparseOff: 0x20000 });
  });
  it('translates 0x00801234 to file offset 0x21234, length 0xdcc', () => {
    expect(img.translate(0x00801234n)).toEqual({ pa: 0x123234n, fileOffset: 0x21234, length: 0xdcc });
    expect(img.read(0x00801234n, 1)[0]).toBe(0xab);
  });
  it('reproduces libkvm hole aliasing: pa 0xa0000 has bit id 62, the id of page 0x3f000', () => {
    expect(img.pages.bitId(0xa0000n)).toBe(62n);
    expect(img.pages.bitId(0x3f000n)).toBe(62n);
    expect(img.pages.bitId(0x123000n)).toBe(193n);
  });
  it('lists the stored pages with their physical addresses', () => {
    expect([...img.presentPages()]).toEqual([
      { pa: 0x6000n, fileOffset: 0x20000 },
      { pa: 0x123000n, fileOffset: 0x21000 },
      { pa: 0x18e000n, fileOffset: 0x22000 },
    ]);
  });
});

describe('arm64 v2 worked example (§4.2)', () => {
  const file = new Uint8Array(0x42000 + 3 * 4096);
  magic(file, 'minidump FreeBSD/arm64');
  put32(file, 24, 2);
  put32(file, 28, 0x18000);
  put32(file, 32, 0x8000);
  put32(file, 36, 0x20000);
  put64(file, 40, 0xffff000000000000n);
  put64(file, 48, 0x40000000n);
  put64(file, 56, 0xffffa00000000000n);
  put64(file, 64, 0xffffff0000000000n);
  put32(file, 72, 4096);
  put64(file, 0x19000, 0x40000000n); put64(file, 0x19008, 0x80000000n);
  setBits(file, 0x1a000, [2, 5, 9]);
  put64(file, 0x23008, 0x0000000040002703n);
  const img = new Arm64Minidump(new BufferSource(file, 'arm64-example'));

  it('lays the regions out at the documented offsets', () => {
    expect(img.layout.pmapOff).toBe(0x22000);
    expect(img.layout.sparseOff).toBe(0x42000);
  });
  it('direct map 0xffffa00000005678 → file offset 0x43678', () => {
    expect(img.translate(0xffffa00000005678n).fileOffset).toBe(0x43678);
  });
  it('kernel map 0xffff000000201abc → file offset 0x42abc', () => {
    expect(img.translate(0xffff000000201abcn)).toEqual({ pa: 0x40002abcn, fileOffset: 0x42abc, length: 4096 - 0xabc });
  });
});

describe('arm64 v3 with 16 KiB pages (§4.2, flags = 1)', () => {
  const P = 0x4000;
  const file = new Uint8Array(0x2c000 + 2 * P);
  magic(file, 'minidump FreeBSD/arm64');
  put32(file, 24, 3);
  put32(file, 28, 0x18000);
  put32(file, 32, 0x4000);
  put32(file, 36, 0x8000);
  put64(file, 40, 0xffff000000000000n);
  put64(file, 48, 0x40000000n);
  put64(file, 56, 0xffffa00000000000n);
  put64(file, 64, 0xffffff0000000000n);
  put32(file, 72, P);
  put32(file, 76, 1);
  // header 0, msgbuf 0x4000, dump_avail 0x1c000, bitmap 0x20000, page map 0x24000, pages 0x2c000
  put64(file, 0x1c000, 0x40000000n); put64(file, 0x1c008, 0x80000000n);
  setBits(file, 0x20000, [1, 5]);
  put64(file, 0x24000 + 128 * 8, 0x0000000040014703n);
  const img = new Arm64Minidump(new BufferSource(file, 'arm64-16k'));

  it('uses 16 KiB pages for regions, ids and translation', () => {
    expect(img.pageSize).toBe(P);
    expect(img.layout).toEqual({ msgbufOff: 0x4000, dumpAvailOff: 0x1c000, bitmapOff: 0x20000, pmapOff: 0x24000, sparseOff: 0x2c000 });
    expect(img.translate(0xffffa00000005678n)).toEqual({ pa: 0x40005678n, fileOffset: 0x2c000 + 0x1678, length: P - 0x1678 });
    expect(img.translate(0xffff000000201abcn)).toEqual({ pa: 0x40015abcn, fileOffset: 0x2c000 + P + 0x1abc, length: P - 0x1abc });
  });
});
