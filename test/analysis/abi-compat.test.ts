import { describe, expect, it } from 'vitest';
import { abiCheck, compatVsNative, copyoutRules, loadCopyout, type CompatReport } from '../../src/analysis/abi/index.ts';
import { cloneRev } from './abi-helpers.ts';

/*
 * Expected facts from the rules, not from kvmkit's output:
 *  - kinfo_proc32 exists where KINFO_PROC32_SIZE is defined: amd64 (→ i386), arm64 (→ armv7),
 *    powerpc64 and powerpc64le (→ powerpc); 768 / 816 / 816 / 816 bytes.
 *  - On amd64 a plain uint64_t member is 8-aligned; on i386 a 64-bit integer inside a struct is
 *    4-aligned. fbsd14/fbsd15 declare ki_runtime/ki_tdev uint64_t in kinfo_proc32: i386 offsets 272
 *    and 480 (see abi-diff.test.ts) are multiples of 8, so they agree, latently. main-a48e98c9 and
 *    fbsd15-reaper use freebsd32_uint64_t = two uint32_t words on amd64: 4-aligned like i386.
 *  - Member lists (abi.md, layouts/revisions/*.json sources): fbsd14 and fbsd15 kinfo_proc32 have no
 *    ki_pd (freebsd32.h 14-era, @ 5ecc60fb); main-a48e98c9 and the fork have it.
 *  - Copyout (freebsd-spec.md §2.6): upstream before a48e98c9 never copies ki_pd (FreeBSD 14 and 15);
 *    main-a48e98c9 and the fork copy every populated field.
 *  - powerpc64le is little-endian, powerpc big-endian (abi.md).
 */

const layoutProblems = (r: CompatReport) => r.pairs.flatMap((p) => p.findings.filter((f) => ['missing', 'extra', 'misplaced', 'resized', 'struct-size'].includes(f.kind)));

