import { describe, expect, it } from 'vitest';
import { calcru1, cputick2usec, mul64ByFraction, threadRux, zeroRux, type Thread } from '../../src/kernel/index.ts';

/**
 * calcru1 outside its fast path, and the uint64 wraps of kern_resource.c. Expected values are
 * worked out here by hand or from the exact quotient; mul64_by_fraction is allowed to fall short
 * of the exact quotient (it floors partial products), never to exceed it.
 */
const U64 = (1n << 64n) - 1n;

describe('mul64_by_fraction (sys/kern/kern_resource.c)', () => {
  it('is the exact quotient when a·b fits in 64 bits, or after one a mod c reduction', () => {
    expect(mul64ByFraction(1000n, 3000n, 7n)).toBe((1000n * 3000n) / 7n);
    expect(mul64ByFraction(1n << 40n, (1n << 30n) + 5n, 1n << 31n)).toBe((1n << 9n) * ((1n << 30n) + 5n));
  });

  it('falls short where the kernel does: a = 2^62+1, b = 3, c = 2^62+3 gives 1, not 2', () => {
    // s = 1: acc += a·1/c = 0; a = 2^63+2, b = 1; then a ≥ c: acc += 1, a = 2^62−1; return 1 + 0.
    const a = (1n << 62n) + 1n, c = (1n << 62n) + 3n;
    expect((a * 3n) / c).toBe(2n);
    expect(mul64ByFraction(a, 3n, c)).toBe(1n);
  });

  it('never exceeds the exact quotient and stays within a few units of it (b ≤ c, as ut ≤ tt)', () => {
    let seed = 12345n;
    const rnd = (bits: bigint) => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & U64;
      return seed >> (64n - bits);
    };
    for (let i = 0; i < 2000; i++) {
      const a = rnd(1n + (rnd(6n) % 62n)) ;
      const c = 1n + rnd(1n + (rnd(6n) % 63n));
      const b = c === 0n ? 0n : rnd(64n) % (c + 1n);
      const exact = (a * b) / c;
      const got = mul64ByFraction(a, b, c);
      expect(got <= exact, `${a}·${b}/${c}`).toBe(true);
      expect(exact - got <= 130n, `${a}·${b}/${c}: ${got} vs ${exact}`).toBe(true);
    }
  });

  it('returns 0 for a ≥ 2^63 ("can\'t happen" in the kernel)', () => {
    expect(mul64ByFraction(1n << 63n, 2n, 3n)).toBe(0n);
  });
});

describe('calcru1 and the folds, in uint64 arithmetic', () => {
  const freq = 1_000_000n; // one tick per microsecond: tu = rux_runtime
  it('outside the fast path (tu > 2^38 µs, ~76 h of CPU) the split goes through mul64_by_fraction', () => {
    const tu = (1n << 40n) + 12345n;
    const c = calcru1({ ...zeroRux(), rux_runtime: tu, rux_uticks: 1n, rux_sticks: 2n }, freq);
    expect(c.tu).toBe(tu);
    expect(c.uu).toBe(tu / 3n); // 1·tu fits: exact
    expect(c.su).toBe((2n * tu) / 3n);
  });

  it('tt = ut + st + it wraps: with ut = 2^64−1 and st = 2, tt is 1 and the fast path multiplies modulo 2^64', () => {
    const c = calcru1({ ...zeroRux(), rux_runtime: 10n, rux_uticks: U64, rux_sticks: 2n }, freq);
    expect(c.uu).toBe(((10n * U64) & U64) / 1n);
    expect(c.su).toBe(20n);
  });

  it('ruxagg\'s folds and cputick2usec wrap at 2^64', () => {
    const td = { td_rux: { ...zeroRux(), rux_runtime: U64, rux_uticks: U64 - 1n }, td_incruntime: 2n, td_uticks: 5n, td_sticks: 0n, td_iticks: 0n } as unknown as Thread;
    const r = threadRux(td);
    expect([r.rux_runtime, r.rux_uticks]).toEqual([1n, 3n]);
    // (t / f)·10⁶ + ((t mod f)·10⁶)/f with both products taken modulo 2^64
    const t = U64, f = 3n;
    expect(cputick2usec(t, f)).toBe((((t / f) * 1000000n) % (1n << 64n) + (((t % f) * 1000000n) % (1n << 64n)) / f) % (1n << 64n));
  });
});
