import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { abiCheck, abiDiff, formatDiffStat, loadSuppressions } from '../../src/analysis/abi/index.ts';
import { decodeRecord, recordToJson } from '../../src/codec/index.ts';
import { KERN_PROC_ALL, sysctlKernProc } from '../../src/kernel/index.ts';
import { loadScenarioFile } from '../../src/kernel/scenario.ts';
import { cloneRev } from './abi-helpers.ts';

/*
 * The CI gate (issue 10 items 4-7). Offsets by hand from the member lists (see abi-diff.test.ts):
 * native i386 ki_pd 688, ki_uerrmsg 692, ki_spareptrs 696, ki_sparelongs 712, ki_sflag 760,
 * ki_tdflags 764; fbsd15's kinfo_proc32 (no ki_pd) has each 4 bytes lower: 688, 692, 708, 756, 760.
 * armv7/powerpc and the arm64/powerpc64(le) compat records are 48 higher.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SUPP = path.join(ROOT, 'layouts/abi-suppressions.json');
function kvmkit(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kvmkit'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-gate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('abi-check --struct kinfo_proc --rev fbsd15: incompatible, every misplaced compat field named with both offsets', () => {
  const r = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'fbsd15', '--json');
  const j = JSON.parse(r.out);
  const PAIRS: [string, string, number][] = [['amd64', 'i386', 0], ['arm64', 'armv7', 48], ['powerpc64', 'powerpc', 48], ['powerpc64le', 'powerpc', 48]];
  const MOVED: Record<string, [number, number]> = { ki_uerrmsg: [688, 692], ki_spareptrs: [692, 696], ki_sparelongs: [708, 712], ki_sflag: [756, 760], ki_tdflags: [760, 764] };

  it('exit 12 (bit 8), verdict incompatible', () => {
    expect(r.code).toBe(12);
    expect(j.verdict).toBe('incompatible');
    expect(j.counts.incompatible).toBe(24); // 4 pairs × (ki_pd missing + 5 misplaced)
  });
  it('--json: per pair, ki_pd missing and each later field with compat and native offsets', () => {
    expect(j.compat.pairs.map((p: { arch: string; native: string }) => [p.arch, p.native])).toEqual(PAIRS.map(([a, n]) => [a, n]));
    for (const [arch, , d] of PAIRS) {
      const p = j.compat.pairs.find((x: { arch: string }) => x.arch === arch);
      const f = (name: string) => p.findings.find((x: { field: string; severity: string }) => x.field === name && x.severity === 'incompatible');
      expect(f('ki_pd')).toMatchObject({ kind: 'missing', native: { offset: 688 + d } });
      for (const [name, [c, n]] of Object.entries(MOVED)) expect(f(name)).toMatchObject({ kind: 'misplaced', compat: { offset: c + d }, native: { offset: n + d } });
    }
  });
  it('text: the same findings, one line each with both offsets', () => {
    const t = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'fbsd15');
    expect(t.code).toBe(12);
    expect(t.out).toMatch(/compat amd64 vs native i386: incompatible: ki_sflag: at offset 756 in kinfo_proc32 on amd64, 760 natively on i386/);
    expect(t.out).toMatch(/compat arm64 vs native armv7: incompatible: ki_tdflags: at offset 808 in kinfo_proc32 on arm64, 812 natively on armv7/);
    expect(t.out).toMatch(/compat powerpc64 vs native powerpc: incompatible: ki_pd: native struct pwddesc \* at offset 736/);
  });
  it('--arch amd64 checks one pair only', () => {
    const a = abiCheck({ struct: 'kinfo_proc', rev: 'fbsd15', arches: ['amd64'] });
    expect(a.compat.pairs.map((p: { arch: string }) => p.arch)).toEqual(['amd64']);
    expect(a.ctassert.map((c: { arch: string }) => c.arch)).toEqual(['amd64', 'amd64']);
    expect(a.counts.incompatible).toBe(6);
  });
});

describe('main-a48e98c9 and fbsd15-reaper: compat matches native; the gate passes after review', () => {
  for (const rev of ['main-a48e98c9', 'fbsd15-reaper']) {
    it(`${rev}: no layout problem on amd64↔i386, arm64↔armv7, powerpc64↔powerpc`, () => {
      const r = abiCheck({ struct: 'kinfo_proc', rev });
      for (const p of r.compat.pairs.filter((x) => x.arch !== 'powerpc64le')) expect(p.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(r.counts.incompatible).toBe(0);
    });
  }
  it('without suppressions the powerpc64le endianness note keeps main-a48e98c9 at exit 4', () => {
    expect(abiCheck({ struct: 'kinfo_proc', rev: 'main-a48e98c9' }).exitCode).toBe(4);
  });
  it('with layouts/abi-suppressions.json: exit 0, the suppression and the unverified FU64 copyout listed (text and JSON)', () => {
    const t = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'main-a48e98c9', '--suppressions', SUPP);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/\[suppressed\] compat powerpc64le vs native powerpc: warning: \(struct\): .*reason: .*GENERIC64LE/);
    expect(t.out).toMatch(/UNVERIFIED \(main-a48e98c9\): copyout FU64 of ki_tdev, ki_runtime: the FU64_CP macro body was not read/);
    const j = JSON.parse(JSON.stringify(abiCheck({ struct: 'kinfo_proc', rev: 'main-a48e98c9', suppressions: loadSuppressions(SUPP) })));
    expect(j.exitCode).toBe(0);
    expect(j.suppressed).toHaveLength(1);
    expect(j.suppressed[0]).toMatchObject({ struct: 'kinfo_proc32', arches: ['powerpc64le'], kind: 'endianness' });
    expect(j.unverified).toEqual([expect.objectContaining({ revision: 'main-a48e98c9', what: 'conversion', conversion: 'FU64', field: 'ki_tdev, ki_runtime' })]);
    expect(j.sources.kinfo_proc32).toMatchObject({ repo: 'freebsd/freebsd-src', path: 'sys/compat/freebsd32/freebsd32.h', commit: 'a48e98c9' });
  });
  it('--stat: one line per verdict class', () => {
    const s = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'main-a48e98c9', '--suppressions', SUPP, '--stat');
    expect(s.code).toBe(0);
    expect(s.out.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual(['abi-check kinfo_proc main-a48e98c9: ok', 'incompatible 0', 'changes      0', 'suppressed   1', 'unverified   1', 'exit 0']);
    expect(formatDiffStat(abiDiff({ struct: 'kinfo_proc32', from: 'fbsd15', to: 'main-a48e98c9' }))).toMatch(/incompatible 6\n[^]*exit 12$/);
  });
  it('abi-diff --suppressions: the reaper fields accepted as consumed spares → exit 0, listed', () => {
    const f = path.join(tmp, 'reaper.json');
    fs.writeFileSync(f, JSON.stringify({ suppressions: [{ kind: 'spare-consumed', revision: 'fbsd15-reaper', reason: 'reviewed: FreeBSD bug 293871 takes both ki_spareints slots' }] }));
    const j = abiDiff({ struct: 'kinfo_proc', from: 'main-a48e98c9', to: 'fbsd15-reaper', suppressions: loadSuppressions(f) });
    expect(j.exitCode).toBe(0);
    expect(j.changes).toEqual([]);
    expect(j.suppressed.map((s: { field: string }) => s.field)).toEqual(['ki_reaper', 'ki_reapsubtree']);
  });
  it('a suppression without a reason, or with an unknown key: usage error naming the file and entry', () => {
    const f = path.join(tmp, 'bad.json');
    fs.writeFileSync(f, JSON.stringify({ suppressions: [{ arch: 'powerpc64le', kind: 'endianness' }] }));
    const r = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'main-a48e98c9', '--suppressions', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json: suppressions\[0\]: every suppression needs a "reason"/);
    fs.writeFileSync(f, JSON.stringify({ suppressions: [{ arches: 'x', reason: 'r' }] }));
    expect(() => loadSuppressions(f)).toThrow(/unknown key "arches"/);
  });
});

describe('the fact trail: a verdict that rests on an inferred member says so', () => {
  it('an inferred kinfo_proc32 member marks the changes on it and is listed', () => {
    const d = cloneRev('main-a48e98c9', 'guessed') as ReturnType<typeof cloneRev> & { inferred: Record<string, string> };
    d.inferred = { 'kinfo_proc32.ki_pd': 'position guessed, not read' };
    const r = abiDiff({ struct: 'kinfo_proc32', from: 'fbsd15', to: d });
    expect(r.unverified).toEqual([{ revision: 'guessed', what: 'member', struct: 'kinfo_proc32', field: 'ki_pd', why: 'position guessed, not read' }]);
    expect(r.changes.find((c) => c.field === 'ki_pd')!.unverified).toBe(true);
    expect(r.changes.find((c) => c.field === 'ki_sflag')!.unverified).toBeUndefined();
    const c = abiCheck({ struct: 'kinfo_proc', rev: d, base: false });
    expect(c.unverified.map((u) => u.field)).toContain('ki_pd');
  });
  it('every stored revision names the repo, path and commit of each struct', () => {
    for (const rev of ['fbsd14', 'fbsd15', 'main-a48e98c9', 'fbsd15-reaper']) {
      const s = abiCheck({ struct: 'kinfo_proc', rev, base: false }).sources as Record<string, { repo: string; path: string; commit: string }>;
      for (const st of ['kinfo_proc', 'kinfo_proc32']) expect(s[st]).toMatchObject({ repo: expect.any(String), path: expect.stringMatching(/user\.h|freebsd32\.h/), commit: expect.any(String) });
    }
  });
});

describe('freebsd32_uint64_t members print as the 64-bit value they hold (sysctl, ps, decode, encode)', () => {
  const S = path.join(ROOT, 'dumps/scenarios/login-session.json');
  it('sysctl --compat32 on fbsd15-reaper amd64: table, JSON equal to the native values, and the bytes at 480 (ki_tdev)', () => {
    const t = kvmkit('sysctl', S, '--arch', 'amd64', '--rev', 'fbsd15-reaper', '--compat32');
    expect(t.code).toBe(0);
    expect(t.err).toBe('');
    const compat = JSON.parse(kvmkit('sysctl', S, '--arch', 'amd64', '--rev', 'fbsd15-reaper', '--compat32', '--json').out);
    const n = sysctlKernProc(loadScenarioFile(S, 'amd64'), { op: KERN_PROC_ALL, revision: 'fbsd15-reaper' });
    const native = n.records.map((x) => recordToJson(n.layout, decodeRecord(n.layout, n.bytes, x.offset)));
    expect(compat.map((r: { ki_tdev: unknown; ki_runtime: unknown }) => [r.ki_tdev, r.ki_runtime])).toEqual(native.map((r) => [r.ki_tdev, r.ki_runtime]));
    expect(compat.some((r: { ki_runtime: number }) => typeof r.ki_runtime === 'number' && r.ki_runtime > 0)).toBe(true);
    const bin = path.join(tmp, 'c.bin');
    kvmkit('sysctl', S, '--arch', 'amd64', '--rev', 'fbsd15-reaper', '--compat32', '-o', bin);
    const b = fs.readFileSync(bin);
    // i386 ki_tdev at 480 (abi-diff.test.ts), two LE words low first = one LE uint64.
    for (let i = 0; i < compat.length; i++) expect(b.readBigUInt64LE(i * 768 + 480).toString()).toBe(String(compat[i].ki_tdev));
    // decode --json → encode gives the same bytes back.
    const js = path.join(tmp, 'c.json');
    fs.writeFileSync(js, kvmkit('decode', bin, '--struct', 'kinfo_proc32', '--arch', 'amd64', '--rev', 'fbsd15-reaper', '--json').out);
    const back = path.join(tmp, 'c2.bin');
    expect(kvmkit('encode', js, '--struct', 'kinfo_proc32', '--arch', 'amd64', '--rev', 'fbsd15-reaper', '-o', back).code).toBe(0);
    expect(fs.readFileSync(back).equals(b)).toBe(true);
    const d = kvmkit('decode', bin, '--struct', 'kinfo_proc32', '--arch', 'amd64', '--rev', 'fbsd15-reaper');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/record\(s\) of struct kinfo_proc32, amd64, fbsd15-reaper/);
  });
  it('ps --compat32 on main-a48e98c9 amd64: the table', () => {
    const t = kvmkit('ps', '--scenario', S, '--arch', 'amd64', '--rev', 'main-a48e98c9', '--compat32');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/init/);
  });
});
