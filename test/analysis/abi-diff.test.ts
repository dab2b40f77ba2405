import { describe, expect, it } from 'vitest';
import { abiDiff, type AbiDiffReport, type Change } from '../../src/analysis/abi/index.ts';
import { ARCHES } from '../../src/layout/index.ts';
import { cloneRev, edit, ILP32, LP64 } from './abi-helpers.ts';

/*
 * Expected offsets are derived by hand from sys/sys/user.h member order and the ABI table of
 * ../shared/reference/abi.md, not from kvmkit's output:
 *
 *  LP64 kinfo_proc: 2 ints (8) + 8 pointers (64) = 72; 6 pid_t → 96; 2 shorts + u32 → 104; 4 sigset_t
 *  (16 each) → 168; 5 ids + 2 shorts → 192; 16 gid_t → 256; vm_size_t + 5 segsz_t (8 each) → 304;
 *  2 u_short + 5 u_int → 328; u_int64 → 336; 2 timeval (16) → 368; 2 long → 384; int + 6 chars → 394;
 *  strings 17+9+18+9+20+17+18+4 = 112 → 506; ki_sparestrings[46] → 552: ki_spareints[0] = 552,
 *  [1] = 556, ki_tdev (8-aligned) = 560. Ten 4-byte members + priority → 608; 2 rusage (16+16+14×8 =
 *  144) → 896; 5 pointers (pcb, kstack, udata, tdaddr, pd) → 936 = first spare pointer in fbsd14,
 *  ki_uerrmsg in fbsd15.
 *  i386 (ILP32, 8-byte ints 4-aligned, timeval 8, rusage 72): ki_sparestrings at 426 → 472 =
 *  ki_spareints[0]; ki_pd at 688 → 692 = ki_uerrmsg.
 *  armv7 / powerpc: as i386 except timeval = {int64; long} = 16 with 4 tail bytes (8-aligned): ki_start
 *  and ki_childtime add 16 before the spares → 488 / 492; the two rusage add 2×16 more → ki_uerrmsg
 *  at 692 + 48 = 740.
 *  Sizes: 1088 / 768 / 816 (KINFO_PROC_SIZE).
 */

function change(r: AbiDiffReport, kind: string, field: string): Change[] {
  return r.changes.filter((c) => c.kind === kind && c.field === field);
}

function offsets(c: Change): Record<string, number | undefined> {
  return Object.fromEntries(c.arches.map((a) => [a, c.perArch[a]!.to?.offset]));
}

describe('abi-diff fbsd15 → fbsd15-reaper (the seed change)', () => {
  const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: 'fbsd15-reaper' });

  it('compares all 8 arches, size unchanged, compatible only (exit: changes, not incompatible)', () => {
    expect(r.arches).toEqual([...ARCHES]);
    expect(r.sizeUnchanged).toBe(true);
    expect(r.sizes.amd64).toMatchObject({ from: 1088, to: 1088 });
    expect(r.sizes.i386).toMatchObject({ from: 768, to: 768 });
    expect(r.sizes.armv7).toMatchObject({ from: 816, to: 816 });
    expect(r.verdict).toBe('compatible');
    expect(r.exitCode).toBe(4);
    expect(r.counts.incompatible + r.counts.flagged).toBe(0);
  });

  it('reports ki_reaper and ki_reapsubtree as consumed spares of ki_spareints, KI_NSPARE_INT 2 → 0, on every arch', () => {
    const expected: Record<string, [number, number]> = { i386: [472, 476], armv7: [488, 492], powerpc: [488, 492] };
    for (const a of LP64) expected[a] = [552, 556];
    for (const [i, f] of (['ki_reaper', 'ki_reapsubtree'] as const).entries()) {
      const cs = change(r, 'spare-consumed', f);
      expect(cs).toHaveLength(1);
      const c = cs[0];
      expect(c.severity).toBe('compatible');
      expect(c.allArches).toBe(true);
      expect(c.summary).toMatch(/consumed spare ki_spareints\[/);
      for (const a of ARCHES) {
        expect(c.perArch[a]!.to).toMatchObject({ offset: expected[a][i], size: 4 });
        expect(c.perArch[a]!.spare).toMatchObject({ field: 'ki_spareints', constant: 'KI_NSPARE_INT', constantFrom: 2, constantTo: 0, fromCount: 2, toCount: 0 });
      }
    }
    // Nothing else: no moved, resized, removed field.
    expect(r.changes.map((c) => c.kind).sort()).toEqual(['spare-consumed', 'spare-consumed']);
  });

  it('kinfo_proc32: the upstream ki_pd fix and the reaper pids, each labelled with the revision that introduced it', () => {
    const r32 = abiDiff({ struct: 'kinfo_proc32', from: 'fbsd15', to: 'fbsd15-reaper' });
    expect(r32.steps.map((s) => s.revision)).toEqual(['main-a48e98c9', 'fbsd15-reaper']);
    expect(r32.exitCode).toBe(12);
    const by = (f: string, kind: string) => change(r32, kind, f)[0].introducedBy!.revision;
    expect(by('ki_pd', 'added')).toBe('main-a48e98c9');
    expect(by('ki_sflag', 'moved')).toBe('main-a48e98c9');
    expect(by('ki_tdev', 'type-changed')).toBe('main-a48e98c9');
    expect(by('ki_reaper', 'spare-consumed')).toBe('fbsd15-reaper');
    expect(by('ki_reapsubtree', 'spare-consumed')).toBe('fbsd15-reaper');
    expect(r32.compatEffect!.verdict).toBe('fixes');
  });
});

