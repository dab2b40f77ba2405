import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allGolden, goldenBytes, goldenName, GOLDEN_DIR } from '../../dumps/golden.ts';

const file = (s: string, a: string, r: string) => fs.readFileSync(path.join(GOLDEN_DIR, goldenName(s, a, r)));

describe('golden record bytes (dumps/golden)', () => {
  it('48 files, each regenerated identically', () => {
    expect(allGolden()).toHaveLength(48);
    for (const [s, a, r] of allGolden()) expect(Buffer.from(goldenBytes(s, a, r)).equals(file(s, a, r))).toBe(true);
  });

  // Spot checks derived by hand from the header order and ABI rules, not from the engine:
  // ki_pid follows ki_structsize, ki_layout (4+4) and eight pointers: 8 + 8·8 = 72 on LP64, 8 + 8·4 = 40 on ILP32.
  it('ki_pid = 4242 (0x1092) where the ABI puts it, in the arch byte order', () => {
    expect([...file('kinfo_proc', 'amd64', 'fbsd15').subarray(72, 76)]).toEqual([0x92, 0x10, 0, 0]);
    expect([...file('kinfo_proc', 'powerpc64', 'fbsd15').subarray(72, 76)]).toEqual([0, 0, 0x10, 0x92]);
    expect([...file('kinfo_proc', 'i386', 'fbsd15').subarray(40, 44)]).toEqual([0x92, 0x10, 0, 0]);
    expect([...file('kinfo_proc', 'powerpc', 'fbsd15').subarray(40, 44)]).toEqual([0, 0, 0x10, 0x92]);
    expect([...file('kinfo_proc32', 'amd64', 'fbsd15').subarray(40, 44)]).toEqual([0x92, 0x10, 0, 0]);
  });

  it('ki_structsize is the record size', () => {
    for (const [s, a, r] of allGolden()) {
      const b = file(s, a, r);
      const le = !['powerpc', 'powerpc64'].includes(a);
      expect(le ? b.readInt32LE(0) : b.readInt32BE(0)).toBe(b.length);
    }
  });

  // ki_tdname (17 bytes) got strlcpy "nginx: worker pro" then "nginx": "nginx\0" followed by the
  // stale " worker pr\0" from the first copy (its own NUL at index 16).
  it('stale bytes after a strlcpy NUL are part of the record', () => {
    // amd64: ki_tdname follows ki_lastcpu_old at 393 → 394 (reference table §1.1).
    const b = file('kinfo_proc', 'amd64', 'fbsd15');
    expect(b.subarray(394, 411).toString('latin1')).toBe('nginx\0 worker pr\0');
  });

  it('ki_reaper/ki_reapsubtree only in fbsd15-reaper (bytes 552..559 on amd64 stay 0 before)', () => {
    expect([...file('kinfo_proc', 'amd64', 'fbsd15-reaper').subarray(552, 560)]).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
    expect([...file('kinfo_proc', 'amd64', 'fbsd15').subarray(552, 560)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...file('kinfo_proc32', 'amd64', 'fbsd15-reaper').subarray(472, 480)]).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('bundled sample image (dumps/sample)', async () => {
  const zlib = await import('node:zlib');
  const { SAMPLE, buildSample } = await import('../../dumps/sample.ts');
  it('is what dumps/sample.ts builds from the login-session scenario', () => {
    const built = buildSample();
    expect(zlib.gunzipSync(fs.readFileSync(SAMPLE.vmcore)).equals(built.vmcore)).toBe(true);
    expect(fs.readFileSync(SAMPLE.kernel).equals(built.kernel)).toBe(true);
  });
});
