import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/codec/index.ts';
import { buildModel, KERN_PROC_PROC, P_TREE_REAPER, sysctlKernProc } from '../../src/kernel/index.ts';
import { ARCHES } from '../../src/layout/index.ts';
import { T } from './fixture.ts';

type R = Record<string, any>;
const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dumps/scenarios');
const clone = () => JSON.parse(JSON.stringify(T));
const withSteps = (...extra: object[]) => ({ ...clone(), steps: [...clone().steps, ...extra] });
const fails = (s: unknown, re: RegExp) => expect(() => buildModel(s, { arch: 'amd64' })).toThrow(re);

describe('bad scenarios are refused, naming the object and the field', () => {
  it('dangling parent', () => fails(withSteps({ fork: { pid: 40, parent: 77, comm: 'x', vm: { size: 1 } } }), /process 77 does not exist.*object proc 40, field steps\[12\]\.fork\.parent/));
  it('a cycle in parent links (A has parent B, B has parent A) is a forward reference', () => fails(withSteps({ fork: { pid: 40, parent: 41, comm: 'a', vm: { size: 1 } } }, { fork: { pid: 41, parent: 40, comm: 'b', vm: { size: 1 } } }), /process 41 does not exist.*proc 40/));
  it('pid reuse while still a pid / a pgid / a subtree id', () => {
    fails(withSteps({ fork: { pid: 11, parent: 1, comm: 'x', vm: { size: 1 } } }), /pid 11 is still in use as a process id.*field steps\[12\]\.fork\.pid/);

  });
  it('impossible values: pid > PID_MAX, tid ≤ PID_MAX, duplicate tid, nice 30, start after the uptime or before the parent', () => {
    fails(withSteps({ fork: { pid: 100001, parent: 1, comm: 'x', vm: { size: 1 } } }), /above the maximum 99999.*field steps\[12\]\.fork\.pid/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', vm: { size: 1 }, threads: [{ tid: 500 }] } }), /below the minimum 100000.*fork\.threads\[0\]\.tid/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', vm: { size: 1 }, threads: [{ tid: 100100 }] } }), /thread id 100100 is already used by proc 11.*proc 40 thread 0/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', nice: 30, vm: { size: 1 } } }), /30 is above the maximum 20.*fork\.nice/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', start: 1000, vm: { size: 1 } } }), /after the current uptime.*fork\.start/);
    fails(withSteps({ fork: { pid: 40, parent: 11, comm: 'x', start: 1, vm: { size: 1 } } }), /before its parent's start.*fork\.start/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'a-command-name-too-long', vm: { size: 1 } } }), /longer than 19.*fork\.comm/);
  });
  it('unknown fields, missing fields, dangling tty/jail', () => {
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', vm: { size: 1 }, colour: 1 } }), /unknown field "colour".*steps\[12\]\.fork/);
    fails(withSteps({ fork: { pid: 40, parent: 1, vm: { size: 1 } } }), /required field is missing.*steps\[12\]\.fork\.comm/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', vm: { size: 1 }, setsid: true, ctty: 'pts/7' } }), /tty pts\/7 is not defined.*proc 40/);
    fails(withSteps({ fork: { pid: 40, parent: 1, comm: 'x', vm: { size: 1 }, cred: { uid: 0, gid: 0, jail: 9 } } }), /jail 9 is not defined.*proc 40/);
    fails({ ...clone(), jails: [{ jid: 3, parent: 5 }] }, /parent jail 5 is not defined.*jail 3/);
  });
  it('kernel rules: setsid by a group leader, setpgid across sessions, double REAP_ACQUIRE, release by a non-reaper, wait on a live process', () => {
    fails(withSteps({ setsid: 11 }), /already leads process group 11.*steps\[12\]/);
    fails(withSteps({ setpgid: 13, pgid: 14 }), /process group 14 is in session 14, not 10/);
    fails(withSteps({ reapAcquire: 15 }), /already a reaper \(EBUSY\)/);
    fails(withSteps({ reapRelease: 11 }), /not a reaper \(EINVAL\)/);
    fails(withSteps({ wait: 11 }), /has not exited.*proc 11/);
    fails(withSteps({ ptrace: 11, by: 11 }), /cannot trace itself/);
    fails(withSteps({ a: 1 }), /exactly one verb/);
    fails({ name: 'x', steps: [] }, /never forks init/);
  });
});