describe('compat-vs-native on the stored revisions', () => {
  const PAIRS = [
    ['amd64', 'i386', 768, 768],
    ['arm64', 'armv7', 816, 816],
    ['powerpc64', 'powerpc', 816, 816],
    ['powerpc64le', 'powerpc', 816, 816],
  ];
  for (const rev of ['main-a48e98c9', 'fbsd15-reaper']) {
    it(`${rev}: every kinfo_proc32 lays out like the native 32-bit kinfo_proc (no missing, misplaced or resized field)`, () => {
      const r = compatVsNative(rev);
      expect(r.pairs.map((p) => [p.arch, p.native, p.compatSize, p.nativeSize])).toEqual(PAIRS);
      expect(layoutProblems(r)).toEqual([]);
      const endian = r.pairs.flatMap((p) => p.findings.filter((f) => f.kind === 'endianness').map(() => p.arch));
      expect(endian).toEqual(['powerpc64le']);
      expect(r.verdict).toBe('warning');
    });
  }

  /*
   * Offsets by hand from the member lists. Native i386 (user.h, FreeBSD 15 body): ki_tdaddr 684,
   * ki_pd 688, ki_uerrmsg 692, ki_spareptrs[KI_NSPARE_PTR=4] 696..712 (fbsd14: ki_spareptrs[5] 692..712),
   * ki_sparelongs[12] 712..760, ki_sflag 760, ki_tdflags 764, size 768. The compat record has every
   * 32-bit member up to ki_tdaddr at the same offset (684), then no ki_pd: each later field starts 4
   * bytes lower; members end at 764 and the 8-aligned uint64_t members round the size to 768 (4 bytes
   * of tail padding). armv7/powerpc are i386 + 48 here (abi-diff.test.ts), arm64/powerpc64(le)
   * kinfo_proc32 likewise.
   */
  const LOW = {
    fbsd14: { fields: ['ki_pd', 'ki_sflag', 'ki_sparelongs', 'ki_spareptrs', 'ki_tdflags'], ki_spareptrs: [688, 692], ki_sparelongs: [708, 712], ki_sflag: [756, 760], ki_tdflags: [760, 764] },
    fbsd15: { fields: ['ki_pd', 'ki_sflag', 'ki_sparelongs', 'ki_spareptrs', 'ki_tdflags', 'ki_uerrmsg'], ki_uerrmsg: [688, 692], ki_spareptrs: [692, 696], ki_sparelongs: [708, 712], ki_sflag: [756, 760], ki_tdflags: [760, 764] },
  } as const;
  for (const rev of ['fbsd14', 'fbsd15'] as const) {
    it(`${rev}: kinfo_proc32 has no ki_pd, so every later field sits 4 bytes early on all four 64-bit arches`, () => {
      const r = compatVsNative(rev);
      expect(r.pairs.map((p) => [p.arch, p.native, p.compatSize, p.nativeSize])).toEqual(PAIRS);
      const want = LOW[rev] as Record<string, readonly number[] | readonly string[]>;
      for (const p of r.pairs) {
        const d = p.arch === 'amd64' ? 0 : 48;
        const f = Object.fromEntries(p.findings.filter((x) => x.severity === 'incompatible').map((x) => [x.field, x]));
        expect(Object.keys(f).sort()).toEqual(want.fields);
        expect(f.ki_pd.kind).toBe('missing');
        expect(f.ki_pd.native!.offset).toBe(688 + d);
        for (const k of want.fields as readonly string[]) {
          if (k === 'ki_pd') continue;
          const [c, n] = want[k] as readonly number[];
          expect([f[k].kind, f[k].compat!.offset, f[k].native!.offset]).toEqual(['misplaced', c + d, n + d]);
        }
        expect(p.findings.some((x) => x.kind === 'padding' && x.compat?.offset === 764 + d && x.compat.size === 4)).toBe(true);
      }
      expect(r.verdict).toBe('incompatible');
      expect(r.exitCode).toBe(12);
    });
  }

  for (const rev of ['fbsd14', 'fbsd15']) {
    it(`${rev}: the compat copyout never copies ki_pd (32-bit callers never see it)`, () => {
      const r = compatVsNative(rev);
      expect(r.copyout!.notCopied.map((n) => n.field)).toEqual(['ki_pd']);
      expect(r.copyout!.findings.map((f) => [f.kind, f.field])).toEqual([['not-copied', 'ki_pd']]);
    });
  }

  it('fbsd15 copies ki_uerrmsg (PTRTRIM) and CPs ki_tdev/ki_runtime into plain uint64_t members (Dr-Deep/HardenedBSD-src @ 04528b01)', () => {
    const c = compatVsNative('fbsd15').copyout!;
    expect(c.copied).toEqual(expect.arrayContaining([{ field: 'ki_uerrmsg', conversion: 'PTRTRIM' }, { field: 'ki_tdev', conversion: 'CP' }, { field: 'ki_runtime', conversion: 'CP' }]));
    expect(c.copied.map((x) => x.field)).not.toContain('ki_pd');
  });

  it('main-a48e98c9 and fbsd15-reaper: every native field is copied; FU64 ki_tdev/ki_runtime, PTRTRIM ki_pd; the fork also CPs ki_reaper/ki_reapsubtree', () => {
    for (const rev of ['main-a48e98c9', 'fbsd15-reaper']) {
      const c = compatVsNative(rev).copyout!;
      expect(c.notCopied).toEqual([]);
      expect(c.findings).toEqual([]);
      expect(c.copied).toEqual(expect.arrayContaining([{ field: 'ki_tdev', conversion: 'FU64' }, { field: 'ki_runtime', conversion: 'FU64' }, { field: 'ki_pd', conversion: 'PTRTRIM' }, { field: 'ki_uerrmsg', conversion: 'PTRTRIM' }]));
    }
    const main = compatVsNative('main-a48e98c9').copyout!;
    expect(main.copied.map((x) => x.field)).not.toContain('ki_reaper');
    expect(main.zeroed).toEqual(['ki_spare_short1', 'ki_spare_short2', 'ki_sparestrings', 'ki_spareints', 'ki_spareptrs', 'ki_sparelongs']);
    const reaper = compatVsNative('fbsd15-reaper').copyout!;
    expect(reaper.copied).toEqual(expect.arrayContaining([{ field: 'ki_reaper', conversion: 'CP' }, { field: 'ki_reapsubtree', conversion: 'CP' }]));
    expect(reaper.zeroed).toEqual(['ki_spare_short1', 'ki_spare_short2', 'ki_sparestrings', 'ki_spareptrs', 'ki_sparelongs']);
  });

  it('amd64 uint64_t members are 8-aligned in fbsd14/fbsd15 kinfo_proc32 (latent), 4-aligned like i386 from main-a48e98c9 on', () => {
    for (const rev of ['fbsd14', 'fbsd15']) {
      const amd = compatVsNative(rev).pairs.find((p) => p.arch === 'amd64')!;
      expect(amd.compatAlign).toBe(8);
      expect(amd.nativeAlign).toBe(4);
      const al = amd.findings.filter((f) => f.kind === 'alignment');
      expect(al.map((f) => [f.field, f.compat!.offset, f.compat!.align, f.native!.align, f.severity])).toEqual([
        ['ki_runtime', 272, 8, 4, 'info'],
        ['ki_tdev', 480, 8, 4, 'info'],
      ]);
    }
    for (const rev of ['main-a48e98c9', 'fbsd15-reaper']) {
      const amd = compatVsNative(rev).pairs.find((p) => p.arch === 'amd64')!;
      expect(amd.compatAlign).toBe(4);
      expect(amd.findings.filter((f) => f.kind === 'alignment')).toEqual([]);
    }
  });
});

