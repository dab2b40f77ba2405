import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/codec/index.ts';
import { buildModel, KERN_PROC_INC_THREAD, KERN_PROC_PID, RU_COUNTERS, sysctlKernProc, type Rusage } from '../../src/kernel/index.ts';
import { T } from './fixture.ts';

/**
 * rufetch/rucollect and ki_rssize with 64-bit extremes, as a corrupt or adversarial dump could hold
 * them: counters near 2^63 and 2^64 whose sums wrap, a resident count that wraps with the kstack
 * pages. Expected values come from the rule computed here with BigInt, independently of the fill:
 * ru_maxrss is the maximum of p_ru and the threads' td_ru, the other counters the sum, each stored
 * into a 64-bit long (modulo 2^64); a thread record carries its own td_ru.
 */

type R = Record<string, any>;
const U64MAX = (1n << 64n) - 1n;
const values = [U64MAX, 1n << 63n, (1n << 63n) - 1n, (1n << 53n) + 1n, 0n, 12345n, U64MAX - 1n, 1n << 62n];

function setup(shift: number) {
  const m = buildModel(T, { arch: 'amd64' });
  const p = m.procs.get(11)!;
  const pick = (i: number) => values[(i + shift) % values.length];
  RU_COUNTERS.forEach((k, i) => {
    p.p_ru[k] = pick(i);
    p.p_threads.forEach((td, j) => (td.td_ru[k] = pick(i + 3 * j + 1)));
  });
  p.p_vmspace!.pm_resident_count = U64MAX - BigInt(shift);
  return { m, p };
}

function expected(pru: Rusage, tds: Rusage[], k: (typeof RU_COUNTERS)[number]): bigint {
  let x = pru[k];
  for (const r of tds) x = k === 'ru_maxrss' ? (x < r[k] ? r[k] : x) : x + r[k];
  return BigInt.asIntN(64, x); // ru_* are longs: the decoder reads them signed
}

describe('rusage counters and ki_rssize with 64-bit extremes (amd64, fbsd15)', () => {
  for (let shift = 0; shift < values.length; shift++) {
    it(`value rotation ${shift}`, () => {
      const { m, p } = setup(shift);
      const x = sysctlKernProc(m, { revision: 'fbsd15', op: KERN_PROC_PID | KERN_PROC_INC_THREAD, arg: 11 });
      expect(x.error).toBe(0);
      const recs = x.records.map((r) => decodeRecord(x.layout, x.bytes, r.offset) as R);
      expect(recs.length).toBe(p.p_threads.length);
      recs.forEach((rec, j) => {
        for (const k of RU_COUNTERS) expect(rec.ki_rusage[k], `thread ${j} ${k}`).toBe(BigInt.asIntN(64, p.p_threads[j].td_ru[k]));
      });
      const proc = sysctlKernProc(m, { revision: 'fbsd15', op: KERN_PROC_PID, arg: 11 });
      const rec = decodeRecord(proc.layout, proc.bytes, 0) as R;
      for (const k of RU_COUNTERS) expect(rec.ki_rusage[k], k).toBe(expected(p.p_ru, p.p_threads.map((td) => td.td_ru), k));
      const kstack = p.p_threads.reduce((s, td) => s + BigInt(td.td_kstack_pages), 0n);
      expect(rec.ki_rssize).toBe(BigInt.asIntN(64, p.p_vmspace!.pm_resident_count + kstack));
    });
  }
});
