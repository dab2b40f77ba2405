import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/codec/index.ts';
import { buildModel, KERN_PROC_ALL, KERN_PROC_PROC, PRS_ZOMBIE, P_TREE_REAPER, randomModel, randomScenario, sysctlKernProc, validateScenario } from '../../src/kernel/index.ts';
import { pgrpCalcJobc } from '../../src/kernel/fill.ts';

type R = Record<string, any>;

describe('random systems (src/kernel/random.ts)', () => {
  it('deterministic: the same seed gives the same scenario and the same bytes', () => {
    const a = randomScenario({ seed: 7, processes: 120 });
    const b = randomScenario({ seed: 7, processes: 120 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const ma = buildModel(a, { arch: 'arm64' });
    const mb = buildModel(b, { arch: 'arm64' });
    expect(sysctlKernProc(ma, { op: KERN_PROC_ALL, revision: 'fbsd15-reaper' }).bytes).toEqual(sysctlKernProc(mb, { op: KERN_PROC_ALL, revision: 'fbsd15-reaper' }).bytes);
    expect(() => validateScenario(JSON.parse(JSON.stringify(a)))).not.toThrow();
  });
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: hundreds of processes; records agree with the model and the kernel invariants`, () => {
      const { model } = randomModel({ seed });
      const procs = [...model.procs.values()];
      expect(procs.length).toBeGreaterThan(150);
      expect(procs.some((p) => p.p_state === PRS_ZOMBIE)).toBe(true);
      expect(procs.filter((p) => p.p_treeflag & P_TREE_REAPER).length).toBeGreaterThan(1);
      expect(procs.some((p) => p.p_threads.length > 3)).toBe(true);
      const all = sysctlKernProc(model, { op: KERN_PROC_ALL, revision: 'fbsd15-reaper' });
      expect(all.records.length).toBe(procs.reduce((n, p) => n + p.p_threads.length, 0));
      const r = sysctlKernProc(model, { op: KERN_PROC_PROC, revision: 'fbsd15-reaper' });
      const recs = r.records.map((i) => decodeRecord(r.layout, r.bytes, i.offset) as R);
      const byPid = new Map(recs.map((d) => [d.ki_pid, d]));
      for (const d of recs) {
        const p = model.procs.get(d.ki_pid)!;
        expect(d.ki_reaper).toBe(p.p_reaper.p_pid);
        expect(d.ki_reapsubtree).toBe(p.p_reapsubtree);
        expect(d.ki_ppid).toBe(p.p_pptr ? p.p_oppid : 0);
        // the reaper chain reaches pid 0
        let q = d;
        for (let i = 0; i < 1000 && q.ki_pid !== 0; i++) q = byPid.get(q.ki_reaper)!;
        expect(q.ki_pid).toBe(0);
        // every member of a reaper's list is a record with that reaper
        for (const m of p.p_reaplist) expect(byPid.get(m.p_pid)!.ki_reaper).toBe(p.p_pid);
        expect(d.ki_stat === 5).toBe(p.p_state === PRS_ZOMBIE);
        expect(d.ki_ngroups).toBe(Math.min(16, 1 + p.p_ucred.cr_groups.length));
        if (p.p_ucred.cr_groups.length >= 16) expect((d.ki_cr_flags & 0x80000000) >>> 0).toBe(0x80000000);
      }
      // compat records, all four compat arches
      for (const arch of ['amd64', 'powerpc64']) {
        const mm = buildModel(randomScenario({ seed, processes: 60 }), { arch });
        const c = sysctlKernProc(mm, { op: KERN_PROC_ALL, revision: 'fbsd15', compat32: true });
        expect(c.bytes.length).toBe(c.records.length * c.layout.size);
      }
    });
  }
});

describe('random generator at scale (incremental views of the process table)', () => {
  for (const [seed, maxproc] of [[1, undefined], [2, 400], [3, 1024], [29, undefined]] as const) {
    it(`seed ${seed}${maxproc ? `, maxproc ${maxproc} (pid reuse)` : ''}: every step's views equal full scans of the model`, () => {
      // verifyViews recomputes each view (live processes, zombies, reapers, traced, each session's
      // groups) the original way after every step and throws on the first difference.
      const sc = randomScenario({ seed, processes: 400, verifyViews: true, ...(maxproc ? { maxproc } : {}) });
      const plain = randomScenario({ seed, processes: 400, ...(maxproc ? { maxproc } : {}) });
      expect(JSON.stringify(sc)).toBe(JSON.stringify(plain));
    });
  }
  it('5000 forks take seconds, not minutes', () => {
    const t = performance.now();
    const sc = randomScenario({ seed: 5, processes: 5000 });
    expect(sc.steps.filter((s) => 'fork' in s).length).toBeGreaterThanOrEqual(5000);
    expect(performance.now() - t).toBeLessThan(60_000);
  });
});

describe('ki_jobc computed once per process group per request', () => {
  it('equals pgrp_calc_jobc run for each process, as the kernel runs it (random systems)', () => {
    let checked = 0;
    for (let seed = 301; seed <= 320; seed++) {
      const { model } = randomModel({ seed, processes: 80 });
      const r = sysctlKernProc(model, { op: KERN_PROC_PROC, revision: 'fbsd15' });
      for (const rec of r.records) {
        const p = model.procs.get(rec.pid)!;
        if (!p.p_pgrp) continue;
        const v = decodeRecord(r.layout, r.bytes, rec.offset) as Record<string, unknown>;
        expect(Number(v.ki_jobc), `seed ${seed} pid ${rec.pid}`).toBe(pgrpCalcJobc(model, p.p_pgrp));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
