import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReaperInput, ReaperView } from '../../src/analysis/reaper/index.ts';
import { decodeRecords, readRecordsFile } from '../../src/codec/index.ts';
import { buildModel, jailViewer, KERN_PROC_ALL, loadScenarioFile, sysctlKernProc, type KernelModel, type Prison } from '../../src/kernel/index.ts';
import { ECAPMODE, reapGetpids, reapKill, reapStatus, reapStatusEx, REAPER_KILL_CHILDREN, REAPER_KILL_SUBTREE } from '../../src/kernel/procctl.ts';
import { liveView } from './reaper-compare.ts';

/**
 * Hand-derived expectations (spec §5.2–§5.4 applied to dumps/scenarios/reaper-service.json by hand;
 * the derivations are in the comments), for the kernel side and the userland rebuild separately.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SVC = path.join(ROOT, 'dumps/scenarios/reaper-service.json');
const EPERM = 1, ESRCH = 3, EINVAL = 22;

// reaper-service, by hand:
//  500 reaper (acquired at fork), forked by init → subtree 1.
//  501 forked by 500 → reaper 500, subtree 501; 502 forked by 501 → reaper 500, subtree 501.
//  501 exits: 502 goes to its reaper 500 (children head), oppid 500; 501 reaped (leaves the list).
//  520 (reaper) forked by 500: subtree 520. 521, 523, 540 forked by 520: subtrees 521, 523, 540;
//  522 by 521 (subtree 521), 524 by 523, 525 by 524 (subtree 523). 524 exits: 525 → 520's children.
//  540 (reaper) forks 541 (subtree 541), 541 forks 542 (subtree 541); 540 releases: list [542, 541]
//  moved one by one to the head of 520's list with subtree 540 → [541, 542, …]; 543 forked by 540
//  afterwards: reaper 520, subtree inherited 540. 560 (reaper) forked by 500 (subtree 560) forks 561
//  (subtree 561), 561 forks 562; 560 exits (zombie keeps its list). 570 forked by 520 with RFNOWAIT:
//  parent and reaper 500, subtree 520 (inherited from the forker).
//  Lists (head first): L(500) = [570, 560, 520, 502]; L(520) = [543, 541, 542, 540, 525, 524, 523, 522, 521];
//  L(560) = [562, 561]. Children: p_children(500) = [570, 560, 520, 502]; p_children(520) = [540, 525, 523, 521].

describe('kernel procctl answers (src/kernel/procctl.ts), by hand on reaper-service', () => {
  const m = loadScenarioFile(SVC, 'amd64');

  it('REAP_STATUS', () => {
    expect(reapStatus(m, 500)).toEqual({ error: 0, value: { rs_flags: 1, rs_children: 4, rs_descendants: 4, rs_reaper: 500, rs_pid: 570 } });
    // 522: not a reaper → its reaper 520; children by real parent: 521, 523, 525, 540.
    expect(reapStatus(m, 522)).toEqual({ error: 0, value: { rs_flags: 0, rs_children: 4, rs_descendants: 9, rs_reaper: 520, rs_pid: 540 } });
    // 540 released: answered for 520, no OWNED.
    expect(reapStatus(m, 540).value).toMatchObject({ rs_flags: 0, rs_reaper: 520 });
    // 525: reap 520, real parent 520 (adopted at 524's exit) → DIRECT_CHILD in STATUS_EX.
    expect(reapStatusEx(m, 525).value).toMatchObject({ rsx_flags: 4, rsx_reaper: 520, rsx_subtree: 523, rsx_realparent: 520 });
    // init: OWNED | REALINIT; its list is [500] (pagedaemon belongs to proc0).
    expect(reapStatus(m, 1)).toEqual({ error: 0, value: { rs_flags: 3, rs_children: 1, rs_descendants: 1, rs_reaper: 1, rs_pid: 500 } });
    // zombies and missing pids: ESRCH; pid 0 without a calling process: EINVAL.
    expect(reapStatus(m, 560).error).toBe(ESRCH);
    expect(reapStatus(m, 524).error).toBe(ESRCH);
    expect(reapStatus(m, 9999).error).toBe(ESRCH);
    expect(reapStatus(m, 0).error).toBe(EINVAL);
    // id 0 with a caller is the caller itself.
    expect(reapStatus(m, 0, 520).value).toMatchObject({ rs_flags: 1, rs_reaper: 520 });
  });

  it('REAP_GETPIDS: list order, subtree ids, flags, rp_count', () => {
    const g = reapGetpids(m, 522).value!;
    expect(g.map((x) => [x.pi_pid, x.pi_subtree, x.pi_flags])).toEqual([
      [543, 540, 1], [541, 540, 1], [542, 540, 1], [540, 540, 1 | 2], [525, 523, 1 | 2], [524, 523, 1 | 8], [523, 523, 1 | 2], [522, 521, 1], [521, 521, 1 | 2],
    ]);
    expect(reapGetpids(m, 500).value!.map((x) => [x.pi_pid, x.pi_flags])).toEqual([[570, 3], [560, 1 | 2 | 4 | 8], [520, 1 | 2 | 4], [502, 3]]);
    expect(reapGetpids(m, 522, 2).value!.map((x) => x.pi_pid)).toEqual([543, 541]);
  });

  it('REAP_STATUS_EX (fork)', () => {
    // 520 is a reaper, so reap = 520 itself; its real parent 500 is not reap → no DIRECT_CHILD.
    expect(reapStatusEx(m, 520).value).toEqual({ rsx_flags: 1 | 8, rsx_pid: 520, rsx_reaper: 520, rsx_subtree: 520, rsx_realparent: 500, rsx_descendants: 9, rsx_children: 4 });
    // 542: reap = its reaper 520; real parent 541 ≠ 520.
    expect(reapStatusEx(m, 542).value).toEqual({ rsx_flags: 0, rsx_pid: 542, rsx_reaper: 520, rsx_subtree: 540, rsx_realparent: 541, rsx_descendants: 0, rsx_children: 0 });
  });

  it('REAP_KILL: whole subtree (BFS over reapers, zombies skipped), SUBTREE, CHILDREN', () => {
    const all = reapKill(m, 500, { sig: 15 });
    // 500's list, then 560's (zombie reaper, walked but not signalled), then 520's (zombie 524 skipped).
    expect(all.signalled).toEqual([570, 520, 502, 562, 561, 543, 541, 542, 540, 525, 523, 522, 521]);
    expect(all).toMatchObject({ error: 0, rk_killed: 13, rk_fpid: -1, reaper: 500 });
    expect(reapKill(m, 520, { sig: 15, flags: REAPER_KILL_SUBTREE, subtree: 540 }).signalled).toEqual([543, 541, 542, 540]);
    expect(reapKill(m, 520, { sig: 15, flags: REAPER_KILL_SUBTREE, subtree: 4242 })).toMatchObject({ error: ESRCH, rk_killed: 0, rk_fpid: -1 });
    // CHILDREN walks p_children; successes keep the initial ESRCH (spec §5.3).
    expect(reapKill(m, 522, { sig: 15, flags: REAPER_KILL_CHILDREN })).toMatchObject({ error: ESRCH, rk_killed: 4, rk_fpid: -1, signalled: [540, 525, 523, 521] });
  });

  it('REAP_KILL: argument errors and permissions', () => {
    expect(reapKill(m, 500, { sig: 0 }).error).toBe(EINVAL);
    expect(reapKill(m, 500, { sig: 129 }).error).toBe(EINVAL);
    expect(reapKill(m, 500, { sig: 15, flags: 3 }).error).toBe(EINVAL);
    expect(reapKill(m, 500, { sig: 15, flags: 4 }).error).toBe(EINVAL);
    expect(reapKill(m, 524, { sig: 15 }).error).toBe(ESRCH);
    expect(reapKill(m, 500, { sig: 15 }, { pid: 521, capmode: true }).error).toBe(ECAPMODE);
    // httpd 521 (uid 80) on 520's children [540, 525, 523, 521]: 540 denied first (recorded: error
    // still ESRCH), 525 and 523 denied (not recorded), itself signalled.
    expect(reapKill(m, 522, { sig: 15, flags: REAPER_KILL_CHILDREN }, 521)).toMatchObject({ error: EPERM, rk_fpid: 540, rk_killed: 1, signalled: [521] });
    // Whole subtree of 520 as uid 80: root processes are denied before any success (not recorded),
    // then 522 and 521 succeed: error 0, rk_fpid −1.
    expect(reapKill(m, 522, { sig: 15 }, 521)).toMatchObject({ error: 0, rk_killed: 2, rk_fpid: -1, signalled: [522, 521] });
  });
});

describe('userland rebuild (src/analysis/reaper), by hand on reaper-service', () => {
  const v = liveView(loadScenarioFile(SVC, 'amd64'));

  it('reap lists, known reapers, effective reapers, subtrees', () => {
    expect(new Set(v.list(500).map((q) => q.pid))).toEqual(new Set([570, 560, 520, 502]));
    expect(new Set(v.list(520).map((q) => q.pid))).toEqual(new Set([543, 541, 542, 540, 525, 524, 523, 522, 521]));
    expect([...v.knownReapers].sort((a, b) => a - b)).toEqual([0, 1, 500, 520, 560]);
    const roots = v.hierarchy();
    expect(roots.map((r) => r.pid)).toEqual([0]);
    const n500 = roots[0].reapers[0].reapers[0];
    expect(n500.pid).toBe(500);
    expect(n500.subtrees.map((s) => s.id)).toEqual([501, 520, 560]);
    expect(n500.reapers.map((r) => r.pid).sort()).toEqual([520, 560]);
    expect(v.check()).toEqual([]);
  });

  it('STATUS: exact fields; rs_pid approximated (540 attached after 525 started) and flagged so', () => {
    const s = v.status(522).value!;
    expect(s).toMatchObject({ rs_flags: 0, rs_reaper: 520, rs_children: 4, rs_descendants: 9, rs_pid_exact: false, rs_pid_from: 'children' });
    // Newest ki_start among 520's children is backup 525 (3600.1 s); the kernel's head is 540.
    expect(s.rs_pid).toBe(525);
    expect(v.status(1).value).toMatchObject({ rs_flags: 3, rs_pid: 500, rs_pid_exact: true });
    expect(v.status(524).error).toBe(ESRCH);
    expect(v.status(0).error).toBe(EINVAL);
  });

  it('KILL targets', () => {
    expect(new Set(v.kill(500).value!.targets)).toEqual(new Set([570, 520, 502, 562, 561, 543, 541, 542, 540, 525, 523, 522, 521]));
    expect(v.kill(500).value!.walked).toEqual([500, 560, 520]);
    expect(new Set(v.kill(520, { subtree: 540 }).value!.targets)).toEqual(new Set([543, 541, 542, 540]));
    expect(new Set(v.kill(522, { children: true }).value!.targets)).toEqual(new Set([540, 525, 523, 521]));
    expect(v.kill(522, { children: true, subtree: 1 }).error).toBe(EINVAL);
  });

  it('the same view from every fbsd15-reaper records file of the sample (all arches, native and compat32)', () => {
    const files = ['amd64', 'arm64', 'armv7', 'i386', 'powerpc', 'powerpc64', 'powerpc64le', 'riscv64'].flatMap((a) => [`reaper-service.${a}.fbsd15-reaper.kern.proc.all.bin`, `reaper-service.${a}.fbsd15-reaper.compat32.kern.proc.all.bin`]);
    let n = 0;
    for (const f of files) {
      const file = path.join(ROOT, 'dumps/live', f);
      try {
        readRecordsFile(file);
      } catch {
        continue; // no compat32 on this arch
      }
      const arch = f.split('.')[1];
      const input = readRecordsFile(file, { arch, rev: 'fbsd15-reaper', struct: f.includes('compat32') ? 'kinfo_proc32' : 'kinfo_proc' });
      const w = ReaperView.fromRecords(input.records, { file });
      for (const pid of v.procs.keys()) expect([pid, w.status(pid)]).toEqual([pid, v.status(pid)]);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it('older revisions: a clear error naming the file and the revision', async () => {
    await expect(loadReaperInput(path.join(ROOT, 'dumps/live/reaper-service.amd64.fbsd14.kern.proc.all.bin'), { rev: 'fbsd14', arch: 'amd64' })).rejects.toThrow(/no ki_reaper\/ki_reapsubtree.*file .*fbsd14\.kern\.proc\.all\.bin.*revision fbsd14/);
    await expect(loadReaperInput(path.join(ROOT, 'dumps/live/reaper-service.i386.fbsd15.kern.proc.all.bin'))).rejects.toThrow(/zero in all 22 records.*file .*i386\.fbsd15\.kern/);
    await expect(loadReaperInput(SVC, { rev: 'fbsd15' })).rejects.toThrow(/revision fbsd15\).*no ki_reaper.*reaper-service\.json/);
  });
});

describe('documented limitations, by construction', () => {
  const sc = {
    name: 'empty-reaper',
    system: { hz: 1000, ticks: 100000, boottime: '1700000000.0', cpuTickFrequency: 1000000, maxproc: 256 },
    steps: [
      { fork: { pid: 1, parent: 0, comm: 'init', start: 0.5, setsid: true, vm: { size: 4096 }, threads: [{ tid: 100001 }] } },
      { fork: { pid: 10, parent: 1, comm: 'svc', start: 1, vm: { size: 4096 }, threads: [{ tid: 100010 }] } },
      { reapAcquire: 10 },
      { fork: { pid: 20, parent: 1, comm: 'svc2', start: 2, reaper: true, vm: { size: 4096 }, threads: [{ tid: 100020 }] } },
      { fork: { pid: 21, parent: 20, comm: 'w', start: 3, vm: { size: 4096 }, threads: [{ tid: 100021 }] } },
    ],
  };

  it('1: a reaper with an empty list looks like a non-reaper; one with members is recovered', () => {
    const m = buildModel(sc, { arch: 'amd64' });
    const v = liveView(m);
    expect(reapStatus(m, 10).value).toEqual({ rs_flags: 1, rs_children: 0, rs_descendants: 0, rs_reaper: 10, rs_pid: -1 });
    expect(v.status(10).value).toMatchObject({ rs_flags: 2, rs_reaper: 1, rs_descendants: 2 });
    // Its owner's GETPIDS: the kernel flags 10 REAPER, the rebuild cannot.
    expect(reapGetpids(m, 1).value!.find((x) => x.pi_pid === 10)!.pi_flags).toBe(1 | 2 | 4);
    expect(v.getpids(1).value!.pids.find((x) => x.pi_pid === 10)!.pi_flags).toBe(1 | 2);
    // 20 has a member: recovered exactly.
    expect(v.status(21).value).toMatchObject({ rs_flags: 0, rs_reaper: 20, rs_descendants: 1, rs_children: 1, rs_pid: 21, rs_pid_exact: true });
    expect(reapStatus(m, 21).value).toEqual({ rs_flags: 0, rs_children: 1, rs_descendants: 1, rs_reaper: 20, rs_pid: 21 });
  });

  it('3: a jailed viewer sees fewer processes than the kernel counts', () => {
    const m = loadScenarioFile(path.join(ROOT, 'dumps/scenarios/jailed-daemon.json'), 'amd64');
    const jail = [...m.prisons.values()].find((p) => p.pr_id !== 0)!;
    const v = liveView(m);
    const j = ReaperView.fromRecords(
      (() => {
        const { records } = jailLive(m, jail);
        return records;
      })(),
    );
    expect(j.complete).toBe(false);
    expect(j.procs.has(1)).toBe(false);
    const inJail = [...j.procs.values()].find((p) => p.pid !== 0)!;
    const ks = reapStatus(m, inJail.pid).value!;
    const js = j.status(inJail.pid).value!;
    expect(js.rs_reaper).toBe(ks.rs_reaper);
    expect(js.rs_descendants).toBeLessThan(ks.rs_descendants);
    expect(js.rs_descendants).toBe([...j.procs.values()].filter((q) => q.reaper === ks.rs_reaper).length);
    expect(v.status(inJail.pid).value!.rs_descendants).toBe(ks.rs_descendants);
  });
});

function jailLive(m: KernelModel, pr: Prison) {
  const r = sysctlKernProc(m, { op: KERN_PROC_ALL, revision: 'fbsd15-reaper', viewer: jailViewer(m, pr) });
  return decodeRecords(r.layout, r.bytes);
}