describe('compat-vs-native on broken in-memory revisions', () => {
  it('a uint64_t in kinfo_proc32 lands 4 bytes off when the i386 offset is not a multiple of 8', () => {
    // One spare int instead of two, in both records: i386 ki_tdev (4-aligned) at 472 + 4 = 476;
    // amd64 kinfo_proc32 with a plain uint64_t (8-aligned) at 480.
    const d = cloneRev('fbsd15', 'odd-spares');
    d.constants.KI_NSPARE_INT = 1;
    const r = compatVsNative(d, { copyout: false });
    const amd = r.pairs.find((p) => p.arch === 'amd64')!;
    const tdev = amd.findings.find((f) => f.field === 'ki_tdev')!;
    expect(tdev.kind).toBe('misplaced');
    expect(tdev.compat!.offset).toBe(480);
    expect(tdev.native!.offset).toBe(476);
    expect(r.verdict).toBe('incompatible');
    expect(r.exitCode).toBe(12);
    // arm64 → armv7: uint64_t is 8-aligned on both, so ki_tdev still agrees there.
    expect(r.pairs.find((p) => p.arch === 'arm64')!.findings.filter((f) => f.field === 'ki_tdev' && f.severity === 'incompatible')).toEqual([]);
    // The same change with freebsd32_uint64_t (fbsd15-reaper's compat types) keeps amd64 in step with i386.
    const f = cloneRev('fbsd15-reaper', 'odd-spares-fu64');
    f.structs.kinfo_proc = f.structs.kinfo_proc.map((x) => (x === 'pid_t ki_reapsubtree' ? 'int ki_spareints[1]' : x));
    f.structs.kinfo_proc32 = f.structs.kinfo_proc32.map((x) => (x === 'pid_t ki_reapsubtree' ? 'int ki_spareints[1]' : x));
    f.constants.KI_NSPARE_INT = 0;
    f.structs.kinfo_proc.splice(f.structs.kinfo_proc.indexOf('int ki_spareints[1]'), 1);
    f.structs.kinfo_proc32.splice(f.structs.kinfo_proc32.indexOf('int ki_spareints[1]'), 1);
    const g = compatVsNative(f, { copyout: false }).pairs.find((p) => p.arch === 'amd64')!;
    expect(g.findings.filter((x) => x.severity === 'incompatible')).toEqual([]);
  });

  it('a field missing from kinfo_proc32 and a resized one are reported per pair', () => {
    const d = cloneRev('main-a48e98c9', 'compat-broken');
    d.structs.kinfo_proc32 = d.structs.kinfo_proc32.filter((x) => x !== 'uint32_t ki_uerrmsg').map((x) => (x === 'int ki_sflag' ? 'short ki_sflag' : x));
    const r = compatVsNative(d, { copyout: false });
    for (const p of r.pairs) {
      expect(p.findings.find((f) => f.field === 'ki_uerrmsg')!.kind).toBe('missing');
      // with ki_uerrmsg gone, every later field is misplaced
      expect(p.findings.find((f) => f.field === 'ki_sflag')!.kind).toMatch(/misplaced|resized/);
    }
  });

  it('copyout rules: a field omitted from the rules is reported as never copied', () => {
    const file = JSON.parse(JSON.stringify(loadCopyout()));
    file.revisions['fbsd15-reaper'].omit = ['ki_uerrmsg'];
    const r = compatVsNative('fbsd15-reaper', { copyout: file });
    expect(r.copyout!.notCopied.map((n) => n.field)).toEqual(['ki_uerrmsg']);
    expect(copyoutRules('fbsd15-reaper')!.conv.get('ki_runtime')).toBe('FU64');
    expect(copyoutRules('fbsd15')!.conv.get('ki_runtime')).toBe('CP');
  });

  it('copyout rules: FU64 into a plain uint64_t member is a conversion error', () => {
    const file = JSON.parse(JSON.stringify(loadCopyout()));
    file.revisions['fbsd15'].move = { FU64: ['ki_tdev'] };
    const r = compatVsNative('fbsd15', { copyout: file });
    expect(r.copyout!.findings.filter((f) => f.kind === 'copyout-conversion').map((f) => f.field)).toEqual(['ki_tdev']);
  });
});

describe('abiCheck', () => {
  it('fbsd15-reaper against its base main-a48e98c9: CTASSERT holds on all 8 + 4 layouts, compatible (exit 4)', () => {
    const r = abiCheck({ struct: 'kinfo_proc', rev: 'fbsd15-reaper' });
    expect(r.base).toBe('main-a48e98c9');
    expect(r.ctassert).toHaveLength(12);
    expect(r.ctassert.every((c) => c.holds)).toBe(true);
    expect(r.spareRule!.verdict).toBe('compatible');
    expect(r.exitCode).toBe(4);
  });

  it('fbsd14 (no base): compat record lacks ki_pd → incompatible, exit 12', () => {
    const r = abiCheck({ struct: 'kinfo_proc32', rev: 'fbsd14' });
    expect(r.spareRule).toBeUndefined();
    expect(r.ctassert.every((c) => c.holds)).toBe(true);
    expect(r.problems.some((p) => p.includes('ki_pd'))).toBe(true);
    expect(r.exitCode).toBe(12);
  });

  it('a broken revision: CTASSERT fails and the spare rule is violated → exit 12', () => {
    const d = cloneRev('fbsd15-reaper', 'grown');
    d.structs.kinfo_proc.push('int ki_extra');
    const r = abiCheck({ struct: 'kinfo_proc', rev: d });
    expect(r.ctassert.filter((c) => !c.holds).map((c) => c.arch)).toHaveLength(8);
    expect(r.verdict).toBe('incompatible');
    expect(r.exitCode).toBe(12);
  });
});