/*
 * kinfo_proc32, by hand from the freebsd32.h member lists (abi.md; layouts/revisions sources). The
 * compat record reproduces native i386 up to ki_tdaddr: 692 − 8 = 684 (see the header comment:
 * i386 ki_pd 688, ki_uerrmsg 692). fbsd15 (@ 5ecc60fb) then has ki_uerrmsg at 688, ki_spareptrs[4]
 * 692, ki_sparelongs[12] 692 + 16 = 708, ki_sflag 708 + 48 = 756, ki_tdflags 760, members end at 764.
 * main-a48e98c9 inserts uint32_t ki_pd at 688: ki_uerrmsg 692, ki_spareptrs 696, ki_sparelongs 712,
 * ki_sflag 760, ki_tdflags 764 (the native i386 offsets). arm64/powerpc64(le) are the armv7/powerpc
 * layout (+48) in both revisions. Sizes stay 768 / 816 (fbsd15: 4 bytes of tail padding).
 */
describe('abi-diff kinfo_proc32 fbsd15 → main-a48e98c9 (upstream adds the missing ki_pd)', () => {
  const r = abiDiff({ struct: 'kinfo_proc32', from: 'fbsd15', to: 'main-a48e98c9' });
  const D: Record<string, number> = { amd64: 0, arm64: 48, powerpc64: 48, powerpc64le: 48 };

  it('incompatible (exit 12): ki_pd inserted at 688 (+48), later fields move 4 bytes up; size unchanged', () => {
    expect(r.arches).toEqual(['amd64', 'arm64', 'powerpc64', 'powerpc64le']);
    expect(r.verdict).toBe('incompatible');
    expect(r.exitCode).toBe(12);
    expect(r.sizeUnchanged).toBe(true);
    const [pd] = change(r, 'added', 'ki_pd');
    expect(pd.severity).toBe('incompatible');
    for (const a of r.arches) expect(pd.perArch[a]!.to).toMatchObject({ offset: 688 + D[a], size: 4 });
    const moves: Record<string, [number, number]> = { ki_uerrmsg: [688, 692], ki_spareptrs: [692, 696], ki_sparelongs: [708, 712], ki_sflag: [756, 760], ki_tdflags: [760, 764] };
    for (const [f, [from, to]] of Object.entries(moves)) {
      const [c] = change(r, 'moved', f);
      expect(c.allArches).toBe(true);
      for (const a of r.arches) expect([c.perArch[a]!.from!.offset, c.perArch[a]!.to!.offset]).toEqual([from + D[a], to + D[a]]);
    }
  });

  it('says that this move is what makes the compat record match native', () => {
    expect(r.compatEffect!.verdict).toBe('fixes');
    expect(r.compatEffect!.text).toMatch(/make kinfo_proc32 reproduce the native 32-bit record/);
    // Per pair in fbsd15: ki_pd missing + 5 misplaced = 6 layout problems; none after.
    expect(r.compatEffect!.from).toEqual({ amd64: 6, arm64: 6, powerpc64: 6, powerpc64le: 6 });
    expect(r.compatEffect!.to).toEqual({ amd64: 0, arm64: 0, powerpc64: 0, powerpc64le: 0 });
    for (const f of ['ki_pd', 'ki_uerrmsg', 'ki_sflag', 'ki_tdflags']) expect(r.changes.find((c) => c.field === f)!.fixesCompat).toBe(true);
    expect(r.changes.find((c) => c.field === 'ki_tdev')!.fixesCompat).toBeUndefined();
  });
});

