import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DumpBuilder } from '../../src/image/builder.ts';
import { TranslationError, type ImageFormat } from '../../src/image/image.ts';
import { openImage } from '../../src/image/open.ts';
import { GiB1, KiB4, MiB2 } from '../../src/image/pagetables.ts';
import { pattern, tmpDir } from './helpers.ts';

/**
 * Translation at large-page boundaries, for each container. Each scenario maps a big page, then
 * the next VA range with a smaller page, then 4 KiB pages at scattered PAs, writes bytes across
 * every boundary, and states where each VA must land. Expected values come from the placement,
 * never from the reader.
 */
interface Scenario {
  builder: DumpBuilder;
  /** Bytes placed at VAs (crossing page boundaries). */
  spans: { va: bigint; bytes: Uint8Array }[];
  /** VA → expected PA. */
  pas: { va: bigint; pa: bigint }[];
  /** VA → expected failure reason, per format (regex on TranslationError.reason). */
  failures: { va: bigint; reason: Partial<Record<ImageFormat, RegExp>> }[];
  kvaEnd?: bigint;
}

const MiB = 1n << 20n;

function amd64Scenario(): Scenario {
  const b = new DumpBuilder({ arch: 'amd64', ram: [{ start: 0x1000n, end: 0x9f000n }, { start: 0x100000n, end: 0x80000000n }] });
  const A = 0xfffffe0080000000n; // 1 GiB aligned, inside the minidump page map (from VM_MIN_KERNEL_ADDRESS)
  b.pt.map(A, 0x40000000n, GiB1);
  b.pt.map(A + GiB1, 0x30000000n, MiB2);
  const four = [0x31234000n, 0x30ffe000n, 0x35000000n];
  four.forEach((pa, i) => b.pt.map(A + GiB1 + MiB2 + BigInt(i) * KiB4, pa, KiB4));
  // Mapped, but to physical memory outside dump_avail (not in any dump).
  b.pt.map(A + GiB1 + MiB2 + 8n * KiB4, 0x90000000n, KiB4);
  const spans = [
    { va: A + 0x123n, bytes: pattern(64, 1) },
    { va: A + GiB1 - 24n, bytes: pattern(48, 2) }, // 1 GiB → 2 MiB
    { va: A + GiB1 + MiB2 - 40n, bytes: pattern(80, 3) }, // 2 MiB → 4 KiB
    { va: A + GiB1 + MiB2 + KiB4 - 7n, bytes: pattern(4096 + 14, 4) }, // 4 KiB → 4 KiB → 4 KiB
  ];
  for (const s of spans) b.writeVa(s.va, s.bytes);
  const dm = b.allocDmap(4096);
  b.writeVa(dm + 100n, pattern(32, 5));
  spans.push({ va: dm + 100n, bytes: pattern(32, 5) });
  return {
    builder: b,
    spans,
    pas: [
      { va: A + 0x123n, pa: 0x40000123n },
      { va: A + GiB1 - 1n, pa: 0x7fffffffn },
      { va: A + GiB1 + 5n, pa: 0x30000005n },
      { va: A + GiB1 + MiB2 - 1n, pa: 0x301fffffn },
      { va: A + GiB1 + MiB2, pa: four[0] },
      { va: A + GiB1 + MiB2 + KiB4 + 0x10n, pa: four[1] + 0x10n },
      { va: A + GiB1 + MiB2 + 2n * KiB4 + 0xfffn, pa: four[2] + 0xfffn },
      { va: dm + 100n, pa: dm - 0xfffff80000000000n + 100n },
    ],
    failures: [
      // Inside the 1 GiB page but nothing written there: absent from a minidump, zeros in a full dump.
      { va: A + 0x2000_0000n, reason: { 'amd64-minidump': /_amd64_minidump_vatop: physical address 0x60000000 not in minidump/ } },
      { va: A + GiB1 + MiB2 + 3n * KiB4, reason: { 'amd64-minidump': /_amd64_minidump_vatop: pte not valid/, 'amd64-elf': /_amd64_vatop: pte not valid/ } },
      { va: A + GiB1 + MiB2 + 8n * KiB4, reason: { 'amd64-minidump': /physical address 0x90000000 not in minidump/, 'amd64-elf': /_amd64_vatop: address not in dump/ } },
      { va: A + 3n * GiB1, reason: { 'amd64-minidump': /pde not valid/, 'amd64-elf': /pdpe not valid/ } },
      { va: 0x1000n, reason: { 'amd64-minidump': /virtual address 0x1000 not minidumped/, 'amd64-elf': /pml4e not valid/ } },
      { va: 0xfffff80000000000n + 0x2000000n, reason: { 'amd64-minidump': /direct map address 0xfffff80002000000 not in minidump/ } },
    ],
  };
}

