import { describe, expect, it } from 'vitest';
import { RecordView } from '../../src/codec/index.ts';
import { copyoutPlan, kinfoProcOut, kinfoProcOutByRule } from '../../src/compat/index.ts';
import { archesFor, revisionNames } from '../../src/layout/index.ts';
import { prng as rng } from '../prng.ts';

/**
 * The compiled copyout (merged byte moves, PTRTRIM on the high word) against the copyout rule by
 * rule (C assignment through BigInt per element, as freebsd32_kinfo_proc_out states it), for every
 * arch and revision with a kinfo_proc32, on random native records: arbitrary bytes, with the
 * pointer-sized words biased to the PTRTRIM boundary (high word 0, low word anything; high word 1;
 * all ones), into dirty destination buffers at unaligned offsets.
 */


const plans: [string, string][] = [];
for (const rev of revisionNames()) for (const arch of archesFor(rev, 'kinfo_proc32')) plans.push([arch, rev]);

describe('compiled kinfo_proc32 copyout = the rules applied one by one', () => {
  it('covers every plan', () => expect(plans.length).toBeGreaterThan(3));
  for (const [arch, rev] of plans) {
    it(`${arch} ${rev}`, () => {
      const plan = copyoutPlan(arch, rev);
      const r = rng(arch.length * 31 + rev.length);
      const n = plan.native.size;
      const c = plan.compat.size;
      for (let rec = 0; rec < 60; rec++) {
        const src = new Uint8Array(n + 8);
        for (let i = 0; i < src.length; i++) src[i] = r() < 0.5 ? 0 : Math.floor(r() * 256);
        // Pointer-sized words at 8-byte offsets: PTRTRIM's boundary cases.
        for (let o = 0; o + 8 <= n; o += 8) {
          const x = r();
          const w = new DataView(src.buffer, o + (rec % 2) * 4, 8);
          if (x < 0.25) w.setBigUint64(0, BigInt(Math.floor(r() * 2 ** 32)), plan.native.littleEndian);
          else if (x < 0.3) w.setBigUint64(0, 0x1_0000_0000n, plan.native.littleEndian);
          else if (x < 0.35) w.setBigUint64(0, 0xffff_ffff_ffff_ffffn, plan.native.littleEndian);
        }
        const at = (rec % 2) * 4;
        const sv = new RecordView(plan.native, src, at);
        const a = new RecordView(plan.compat, new Uint8Array(c + 12).fill(0xa5), 4 + (rec % 3) * 4);
        const b = new RecordView(plan.compat, new Uint8Array(c + 12).fill(0xa5), 4 + (rec % 3) * 4);
        kinfoProcOut(plan, sv, a);
        kinfoProcOutByRule(plan, sv, b);
        expect(a.bytes, `record ${rec}`).toEqual(b.bytes);
      }
    });
  }
});