describe('abi-diff main-a48e98c9 → fbsd15-reaper: the reaper patch alone', () => {
  for (const struct of ['kinfo_proc', 'kinfo_proc32']) {
    it(`${struct}: exit 4, only ki_reaper and ki_reapsubtree, each a consumed spare`, () => {
      const r = abiDiff({ struct, from: 'main-a48e98c9', to: 'fbsd15-reaper' });
      expect(r.exitCode).toBe(4);
      expect(r.changes.map((c) => [c.kind, c.field])).toEqual([
        ['spare-consumed', 'ki_reaper'],
        ['spare-consumed', 'ki_reapsubtree'],
      ]);
      // 32-bit offsets 472/476 (spec §6.2) in kinfo_proc32 on amd64 and natively on i386; +16 where
      // timeval is 16 bytes (armv7, powerpc, and the arm64/powerpc64(le) compat records); 552/556 LP64.
      const exp = struct === 'kinfo_proc' ? { amd64: 552, i386: 472, armv7: 488 } : { amd64: 472, arm64: 488, powerpc64le: 488 };
      for (const [a, o] of Object.entries(exp)) expect(r.changes[0].perArch[a as 'amd64']!.to!.offset).toBe(o);
      expect(r.steps.map((s) => s.revision)).toEqual(['fbsd15-reaper']);
    });
  }
});

describe('abi-diff fbsd14 → fbsd15: ki_uerrmsg', () => {
  it('consumed a spare pointer (KI_NSPARE_PTR 5 → 4) at 936 (LP64), 692 (i386), 740 (armv7, powerpc)', () => {
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd14', to: 'fbsd15' });
    expect(r.exitCode).toBe(4);
    expect(r.sizeUnchanged).toBe(true);
    const [c] = change(r, 'spare-consumed', 'ki_uerrmsg');
    expect(c.allArches).toBe(true);
    expect(c.summary).toContain('ki_spareptrs[0]');
    expect(c.summary).toContain('KI_NSPARE_PTR 5 → 4');
    const exp: Record<string, number> = { i386: 692, armv7: 740, powerpc: 740 };
    for (const a of LP64) exp[a] = 936;
    expect(offsets(c)).toEqual(exp);
    for (const a of LP64) expect(c.perArch[a as 'amd64']!.to!.size).toBe(8);
    for (const a of ILP32) expect(c.perArch[a as 'i386']!.to!.size).toBe(4);
    expect(r.changes).toHaveLength(1);
  });
});