function i386Scenario(pae: boolean): Scenario {
  const b = new DumpBuilder({ arch: 'i386', pae, ram: [{ start: 0x1000n, end: 0x9f000n }, { start: 0x100000n, end: 256n * MiB }] });
  const big = pae ? MiB2 : 4n * MiB;
  const A = 0x04000000n; // 64 MiB, above the kernel image and aligned for either superpage
  const bigPa = 192n * MiB;
  b.pt.map(A, bigPa, big);
  const four = [0x0a123000n, 0x0a0ff000n];
  four.forEach((pa, i) => b.pt.map(A + big + BigInt(i) * KiB4, pa, KiB4));
  const spans = [
    { va: A + 0x77n, bytes: pattern(40, 11) },
    { va: A + big - 16n, bytes: pattern(32, 12) }, // superpage → 4 KiB
    { va: A + big + KiB4 - 3n, bytes: pattern(9, 13) }, // 4 KiB → 4 KiB
  ];
  for (const s of spans) b.writeVa(s.va, s.bytes);
  const kvaEnd = A + 2n * big;
  return {
    builder: b,
    spans,
    kvaEnd,
    pas: [
      { va: A + 0x77n, pa: bigPa + 0x77n },
      { va: A + big - 1n, pa: bigPa + big - 1n },
      { va: A + big, pa: four[0] },
      { va: A + big + KiB4 + 1n, pa: four[1] + 1n },
    ],
    failures: [
      { va: A + 0x10000n, reason: { 'i386-minidump': pae ? /_i386_minidump_vatop_pae: physical address 0xc010000 not in minidump/ : /_i386_minidump_vatop: physical address 0xc010000 not in minidump/ } },
      { va: A + big + 5n * KiB4, reason: { 'i386-minidump': /pte not valid/ } },
      { va: 0x1000n, reason: { 'i386-minidump': /virtual address 0x1000 not minidumped/ } },
      { va: kvaEnd + big, reason: { 'i386-minidump': /beyond the page map/ } },
    ],
  };
}

function arm64Scenario(): Scenario {
  const b = new DumpBuilder({ arch: 'arm64', ram: [{ start: 0x40000000n, end: 0xc0000000n }] });
  const A = 0xffff000040000000n; // 1 GiB aligned kernel VA
  b.pt.map(A, 0x80000000n, GiB1);
  b.pt.map(A + GiB1, 0x50000000n, MiB2);
  const four = [0x51234000n, 0x50ffe000n];
  four.forEach((pa, i) => b.pt.map(A + GiB1 + MiB2 + BigInt(i) * KiB4, pa, KiB4));
  const spans = [
    { va: A + 0x321n, bytes: pattern(20, 21) },
    { va: A + GiB1 - 10n, bytes: pattern(20, 22) },
    { va: A + GiB1 + MiB2 - 10n, bytes: pattern(20, 23) },
    { va: A + GiB1 + MiB2 + KiB4 - 10n, bytes: pattern(20, 24) },
  ];
  for (const s of spans) b.writeVa(s.va, s.bytes);
  const dm = b.allocDmap(8192);
  b.writeVa(dm + 4090n, pattern(12, 25));
  spans.push({ va: dm + 4090n, bytes: pattern(12, 25) });
  const kvaEnd = A + GiB1 + 2n * MiB2;
  return {
    builder: b,
    spans,
    kvaEnd,
    pas: [
      { va: A + 0x321n, pa: 0x80000321n },
      { va: A + GiB1 - 1n, pa: 0xbfffffffn },
      { va: A + GiB1 + 3n, pa: 0x50000003n },
      { va: A + GiB1 + MiB2 + KiB4, pa: four[1] },
      { va: dm + 4090n, pa: dm - 0xffffa00000000000n + 0x40000000n + 4090n },
    ],
    failures: [
      { va: A + 0x100000n, reason: { 'arm64-minidump': /_aarch64_minidump_vatop: physical address 0x80100000 not in minidump/ } },
      { va: A + GiB1 + MiB2 + 4n * KiB4, reason: { 'arm64-minidump': /_aarch64_minidump_vatop: pde not valid/ } },
      { va: 0xffffa00000000000n + 0x30000000n, reason: { 'arm64-minidump': /direct map address 0xffffa00030000000 not in minidump/ } },
      { va: 0x0000000000400000n, reason: { 'arm64-minidump': /virtual address 0x400000 not minidumped/ } },
      { va: kvaEnd + MiB2, reason: { 'arm64-minidump': /beyond the page map/ } },
    ],
  };
}

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CASES: { label: string; make: () => Scenario; format: ImageFormat; version?: number }[] = [
  { label: 'amd64 minidump v3', make: amd64Scenario, format: 'amd64-minidump', version: 3 },
  { label: 'amd64 minidump v2', make: amd64Scenario, format: 'amd64-minidump', version: 2 },
  { label: 'amd64 ELF full dump', make: amd64Scenario, format: 'amd64-elf' },
  { label: 'i386 non-PAE minidump v2', make: () => i386Scenario(false), format: 'i386-minidump', version: 2 },
  { label: 'i386 PAE minidump v2', make: () => i386Scenario(true), format: 'i386-minidump', version: 2 },
  { label: 'i386 PAE minidump v1', make: () => i386Scenario(true), format: 'i386-minidump', version: 1 },
  { label: 'i386 non-PAE minidump v1', make: () => i386Scenario(false), format: 'i386-minidump', version: 1 },
  { label: 'arm64 minidump v2', make: arm64Scenario, format: 'arm64-minidump', version: 2 },
  { label: 'arm64 minidump v3', make: arm64Scenario, format: 'arm64-minidump', version: 3 },
  { label: 'arm64 minidump v1', make: arm64Scenario, format: 'arm64-minidump', version: 1 },
];

