import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../src/base/source.ts';
import { SparsePageSet, ceilDiv, type PhysRange } from '../../src/image/sparse.ts';
import { MASK64 } from '../../src/image/image.ts';
import { prng } from './helpers.ts';

/**
 * SparsePageSet.offset answers in O(1) (page numbers as doubles, a popcount prefix per 8 bitmap
 * bytes). It must give exactly what libkvm's _kvm_pa_bit_id + _kvm_pt_find give: checked here
 * against a direct transcription (BigInt bit id with 64-bit wrap-around, rank by counting every
 * bit before it) on random bitmaps, random dump_avail ranges with holes, and addresses in holes,
 * below the first range, past the last one and near 2^64.
 */
function reference(bitmap: Uint8Array, ranges: PhysRange[], sparseOff: number, P: number, pa: bigint): number | undefined {
  const Pb = BigInt(P);
  let adj = 0n;
  let id: bigint | undefined;
  for (const r of ranges) {
    if (pa >= r.end) {
      adj += ceilDiv(r.end, Pb) - r.start / Pb;
      continue;
    }
    id = (pa / Pb - r.start / Pb + adj) & MASK64;
    break;
  }
  if (id === undefined || id >= BigInt(bitmap.length) * 8n) return undefined;
  const n = Number(id);
  if (!((bitmap[n >> 3] >> (n & 7)) & 1)) return undefined;
  let rank = 0;
  for (let i = 0; i < n; i++) if ((bitmap[i >> 3] >> (i & 7)) & 1) rank++;
  return sparseOff + rank * P + Number(pa % Pb);
}

describe('SparsePageSet.offset (O(1) rank) equals libkvm bit id + rank', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random bitmap and dump_avail, seed ${seed}`, () => {
      const rnd = prng(seed);
      const P = 4096;
      const bitmapSize = 64 + Math.floor(rnd() * 400);
      const file = new Uint8Array(4096 + bitmapSize);
      for (let i = 0; i < bitmapSize; i++) file[4096 + i] = rnd() < 0.3 ? 0 : rnd() < 0.2 ? 0xff : Math.floor(rnd() * 256);
      // Ranges with holes between them, some ends not page-aligned, starting above 0.
      const ranges: PhysRange[] = [];
      let at = BigInt(P) * BigInt(1 + Math.floor(rnd() * 8));
      const nr = 1 + Math.floor(rnd() * 5);
      for (let i = 0; i < nr; i++) {
        const len = BigInt(P) * BigInt(1 + Math.floor(rnd() * 400)) + (rnd() < 0.3 ? BigInt(Math.floor(rnd() * P)) : 0n);
        ranges.push({ start: at, end: at + len });
        at += len + BigInt(P) * BigInt(Math.floor(rnd() * 50)) + BigInt(P);
      }
      const src = new BufferSource(file, `seed${seed}`);
      const set = new SparsePageSet(src, 4096, bitmapSize, 1 << 20, P, ranges);
      const last = ranges[ranges.length - 1].end;
      const probes: bigint[] = [0n, MASK64, MASK64 - 4095n, last, last - 1n, ranges[0].start, ranges[0].start - 1n];
      for (const r of ranges) probes.push(r.start, r.end - 1n, r.end, r.end + 4096n, r.start - 4096n);
      for (let i = 0; i < 3000; i++) probes.push(BigInt(Math.floor(rnd() * Number(last + 100000n))));
      for (const pa of probes) expect(set.offset(pa), `pa ${pa.toString(16)}`).toBe(reference(set.bitmap, ranges, 1 << 20, P, pa));
    });
  }
});
