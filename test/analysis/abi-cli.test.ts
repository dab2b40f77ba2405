import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchAbiDiff } from '../../src/analysis/abi/index.ts';
import { cloneRev, edit } from './abi-helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
function kvmkit(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kvmkit'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-abi-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
function revFile(name: string, def: unknown): string {
  const f = path.join(tmp, `${name}.json`);
  fs.writeFileSync(f, JSON.stringify(def));
  return f;
}

describe('kvmkit abi-diff (subprocess): exit bits like libabigail', () => {
  it('fbsd15 → fbsd15-reaper on all arches: exit 4 (changes, not incompatible); text collapses arches', () => {
    const r = kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', 'fbsd15-reaper');
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/ki_reaper: compatible: consumed spare ki_spareints\[0\].*— all arches/);
    expect(r.out).toMatch(/size unchanged/);
  });

  it('--json: the documented shape', () => {
    const r = kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd14', '--to', 'fbsd15', '--json');
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual(['arches', 'changes', 'counts', 'exitCode', 'from', 'sizeUnchanged', 'sizes', 'steps', 'struct', 'suppressed', 'to', 'unverified', 'verdict'].sort());
    expect(j.steps).toEqual([{ revision: 'fbsd15', change: expect.stringContaining('ki_uerrmsg') }]);
    expect(j.changes).toHaveLength(1);
    expect(j.changes[0]).toMatchObject({ kind: 'spare-consumed', field: 'ki_uerrmsg', severity: 'compatible', allArches: true });
    expect(j.changes[0].perArch.amd64.to).toMatchObject({ offset: 936, size: 8 });
  });

  it('identical revisions: exit 0', () => {
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', 'fbsd15').code).toBe(0);
  });

  it('a revision file with a field added without consuming a spare: exit 12', () => {
    const f = revFile('bad-append', edit(cloneRev('fbsd15-reaper', 'bad-append'), 'kinfo_proc', 'ki_sflag', ['int ki_new']));
    const r = kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15-reaper', '--to', f);
    expect(r.code).toBe(12);
    expect(r.out).toMatch(/CTASSERT\(sizeof\(struct kinfo_proc\) == KINFO_PROC_SIZE\) fails/);
  });

  it('a 4-byte field in the long spares: flagged, exit 12; on i386 alone it is a clean consumption, exit 4', () => {
    const d = edit(cloneRev('fbsd15', 'bad-longs'), 'kinfo_proc', 'ki_sparelongs', ['int ki_newint']);
    d.constants.KI_NSPARE_LONG = 11;
    const f = revFile('bad-longs', d);
    const all = kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', f, '--json');
    expect(all.code).toBe(12);
    expect(JSON.parse(all.out).verdict).toBe('flagged');
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', f, '--arch', 'i386').code).toBe(4);
  });

  it('usage errors: exit 2; unwritable --html: exit 1', () => {
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15').code).toBe(2);
    expect(kvmkit('abi-diff', '--struct', 'nope', '--from', 'fbsd15', '--to', 'fbsd14').code).toBe(2);
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd99', '--to', 'fbsd14').code).toBe(2);
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc32', '--from', 'fbsd14', '--to', 'fbsd15', '--arch', 'i386').code).toBe(2);
    expect(kvmkit('abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd14', '--to', 'fbsd15', '--html', path.join(tmp, 'no/such/dir/x.html')).code).toBe(1);
  });

  it('--help documents the JSON shape and the exit bits', () => {
    const r = kvmkit('abi-diff', '--help');
    expect(r.out).toMatch(/--json prints one object/);
    expect(r.out).toMatch(/8 incompatible/);
  });
});

describe('kvmkit abi-check (subprocess)', () => {
  it('fbsd15-reaper: exit 4 (compatible against main-a48e98c9, compat warnings only)', () => {
    const r = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', 'fbsd15-reaper', '--json');
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j.base).toBe('main-a48e98c9');
    expect(j.spareRule.verdict).toBe('compatible');
  });
  it('a revision whose size no longer matches KINFO_PROC_SIZE: exit 12', () => {
    const d = cloneRev('fbsd15-reaper', 'grown');
    d.structs.kinfo_proc.push('int ki_extra');
    const r = kvmkit('abi-check', '--struct', 'kinfo_proc', '--rev', revFile('grown', d), '--base', 'fbsd15-reaper');
    expect(r.code).toBe(12);
    expect(r.out).toMatch(/CTASSERT\(sizeof\(struct kinfo_proc\) == KINFO_PROC_SIZE\) fails on amd64: asserted 1088, laid out 1096/);
  });
});

describe('benchAbiDiff', () => {
  it('diffs every revision pair × both structs × all arches within the 1 s target', () => {
    benchAbiDiff();
    const ms = benchAbiDiff();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000);
  });
});