describe.each(CASES)('translation: $label', ({ label, make, format, version }) => {
  const s = make();
  const file = path.join(dir, label.replace(/\W+/g, '_'));
  const kernel = file + '.kernel';
  s.builder.writeImage(file, format, { version, kvaEnd: s.kvaEnd });
  s.builder.writeKernel(kernel);
  const img = openImage(file, kernel);
  afterAll(() => img.close());

  it('opens as the right format', () => {
    expect(img.format).toBe(format);
    if (version !== undefined) expect(img.info().version).toBe(version);
  });

  it('reads the placed bytes back across page boundaries', () => {
    for (const sp of s.spans) expect(Buffer.from(img.read(sp.va, sp.bytes.length)).equals(Buffer.from(sp.bytes)), `va 0x${sp.va.toString(16)}`).toBe(true);
  });

  it('translates to the physical addresses that were mapped', () => {
    for (const p of s.pas) {
      const t = img.translate(p.va);
      expect(t.pa, `va 0x${p.va.toString(16)}`).toBe(p.pa);
      expect(t.length).toBeGreaterThan(0);
      expect(img.physOffset(p.pa)).toBe(t.fileOffset);
    }
  });

  it('fails unmapped and missing addresses with libkvm reasons naming the address', () => {
    for (const f of s.failures) {
      const want = f.reason[format];
      if (!want) continue;
      let err: unknown;
      try {
        img.translate(f.va);
      } catch (e) {
        err = e;
      }
      expect(err, `va 0x${f.va.toString(16)}`).toBeInstanceOf(TranslationError);
      const te = err as TranslationError;
      expect(te.reason).toMatch(want);
      expect(te.va).toBe(f.va);
      expect(te.message).toContain(`invalid address (0x${f.va.toString(16)})`);
      expect(te.context.file).toBe(file);
      expect(() => img.read(f.va - 2n, 4)).toThrow(TranslationError);
    }
  });
});

describe('contiguous length, as libkvm reports it', () => {
  it('full dumps report up to the end of a 1 GiB or 2 MiB page; minidumps up to the 4 KiB page end', () => {
    const s = amd64Scenario();
    const A = 0xfffffe0080000000n;
    const f1 = path.join(dir, 'len-elf'), f2 = path.join(dir, 'len-mini'), k = path.join(dir, 'len-k');
    s.builder.writeImage(f1, 'amd64-elf');
    s.builder.writeImage(f2, 'amd64-minidump');
    s.builder.writeKernel(k);
    const elf = openImage(f1, k), mini = openImage(f2, k);
    expect(elf.translate(A + 0x123n).length).toBe(Number(GiB1) - 0x123);
    expect(elf.translate(A + GiB1 + 0x10n).length).toBe(Number(MiB2) - 0x10);
    expect(elf.translate(A + GiB1 + MiB2 + 0x10n).length).toBe(4096 - 0x10);
    expect(mini.translate(A + 0x123n).length).toBe(4096 - 0x123);
    elf.close();
    mini.close();
  });
});
