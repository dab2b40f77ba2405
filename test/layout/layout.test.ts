import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHES, archesFor, computeLayout, getLayout, holes, loadRevision, revisionNames } from '../../src/layout/index.ts';
import { HAVE_REFERENCE, REFERENCE } from '../corpus.ts';

describe('layouts of every revision', () => {
  it('has the four revisions, oldest first (each after its base)', () => {
    expect(revisionNames()).toEqual(['fbsd14', 'fbsd15', 'main-a48e98c9', 'fbsd15-reaper']);
  });

  // Sizes from machine/proc.h as quoted in reference/abi.md — the kernel's own CTASSERT values.
  const KINFO_PROC_SIZE = { amd64: 1088, i386: 768, arm64: 1088, armv7: 816, powerpc: 816, powerpc64: 1088, powerpc64le: 1088, riscv64: 1088 };
  const KINFO_PROC32_SIZE = { amd64: 768, arm64: 816, powerpc64: 816, powerpc64le: 816 };
  for (const rev of ['fbsd14', 'fbsd15', 'main-a48e98c9', 'fbsd15-reaper']) {
    it(`${rev}: 8 kinfo_proc and 4 kinfo_proc32 layouts, every CTASSERT holds`, () => {
      expect(archesFor(rev, 'kinfo_proc')).toEqual([...ARCHES]);
      expect(archesFor(rev, 'kinfo_proc32')).toEqual(['amd64', 'arm64', 'powerpc64', 'powerpc64le']);
      for (const a of ARCHES) expect(getLayout('kinfo_proc', a, rev).size).toBe(KINFO_PROC_SIZE[a]);
      for (const [a, s] of Object.entries(KINFO_PROC32_SIZE)) expect(getLayout('kinfo_proc32', a, rev).size).toBe(s);
    });
  }

  it('refuses kinfo_proc32 where KINFO_PROC32_SIZE is not defined', () => {
    expect(() => getLayout('kinfo_proc32', 'i386', 'fbsd15')).toThrow(/does not exist on i386/);
    expect(() => getLayout('kinfo_proc32', 'riscv64', 'fbsd15')).toThrow(/KINFO_PROC32_SIZE is not defined/);
  });

  it('CTASSERT refuses two ints added to fbsd15 kinfo_proc outside the spares, on all 8 arches', () => {
    const base = loadRevision('fbsd15');
    const fields = [...base.structs.kinfo_proc];
    fields.splice(fields.indexOf('int ki_spareints[KI_NSPARE_INT]') + 1, 0, 'int ki_new1', 'int ki_new2');
    const broken = { ...base, revision: 'fbsd15-broken', structs: { ...base.structs, kinfo_proc: fields } };
    // 8 more bytes; every arch's kinfo_proc size is a multiple of its alignment and 8 is a multiple
    // of every alignment, so each size grows by exactly 8.
    const expected = { amd64: 1096, i386: 776, arm64: 1096, armv7: 824, powerpc: 824, powerpc64: 1096, powerpc64le: 1096, riscv64: 1096 };
    for (const a of ARCHES) {
      let msg = '';
      try {
        computeLayout(broken, 'kinfo_proc', a);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toContain('CTASSERT(sizeof(struct kinfo_proc) == KINFO_PROC_SIZE) fails');
      expect(msg).toContain(`expected ${KINFO_PROC_SIZE[a]} bytes, the layout is ${expected[a]} bytes`);
      expect(msg).toContain(`arch ${a}`);
      expect(msg).toContain('revision fbsd15-broken');
      expect(msg).toContain('struct kinfo_proc');
      // The same definition is accepted when enforcement is off (layout list shows the verdict).
      const l = computeLayout(broken, 'kinfo_proc', a, { enforce: false });
      expect(l.ctassert).toEqual({ macro: 'KINFO_PROC_SIZE', expected: KINFO_PROC_SIZE[a], holds: false });
    }
  });

  it('armv7 and powerpc: struct timeval is {int64, int32} + 4 bytes tail padding; i386 timeval is 8 bytes', () => {
    for (const a of ['armv7', 'powerpc']) {
      const l = getLayout('kinfo_proc', a, 'fbsd15');
      expect(l.field('ki_start').size).toBe(16);
      expect(l.leaf('ki_start.tv_sec')).toMatchObject({ size: 8, signed: true });
      expect(l.leaf('ki_start.tv_usec')).toMatchObject({ size: 4 });
      // ki_runtime (u_int64_t, 8-aligned) ends at 280, so ki_start lies at 280..295 with padding 292..295.
      expect(l.field('ki_start').offset).toBe(280);
      expect(holes(l).filter((h) => h.path === 'ki_start.(tail)')).toEqual([{ offset: 292, size: 4, kind: 'tail', after: 'ki_start.tv_usec', path: 'ki_start.(tail)' }]);
      // Six timevals in kinfo_proc (start, childtime, two in each rusage) → 24 bytes of padding in all.
      expect(holes(l).reduce((s, h) => s + h.size, 0)).toBe(24);
    }
    const i = getLayout('kinfo_proc', 'i386', 'fbsd15');
    expect(i.field('ki_start').size).toBe(8);
    expect(holes(i)).toEqual([]);
  });

  it('i386 4-aligns 8-byte integers inside structs; armv7 8-aligns them', () => {
    expect(getLayout('kinfo_proc', 'i386', 'fbsd15').field('ki_size').size).toBe(4);
    expect(getLayout('kinfo_proc', 'i386', 'fbsd15').field('ki_runtime').align).toBe(4);
    expect(getLayout('kinfo_proc', 'armv7', 'fbsd15').field('ki_runtime').align).toBe(8);
  });

  it('big-endian arches are big-endian, plain char is unsigned off x86', () => {
    expect(getLayout('kinfo_proc', 'powerpc64', 'fbsd15').littleEndian).toBe(false);
    expect(getLayout('kinfo_proc', 'powerpc', 'fbsd15').littleEndian).toBe(false);
    expect(getLayout('kinfo_proc', 'powerpc64le', 'fbsd15').littleEndian).toBe(true);
    expect(getLayout('kinfo_proc', 'amd64', 'fbsd15').leaf('ki_stat').signed).toBe(true);
    expect(getLayout('kinfo_proc', 'arm64', 'fbsd15').leaf('ki_stat').signed).toBe(false);
    expect(getLayout('kinfo_proc', 'arm64', 'fbsd15').leaf('ki_nice').signed).toBe(true);
  });

  it('fbsd14 kinfo_proc32 has no ki_pd: the real FreeBSD 13 compat record puts ki_sflag at 756', () => {
    const l = getLayout('kinfo_proc32', 'amd64', 'fbsd14');
    expect(() => l.field('ki_pd')).toThrow(/no field ki_pd/);
    expect(l.field('ki_sflag').offset).toBe(756);
    expect(l.field('ki_tdflags').offset).toBe(760);
    expect(holes(l)).toEqual([{ offset: 764, size: 4, kind: 'tail', after: 'ki_tdflags', path: '(tail)' }]);
    expect(getLayout('kinfo_proc', 'amd64', 'fbsd14').field('ki_pd').offset).toBe(928);
  });

  it('dotted leaves and array counts', () => {
    const l = getLayout('kinfo_proc', 'amd64', 'fbsd15');
    expect(l.leaf('ki_rusage.ru_utime.tv_sec')).toMatchObject({ offset: 608, size: 8, type: 'time_t' });
    expect(l.leaf('ki_groups')).toMatchObject({ offset: 192, size: 64, count: 16, elemSize: 4 });
    expect(l.leaf('ki_siglist.__bits')).toMatchObject({ offset: 104, count: 4 });
    expect(l.leaf('ki_comm')).toMatchObject({ kind: 'string', size: 20, type: 'char[20]' });
    expect(getLayout('kinfo_proc32', 'amd64', 'fbsd15-reaper').leaf('ki_runtime.val')).toMatchObject({ offset: 272, count: 2, elemSize: 4 });
    expect(getLayout('kinfo_proc32', 'arm64', 'fbsd15-reaper').leaf('ki_runtime.val')).toMatchObject({ size: 8 });
  });
});

/**
 * The reference's §1.1 table (amd64 native and 32-bit offsets of the fork, computed there by an
 * independent restatement of the headers) against the engine, field by field.
 */
describe.skipIf(!HAVE_REFERENCE)('offsets against the independent table in reference/freebsd-spec.md §1.1', () => {
  const text = HAVE_REFERENCE ? fs.readFileSync(path.join(REFERENCE, 'freebsd-spec.md'), 'utf8') : '';
  const rows = [...text.matchAll(/^\| \**(ki_\w+)\**(?:\[\d+\])?(?: \{[^}]*\})?(?: \([^)]*\))? \| \**(\d+)\** \| (\d+) \| \**(\d+)\** \| (\d+) \|/gm)].map((m) => ({ name: m[1], off64: +m[2], size64: +m[3], off32: +m[4], size32: +m[5] }));
  it('parses the table', () => expect(rows.length).toBeGreaterThan(80));
  it('every field matches on amd64 kinfo_proc, i386 kinfo_proc and amd64 kinfo_proc32 (fbsd15-reaper)', () => {
    const n = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
    const i = getLayout('kinfo_proc', 'i386', 'fbsd15-reaper');
    const c = getLayout('kinfo_proc32', 'amd64', 'fbsd15-reaper');
    for (const r of rows) {
      expect([r.name, n.field(r.name).offset, n.field(r.name).size]).toEqual([r.name, r.off64, r.size64]);
      expect([r.name, c.field(r.name).offset, c.field(r.name).size]).toEqual([r.name, r.off32, r.size32]);
      expect([r.name, i.field(r.name).offset, i.field(r.name).size]).toEqual([r.name, r.off32, r.size32]);
    }
  });
});
