import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
function kvmkit(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kvmkit'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const SVC = 'dumps/scenarios/reaper-service.json';
const BIN = 'dumps/live/reaper-service.arm64.fbsd15-reaper.kern.proc.all.bin';

describe('kvmkit reaper (subprocess)', () => {
  it('tree: text from a scenario and from a records file', () => {
    const a = kvmkit('reaper', 'tree', SVC);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/reaper 500 s6-svscan \[reaper\]: 4 descendants, 4 children, 3 subtrees/);
    expect(a.out).toMatch(/reaper 560 svc-runner \[reaper, zombie\]/);
    expect(a.out).toMatch(/subtree 540: 4 members/);
    const b = kvmkit('reaper', 'tree', BIN);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
  });

  it('tree --json and --dot', () => {
    const j = JSON.parse(kvmkit('reaper', 'tree', SVC, '--json').out);
    expect(j.reapers).toEqual([0, 1, 500, 520, 560]);
    expect(j.source).toMatchObject({ revision: 'fbsd15-reaper', struct: 'kinfo_proc', arch: 'amd64' });
    expect(j.limits.length).toBe(5);
    expect(j.processes.find((p: { pid: number }) => p.pid === 543)).toMatchObject({ reaper: 520, subtree: 540, effectiveReaper: 520 });
    const d = kvmkit('reaper', 'tree', SVC, '--dot');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^digraph reapers \{/);
    expect(d.out).toMatch(/subgraph cluster_520_540/);
    expect(d.out).toMatch(/p520 -> p543;/);
  });

  it('status / getpids / kill', () => {
    const s = JSON.parse(kvmkit('reaper', 'status', SVC, '--pid', '522', '--json').out);
    expect(s.status).toMatchObject({ rs_reaper: 520, rs_descendants: 9, rs_children: 4, rs_flags: 0, rs_pid_exact: false });
    expect(s.status_ex).toMatchObject({ rsx_reaper: 520, rsx_subtree: 521, rsx_realparent: 521 });
    const g = JSON.parse(kvmkit('reaper', 'getpids', SVC, '--pid', '500', '--json').out);
    expect(g.pids.find((x: { pi_pid: number }) => x.pi_pid === 560).pi_flags_names).toEqual(['VALID', 'CHILD', 'REAPER', 'ZOMBIE']);
    const k = JSON.parse(kvmkit('reaper', 'kill', SVC, '--pid', '520', '--subtree', '540', '--json').out);
    expect(new Set(k.targets)).toEqual(new Set([543, 541, 542, 540]));
    const c = kvmkit('reaper', 'kill', SVC, '--pid', '522', '--children');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/reaper 520, its direct children: 4 processes would be signalled/);
    expect(c.out).toMatch(/return ESRCH/);
  });

  it('errors: zombie target, both kill flags, older revision, dump reader', () => {
    const z = kvmkit('reaper', 'status', SVC, '--pid', '524');
    expect(z.code).toBe(1);
    expect(z.err).toMatch(/ESRCH.*zombie/);
    expect(kvmkit('reaper', 'kill', SVC, '--pid', '520', '--children', '--subtree', '540').code).toBe(2);
    const old = kvmkit('reaper', 'tree', 'dumps/live/reaper-service.amd64.fbsd14.kern.proc.all.bin', '--rev', 'fbsd14', '--arch', 'amd64');
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/no ki_reaper\/ki_reapsubtree.*file dumps\/live\/reaper-service\.amd64\.fbsd14\.kern\.proc\.all\.bin.*revision fbsd14/);
    const scen = kvmkit('reaper', 'tree', SVC, '--rev', 'fbsd15');
    expect(scen.code).toBe(1);
    expect(scen.err).toMatch(/revision fbsd15/);
  });

  it('--help lists the actions, examples and the limits', () => {
    const h = kvmkit('reaper', 'kill', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/--children/);
    expect(h.out).toMatch(/Limits of a rebuild from records/);
    expect(h.out).toMatch(/empty reap list/);
    expect(h.out).toMatch(/Examples:/);
    const top = kvmkit('reaper', '--help');
    expect(top.out).toMatch(/tree <input>/);
    expect(top.out).toMatch(/getpids <input>/);
  });
});