describe('deliberately broken revisions (built in memory)', () => {
  it('a field appended without consuming a spare: size change, CTASSERT fails, incompatible (exit 12)', () => {
    const bad = edit(cloneRev('fbsd15', 'bad-append'), 'kinfo_proc', 'ki_tdflags', ['long ki_tdflags', 'int ki_new'], true);
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: bad });
    expect(r.verdict).toBe('incompatible');
    expect(r.exitCode).toBe(12);
    expect(r.sizeUnchanged).toBe(false);
    // 1088 + 4 rounded up to the 8-byte struct alignment; i386 768 + 4 (4-aligned); armv7 816 + 4 → 824 (8-aligned).
    expect(r.sizes.amd64!.to).toBe(1096);
    expect(r.sizes.i386!.to).toBe(772);
    expect(r.sizes.armv7!.to).toBe(824);
    expect(change(r, 'ctassert-failed', '(struct)')[0].allArches).toBe(true);
    expect(change(r, 'size-changed', '(struct)')[0].allArches).toBe(true);
    const [add] = change(r, 'added', 'ki_new');
    expect(add.severity).toBe('incompatible');
    expect(add.perArch.amd64!.to!.offset).toBe(1088);
    // LP64: 4 bytes of tail padding appear after the new int.
    // LP64 (1092 → 1096) and armv7/powerpc (820 → 824, 8-aligned) get 4 bytes of tail padding; i386 (4-aligned) none.
    expect(change(r, 'tail-padding-appeared', '(tail)')[0].arches).toEqual(ARCHES.filter((a) => a !== 'i386'));
  });

  it('a field inserted in the middle moves every later field (ki_tdev 560 → 568 on LP64, 480 → 484 on i386)', () => {
    const bad = edit(cloneRev('fbsd15', 'bad-insert'), 'kinfo_proc', 'ki_spareints', ['int ki_new']);
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: bad });
    expect(r.exitCode).toBe(12);
    const [mv] = change(r, 'moved', 'ki_tdev');
    expect(mv.perArch.amd64!.from!.offset).toBe(560);
    expect(mv.perArch.amd64!.to!.offset).toBe(568);
    expect(mv.perArch.i386!.to!.offset).toBe(484);
    expect(change(r, 'added', 'ki_new')[0].summary).toMatch(/in the bytes of ki_spareints without reducing KI_NSPARE_INT/);
  });

  it('a 4-byte int carved from ki_sparelongs: consumed on ILP32, flagged on LP64 (long is 8 bytes there)', () => {
    const bad = edit(cloneRev('fbsd15', 'bad-longspare'), 'kinfo_proc', 'ki_sparelongs', ['int ki_newint']);
    bad.constants.KI_NSPARE_LONG = 11;
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: bad });
    // ILP32: int = long = 4 bytes, 4-aligned: exactly one slot of ki_sparelongs (i386 at 712 = after
    // ki_spareptrs[4] at 696..712).
    const ok = change(r, 'spare-consumed', 'ki_newint');
    expect(ok).toHaveLength(1);
    expect(ok[0].arches).toEqual(ILP32);
    expect(ok[0].perArch.i386!.to!.offset).toBe(712);
    // LP64: a 4-byte int in 8-byte, 8-aligned long slots: flagged; ki_sparelongs[11] starts at 984, so
    // 4 bytes of padding appear at 980, and KI_NSPARE_LONG dropped by 8 bytes for 4 used.
    const bad64 = change(r, 'spare-mismatch', 'ki_newint');
    expect(bad64).toHaveLength(1);
    expect(bad64[0].severity).toBe('flagged');
    expect(bad64[0].arches).toEqual(LP64);
    expect(bad64[0].perArch.amd64!.to).toMatchObject({ offset: 976, size: 4 });
    const acct = change(r, 'spare-accounting', 'ki_sparelongs');
    expect(acct[0].arches).toEqual(LP64);
    expect(r.changes.some((c) => c.kind === 'padding-appeared' && c.perArch.amd64?.to?.offset === 980 && c.perArch.amd64?.to?.size === 4)).toBe(true);
    // Nothing moved, size unchanged — but the spare rule is broken: flagged, exit 12.
    expect(r.sizeUnchanged).toBe(true);
    expect(r.changes.filter((c) => c.kind === 'moved')).toHaveLength(0);
    expect(r.verdict).toBe('flagged');
    expect(r.exitCode).toBe(12);
  });

  it('a pointer carved from the int spares: flagged on LP64 (8-aligned in 4-aligned slots), moves ki_tdev on i386', () => {
    const bad = edit(cloneRev('fbsd15', 'bad-ptr-in-ints'), 'kinfo_proc', 'ki_spareints', ['void *ki_newptr'], true);
    bad.constants.KI_NSPARE_INT = 0;
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: bad });
    expect(change(r, 'spare-mismatch', 'ki_newptr')[0].arches).toEqual(LP64);
    // i386: the 4-byte pointer takes one of two int slots, KI_NSPARE_INT 2 → 0 frees 8: ki_tdev (4-aligned) 480 → 476.
    const [mv] = change(r, 'moved', 'ki_tdev');
    expect(mv.arches).toEqual(['i386']);
    expect(mv.perArch.i386!.to!.offset).toBe(476);
    expect(r.verdict).toBe('incompatible');
    expect(r.exitCode).toBe(12);
  });

  it('a plain rename is compatible; a short taken from ki_spare_short1 is a consumed spare', () => {
    const d = cloneRev('fbsd15', 'renames');
    d.structs.kinfo_proc = d.structs.kinfo_proc.map((x) => x.replace('short ki_jobc', 'short ki_jobcount').replace('short ki_spare_short1', 'short ki_jobflags'));
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: d });
    const [rn] = change(r, 'renamed', 'ki_jobcount');
    expect(rn.summary).toContain('from ki_jobc');
    expect(rn.perArch.amd64!.to).toMatchObject({ offset: 96, size: 2 });
    expect(change(r, 'spare-consumed', 'ki_jobflags')[0].perArch.i386!.to).toMatchObject({ offset: 66, size: 2 });
    expect(r.exitCode).toBe(4);
  });

  it('identical revisions: exit 0', () => {
    const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: cloneRev('fbsd15', 'same') });
    expect(r.verdict).toBe('identical');
    expect(r.changes).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('--arch subsets and unknown arches', () => {
    expect(abiDiff({ struct: 'kinfo_proc32', from: 'fbsd14', to: 'fbsd15', arches: ['amd64,arm64'] }).arches).toEqual(['amd64', 'arm64']);
    expect(() => abiDiff({ struct: 'kinfo_proc32', from: 'fbsd14', to: 'fbsd15', arches: ['i386'] })).toThrow(/not defined on i386/);
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd14', to: 'fbsd15', arches: ['vax'] })).toThrow(/unknown arch/);
  });
});