describe('simulation (spec §5.2)', () => {
  it('a reaped zombie frees its pid; pgid and subtree ids stay reserved while used', () => {
    const m = buildModel(withSteps({ wait: 12 }, { fork: { pid: 12, parent: 1, comm: 'reused', start: 90, vm: { size: 1 } } }), { arch: 'amd64' });
    expect(m.procs.get(12)!.p_comm).toBe('reused');
    // 18 inherits subtree id 16, so pid 16 stays reserved after 16 is reaped.
    fails(withSteps({ fork: { pid: 18, parent: 16, comm: 'k', start: 80, vm: { size: 1 } } }, { exit: 16 }, { wait: 16 }, { fork: { pid: 16, parent: 1, comm: 'x', start: 90, vm: { size: 1 } } }), /pid 16 is still in use as a reaper subtree id/);
    expect(() => buildModel(withSteps({ exit: 16 }, { wait: 16 }, { fork: { pid: 16, parent: 1, comm: 'x', start: 90, vm: { size: 1 } } }), { arch: 'amd64' })).not.toThrow();
  });
  it('reaper lists: head insertion, REAP_RELEASE moves members (list order, each to the head: reversed) with the releaser\'s subtree', () => {
    const m = buildModel(JSON.parse(fs.readFileSync(path.join(DIR, 'reaper-service.json'), 'utf8')), { arch: 'amd64' });
    const r520 = m.procs.get(520)!;
    expect(r520.p_reaplist.map((p) => p.p_pid)).toEqual([543, 541, 542, 540, 525, 524, 523, 522, 521]);
    expect([541, 542, 543].map((pid) => m.procs.get(pid)!.p_reapsubtree)).toEqual([540, 540, 540]);
    expect(m.procs.get(540)!.p_treeflag & P_TREE_REAPER).toBe(0);
    expect(m.procs.get(500)!.p_children.map((p) => p.p_pid)).toEqual([570, 560, 520, 502]);
    expect(m.procs.get(560)!.p_reaplist.map((p) => p.p_pid)).toEqual([562, 561]);
  });
});

describe('round trip: scenario → live bytes → decodeRecord → the values the scenario set', () => {
  for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith('.json') && x !== 'scenario.schema.json')) {
    it(f, () => {
      const sc = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
      const forks = new Map<number, R>(sc.steps.filter((s: R) => s.fork).map((s: R) => [s.fork.pid, s.fork]));
      for (const arch of ARCHES) {
        const m = buildModel(sc, { arch });
        for (const revision of ['fbsd14', 'fbsd15', 'fbsd15-reaper']) {
          const r = sysctlKernProc(m, { op: KERN_PROC_PROC, revision });
          for (const i of r.records) {
            const d = decodeRecord(r.layout, r.bytes, i.offset) as R;
            const fk = forks.get(d.ki_pid);
            if (!fk) continue;
            const where = `${f} ${arch} ${revision} pid ${d.ki_pid}`;
            expect(d.ki_comm, where).toBe(fk.comm);
            if (fk.cred) expect([d.ki_uid, d.ki_groups[0]], where).toEqual([fk.cred.uid, fk.cred.gid]);
            if (fk.nice !== undefined) expect(d.ki_nice, where).toBe(fk.nice);
            const th = fk.threads?.[0];
            if (th?.tid) expect(d.ki_tid, where).toBe(th.tid);
            if (th?.name) expect(d.ki_tdname, where).toBe(th.name.slice(0, 16));
            const tdsum = (fk.threads ?? [{}]).length;
            expect(d.ki_numthreads <= tdsum, where).toBe(true);
            if (fk.start !== undefined && arch !== 'i386') {
              const [s, u = '0'] = String(fk.start).split('.');
              const boot = String(sc.system.boottime).split('.');
              const us = BigInt(s) * 1000000n + BigInt((u + '000000').slice(0, 6)) + BigInt(boot[0]) * 1000000n + BigInt((boot[1] + '000000').slice(0, 6));
              expect(BigInt(d.ki_start.tv_sec) * 1000000n + BigInt(d.ki_start.tv_usec), where).toBe(us);
            }
            if (fk.vm && d.ki_stat !== 5) expect(BigInt(d.ki_size), where).toBe(BigInt.asUintN(r.layout.leaf('ki_size').size * 8, BigInt(fk.vm.size)));
          }
        }
      }
    });
  }
});
