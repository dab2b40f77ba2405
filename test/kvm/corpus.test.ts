import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '../../src/base/errors.ts';
import { KERN_PROC_ALL, KERN_PROC_PID, KERN_PROC_PROC } from '../../src/kernel/constants.ts';
import { openKvm, type Kd } from '../../src/kvm/index.ts';
import { CORPUS, HAVE_CORPUS, REPO } from '../corpus.ts';

/**
 * `ps` on the real FreeBSD 13 dumps (../shared/corpus/vmcores): their kernel has no struct
 * layouts, only the exported offsets, so pid, comm and threads are listed and every other field
 * is reported unavailable — never as zeros passed off as data. Expected values are parsed from the
 * independent C reader's listings (expected/*.txt).
 */
const VM = path.join(CORPUS, 'vmcores');
if (!HAVE_CORPUS) console.warn(`[kvmkit] ${CORPUS} is absent: the real-dump ps tests are SKIPPED`);

interface Exp { paddr: string; pid: number; comm: string; threads: { tdaddr: string; tid: number; name: string; oncpu: number }[] }
function parse(file: string): Exp[] {
  const out: Exp[] = [];
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    let m = l.match(/^ {2}proc (0x[0-9a-f]+) pid=(\d+) comm="(.*)"$/);
    if (m) out.push({ paddr: m[1], pid: Number(m[2]), comm: m[3], threads: [] });
    m = l.match(/^ {4}thread (0x[0-9a-f]+) tid=(\d+) oncpu=(-?\d+) name="(.*?)"( \(crashed\))?$/);
    if (m) out[out.length - 1].threads.push({ tdaddr: m[1], tid: Number(m[2]), oncpu: Number(m[3]), name: m[4] });
  }
  return out;
}

for (const [label, core, expected] of [['full dump', 'vmcore-amd64-full.gz', 'amd64-full.txt'], ['minidump', 'vmcore-amd64-minidump.gz', 'amd64-minidump.txt']] as const) {
  describe.skipIf(!HAVE_CORPUS)(`ps on the real amd64 ${label}`, () => {
    let kd: Kd;
    let exp: Exp[];
    beforeAll(async () => {
      kd = await openKvm(path.join(VM, core), path.join(VM, 'kernel-amd64.gz'));
      exp = parse(path.join(VM, 'expected', expected));
    });
    afterAll(() => kd?.close());

    it('per thread: pid, comm, tid, name, oncpu and addresses as the C reader printed; everything else unavailable', () => {
      const r = kd.getProcs(KERN_PROC_ALL, 0);
      expect(r.walked).toBe('exported-offsets');
      expect(r.errors).toEqual([]);
      const want = exp.flatMap((p) => p.threads.map((t) => ({ pid: p.pid, comm: p.comm, paddr: p.paddr, ...t })));
      expect(r.records.length).toBe(want.length);
      r.records.forEach((rec, i) => {
        const d = rec.value as Record<string, any>;
        const w = want[i];
        expect([d.ki_pid, d.ki_comm, hex(d.ki_paddr), d.ki_tid, d.ki_tdname + d.ki_moretdname, hex(d.ki_tdaddr), d.ki_oncpu]).toEqual([w.pid, w.comm, w.paddr, w.tid, w.name, w.tdaddr, w.oncpu]);
        for (const f of ['ki_structsize', 'ki_ppid', 'ki_uid', 'ki_stat', 'ki_flag', 'ki_rusage', 'ki_start', 'ki_numthreads']) expect(rec.unavailable).toContain(f);
        for (const f of ['ki_pid', 'ki_comm', 'ki_tid', 'ki_tdname']) expect(rec.unavailable).not.toContain(f);
      });
    });

    it('per process and --pid', () => {
      expect(kd.getProcs(KERN_PROC_PROC, 0).records.map((x) => x.pid)).toEqual(exp.map((p) => p.pid));
      expect(kd.getProcs(KERN_PROC_PID, exp[0].pid).records.map((x) => x.tid)).toEqual([exp[0].threads[0].tid]);
      expect(() => kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' })).toThrow(/struct layouts/);
    });

    it('CLI: table with "-" for unknown fields, JSON with null and _unavailable', () => {
      const bin = path.join(REPO, 'bin/kvmkit');
      const args = ['ps', path.join(VM, core), '--kernel', path.join(VM, 'kernel-amd64.gz')];
      const text = execFileSync(bin, [...args, '--threads'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = text.trim().split('\n');
      // ps's default format; TT, STAT and TIME read fields this dump does not give: "-".
      expect(lines[0]).toMatch(/^\s*PID TT\s+STAT\s+TIME COMMAND$/);
      const first = [...exp].sort((x, y) => x.pid - y.pid)[0];
      const t0 = [...first.threads].sort((x, y) => x.tid - y.tid)[0];
      // A dead kernel's COMMAND is [comm] (fmt.c fmt_argv without argv), with -H "[comm/thread]".
      expect(lines[1].trim().split(/\s+/).slice(0, 4)).toEqual([String(first.pid), '-', '-', '-']);
      expect(lines[1]).toContain(first.comm === t0.name ? `[${first.comm}]` : `[${first.comm}/${t0.name}]`);
      expect(lines.length - 1).toBe(exp.reduce((n, p) => n + p.threads.length, 0));
      const json = JSON.parse(execFileSync(bin, [...args, '--json', '--pid', String(exp[0].pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(json).toHaveLength(1);
      expect(json[0].ki_pid).toBe(exp[0].pid);
      expect(json[0].ki_comm).toBe(exp[0].comm);
      expect(json[0].ki_ppid).toBeNull();
      expect(json[0].ki_uid).toBeNull();
      expect(json[0]._unavailable).toContain('ki_ppid');
    });
  });
}
