import { describe, expect, it } from 'vitest';
import { RecordView } from '../../src/codec/index.ts';
import { getLayout, type Leaf, type StructLayout } from '../../src/layout/index.ts';
import { prng as rng } from '../prng.ts';


/**
 * RecordView's writers against independent byte-level references: assign (C conversion, with
 * the 8-byte number path that avoids BigInt), orBits/clearBits (`|=` / `&= ~` on the low word)
 * and strlcpy (latin1 bytes written char by char), on both byte orders and both long sizes.
 */

const LAYOUTS: [string, StructLayout][] = (['amd64', 'powerpc64', 'i386', 'powerpc'] as const).map((a) => [a, getLayout('kinfo_proc', a, 'fbsd15')]);

/** The bytes `dst = x` leaves in an n-byte field: x modulo 2^(8n), in the layout's byte order. */
function cBytes(x: bigint, size: number, le: boolean): number[] {
  let u = BigInt.asUintN(size * 8, x);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(u & 0xffn));
    u >>= 8n;
  }
  return le ? out : out.reverse();
}

function fieldBytes(v: RecordView, l: Leaf): number[] {
  return [...v.bytes.subarray(v.offset + l.offset, v.offset + l.offset + l.size)];
}

function scalars(layout: StructLayout): Leaf[] {
  return layout.leaves().filter((l) => l.kind !== 'string' && l.count === undefined);
}

const EDGE_NUMBERS = [0, -0, 1, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 2 ** 32 + 1, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), -(2 ** 32) - 1, 2 ** 52, 2 ** 53 - 1, -(2 ** 53 - 1), 123456789012345, -98765432109876];
const EDGE_BIGINTS = [0n, -1n, (1n << 63n) - 1n, 1n << 63n, -(1n << 63n), (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 5n, -(1n << 64n) - 7n, 1n << 53n, (1n << 53n) + 1n, -(1n << 53n) - 1n, 0xdeadbeefcafebaben];

describe('RecordView.assign: C conversion into every scalar leaf', () => {
  for (const [arch, layout] of LAYOUTS) {
    // Buffer start × record offset: 8-byte aligned (64-bit word stores on a host-order layout),
    // a record at a 4-mod-8 offset, and a buffer that itself starts 4-mod-8 (DataView stores).
    for (const [start, at] of [[0, 8], [0, 12], [4, 8]]) {
      it(`${arch}, buffer +${start}, record +${at}: numbers (8-byte fields without BigInt) and bigints match x mod 2^(8·size)`, () => {
        const r = rng(7);
        const whole = new Uint8Array(start + layout.size + 24).fill(0x5a);
        const v = new RecordView(layout, whole.subarray(start), at);
        const numbers = [...EDGE_NUMBERS];
        for (let i = 0; i < 200; i++) numbers.push(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 53))));
        for (const l of scalars(layout)) {
          for (const x of numbers) {
            v.assign(l, x);
            expect(fieldBytes(v, l), `${l.path} = ${x}`).toEqual(cBytes(BigInt(x), l.size, layout.littleEndian));
          }
          for (const x of EDGE_BIGINTS) {
            v.assign(l, x);
            expect(fieldBytes(v, l), `${l.path} = ${x}n`).toEqual(cBytes(x, l.size, layout.littleEndian));
          }
        }
        // Nothing outside the record was touched.
        const outside = [...whole.subarray(0, start + at), ...whole.subarray(start + at + layout.size)];
        expect(outside).toEqual(new Array(outside.length).fill(0x5a));
      });
    }
  }

  it('by path and by Leaf write the same bytes; unsafe numbers are refused', () => {
    const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15');
    const a = new RecordView(layout);
    const b = new RecordView(layout);
    a.assign('ki_runtime', -5);
    b.assign(layout.leaf('ki_runtime'), -5);
    expect(a.bytes).toEqual(b.bytes);
    expect(() => a.assign('ki_runtime', 2 ** 53)).toThrow(/not an exact integer/);
    expect(() => a.assign(layout.leaf('ki_comm'), 1)).toThrow(/scalar leaf/);
  });
});

describe('RecordView.orBits / clearBits: |= and &= ~ on whatever the field holds', () => {
  for (const [arch, layout] of LAYOUTS) {
    it(arch, () => {
      const r = rng(11);
      const v = new RecordView(layout);
      for (const l of scalars(layout)) {
        for (let k = 0; k < 20; k++) {
          // Arbitrary prior contents (all bits of the field), arbitrary flag bits below 2^31.
          let prior = 0n;
          for (let i = 0; i < l.size; i++) prior = (prior << 8n) | BigInt(Math.floor(r() * 256));
          const bits = Math.floor(r() * 2 ** 31) & (k % 2 ? 0x7fffffff : 0xff);
          v.assign(l, prior);
          v.orBits(l, bits);
          expect(fieldBytes(v, l), `${l.path} ${prior} | ${bits}`).toEqual(cBytes(prior | BigInt(bits), l.size, layout.littleEndian));
          v.assign(l, prior);
          v.clearBits(l, bits);
          expect(fieldBytes(v, l), `${l.path} ${prior} & ~${bits}`).toEqual(cBytes(prior & ~BigInt(bits), l.size, layout.littleEndian));
        }
      }
      expect(() => v.orBits('ki_kiflag', 2 ** 31)).toThrow(/below 2\^31/);
    });
  }
});

describe('RecordView.strlcpy', () => {
  /** The reference: the string's latin1 bytes up to the first NUL, at most N−1 of them, then a NUL. */
  function reference(before: Uint8Array, off: number, size: number, s: string): Uint8Array {
    const out = before.slice();
    const src = Buffer.from(s, 'latin1');
    let len = src.indexOf(0);
    if (len < 0) len = src.length;
    const n = Math.min(len, size - 1);
    out.set(src.subarray(0, n), off);
    out[off + n] = 0;
    return out;
  }

  it('writes latin1 bytes (low byte of each UTF-16 unit), stops at the first NUL byte, keeps the tail', () => {
    const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15');
    const strings = ['', 'sh', 'a-long-thread-name-that-overflows', 'exactly19charsxxxxx', 'exactly20charsxxxxxx', 'nul\0inside', 'caf\u00e9', '\u0141\u0142', 'x\u0100y', '\ud83d\ude00!', 'z'.repeat(300)];
    const r = rng(3);
    for (const l of layout.leaves().filter((x) => x.kind === 'string')) {
      const v = new RecordView(layout);
      for (let i = 0; i < v.bytes.length; i++) v.bytes[i] = Math.floor(r() * 256);
      for (const s of strings) {
        const want = reference(v.bytes, l.offset, l.size, s);
        v.strlcpy(l, s);
        expect(v.bytes, `${l.path} ← ${JSON.stringify(s)}`).toEqual(want);
        // A byte source behaves the same as its string.
        const again = v.bytes.slice();
        v.strlcpy(l.path, Buffer.from(s, 'latin1'));
        expect(v.bytes).toEqual(again);
      }
    }
  });
});
