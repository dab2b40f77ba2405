import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import { openImage } from '../../src/image/open.ts';
import type { ImageFormat } from '../../src/image/image.ts';
import { KERN_PROC_ALL, PRS_NEW } from '../../src/kernel/constants.ts';
import { randomModel } from '../../src/kernel/random.ts';
import { liveRevisions } from '../../src/kernel/rules.ts';
import { loadScenarioFile } from '../../src/kernel/scenario.ts';
import { sysctlKernProc } from '../../src/kernel/sysctl.ts';
import { zoneTable } from '../../src/kernel/addr.ts';
import type { KernelModel } from '../../src/kernel/model.ts';
import {
  builderForModel, buildImage, exportedOffsets, kernelLayouts, KernelReader, KstructReadError, readGlobals, readModel, readProc, writeModel,
} from '../../src/kstruct/index.ts';
import { walkThreads } from '../../src/kvm/threads.ts';
import { ARCHES } from '../../src/layout/index.ts';
import { corpusDir, repoRoot } from '../image/helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-kstruct-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SCEN = path.join(repoRoot, 'dumps/scenarios');
const scenarios = fs.readdirSync(SCEN).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json').sort();
const FORMATS: [string, ImageFormat][] = [['amd64', 'amd64-minidump'], ['amd64', 'amd64-elf'], ['i386', 'i386-minidump'], ['arm64', 'arm64-minidump']];

/** The exported offsets libfbsdvmcore printed for the real FreeBSD 13 amd64 dumps (or the numbers). */
function realOffsets(): Record<string, number> {
  const file = path.join(corpusDir, 'vmcores/expected/amd64-minidump.txt');
  const typed = { proc_off_p_list: 0, proc_off_p_threads: 16, proc_off_p_pid: 196, proc_off_p_comm: 984, thread_off_td_plist: 16, thread_off_td_tid: 160, thread_off_td_name: 700, thread_off_td_oncpu: 1724 };
  if (!fs.existsSync(file)) return typed;
  const out: Record<string, number> = {};
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*((?:proc|thread)_off_\w+) = (\d+) /gm)) out[m[1]] = Number(m[2]);
  expect(out).toEqual(typed);
  return out;
}

function build(model: KernelModel, format: ImageFormat, tag: string, revision?: string) {
  const vmcore = path.join(tmp, `${tag}.vmcore`);
  const kernel = path.join(tmp, `${tag}.kernel`);
  const r = buildImage(model, { format, vmcore, kernel, revision });
  return { img: openImage(vmcore, kernel), summary: r, vmcore, kernel };
}

/** (a) walkThreads (exported offsets only) lists exactly the model's allproc. */
function checkWalk(model: KernelModel, img: ReturnType<typeof openImage>, dumptid: number): void {
  const w = walkThreads(img);
  expect(w.incomplete).toBe(false);
  expect(w.dumptid).toBe(dumptid);
  const got = w.procs.map((p) => ({ paddr: p.paddr, pid: p.pid, comm: p.comm, threads: p.threads.map((t) => ({ tdaddr: t.tdaddr, tid: t.tid, name: t.name, oncpu: t.oncpu })) }));
  const want = model.allproc.map((p) => ({ paddr: p.addr, pid: p.p_pid, comm: p.p_comm.slice(0, 19), threads: p.p_threads.map((t) => ({ tdaddr: t.addr, tid: t.td_tid, name: t.td_name.slice(0, 19), oncpu: t.td_oncpu })) }));
  expect(got).toEqual(want);
}

/** (b) the live path on the model read back gives the same bytes as on the original. */
function checkSysctl(model: KernelModel, img: ReturnType<typeof openImage>): void {
  const { model: back, unavailable } = readModel(img);
  expect(unavailable.length).toBeGreaterThan(0);
  expect(back.globals).toEqual(model.globals);
  expect([...back.procs.keys()].sort()).toEqual([...model.procs.keys()].sort());
  for (const revision of liveRevisions()) {
    const a = sysctlKernProc(model, { op: KERN_PROC_ALL, revision });
    const b = sysctlKernProc(back, { op: KERN_PROC_ALL, revision });
    expect(b.records).toEqual(a.records);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes)), `${revision}: kern.proc.all bytes differ`).toBe(true);
  }
}

describe('kernel layouts', () => {
  it('amd64: the 13-era set puts the exported fields at the real FreeBSD 13 offsets, the 15.0 set at 15.0\'s', () => {
    expect(exportedOffsets(kernelLayouts('amd64', 'fbsd14', 'fbsd13'))).toEqual(realOffsets());
    // FreeBSD 15.0 amd64 (issue 11, from a 15.0 GENERIC kernel): p_comm 992, td_name 732, td_oncpu 1788, td_pcb 1152.
    const kl = kernelLayouts('amd64', 'fbsd15', 'fbsd15.0');
    expect(exportedOffsets(kl)).toMatchObject({ proc_off_p_comm: 992, thread_off_td_name: 732, thread_off_td_oncpu: 1788 });
    expect(kl.off('thread', 'td_pcb')).toBe(1152);
    for (const rev of liveRevisions()) expect(['fbsd13', 'fbsd15.0']).toContain(kernelLayouts('amd64', rev).set);
  });
  it('every arch and revision lays out every kernel struct; p_reaper/p_reapsubtree are readable in all', () => {
    for (const arch of ARCHES) {
      for (const rev of liveRevisions()) {
        const kl = kernelLayouts(arch, rev);
        expect(kl.off('proc', 'p_reapsubtree')).toBeGreaterThan(0);
        expect(kl.off('proc', 'p_reaper')).toBeGreaterThan(0);
        expect(kl.off('proc', 'p_comm')).toBeGreaterThan(kl.off('proc', 'p_pid'));
        expect(kl.structs.thread.size).toBeGreaterThan(kl.off('thread', 'td_oncpu'));
      }
    }
  });
  it('zones never overlap and hold 100k processes / 200k threads on LP64', () => {
    for (const arch of ARCHES) {
      const zs = zoneTable(arch);
      for (let i = 1; i < zs.length; i++) expect(zs[i].base >= zs[i - 1].base + BigInt(zs[i - 1].stride * zs[i - 1].capacity)).toBe(true);
      for (const z of zs) expect(z.stride).toBeGreaterThanOrEqual(z.itemSize);
    }
    const z = new Map(zoneTable('amd64').map((x) => [x.kind, x]));
    expect(z.get('proc')!.capacity).toBeGreaterThanOrEqual(100_000);
    expect(z.get('thread')!.capacity).toBeGreaterThanOrEqual(200_000);
    expect(z.get('thread')!.stride).toBeGreaterThan(1724);
  });
});

describe('model → image → walk and live path', () => {
  for (const sc of scenarios) {
    for (const [arch, format] of FORMATS) {
      it(`${sc} as ${format}`, () => {
        const model = loadScenarioFile(path.join(SCEN, sc), arch);
        const { img, summary } = build(model, format, `${sc}.${format}`);
        try {
          checkWalk(model, img, summary.dumptid);
          checkSysctl(model, img);
        } finally {
          img.close();
        }
      });
    }
  }
  for (const seed of [11, 29]) {
    for (const [arch, format] of [FORMATS[0], FORMATS[2], FORMATS[3]]) {
      it(`random system seed ${seed} as ${format} (orphans, zombies, overflowing groups, hash collisions)`, () => {
        const { model } = randomModel({ seed, processes: 120 }, arch);
        const { img, summary } = build(model, format, `random${seed}.${format}`);
        try {
          checkWalk(model, img, summary.dumptid);
          checkSysctl(model, img);
        } finally {
          img.close();
        }
      });
    }
  }
});

describe('reader', () => {
  const model = loadScenarioFile(path.join(SCEN, 'reaper-service.json'), 'amd64');
  const { img } = build(model, 'amd64-minidump', 'reader');
  afterAll(() => img.close());

  it('readGlobals and readProc give the model values, threads and lists resolved', () => {
    expect(readGlobals(img)).toEqual(model.globals);
    for (const p of model.allproc) {
      const q = readProc(img, p.addr);
      expect(q.p_pid).toBe(p.p_pid);
      expect(q.p_threads.map((t) => t.addr)).toEqual(p.p_threads.map((t) => t.addr));
      expect(q.p_children.map((c) => c.addr)).toEqual(p.p_children.map((c) => c.addr));
      expect(q.p_reaplist.map((c) => c.addr)).toEqual(p.p_reaplist.map((c) => c.addr));
      expect(q.p_reaper.addr).toBe(p.p_reaper.addr);
      expect(q.p_ucred.cr_prison.pr_id).toBe(p.p_ucred.cr_prison.pr_id);
      expect(q.p_pgrp?.pg_members.map((m) => m.p_pid)).toEqual(p.p_pgrp?.pg_members.map((m) => m.p_pid));
    }
  });

  it('iterates allproc and the pid hash in the live order; checkpoint bounds the cache', () => {
    const r = new KernelReader(img, { cacheLimit: 3 });
    expect(r.allprocAddrs()).toEqual(model.allproc.map((p) => p.addr));
    const order: number[] = [];
    for (const a of r.pidHashOrder()) {
      r.checkpoint();
      order.push(r.proc(a).p_pid);
      expect(r.cached).toBeLessThanOrEqual(3 + 3);
    }
    const want: number[] = [];
    const g = model.globals;
    for (let i = 0; i <= g.pidhashlock; i++) for (let j = i; j <= g.pidhash; j += g.pidhashlock + 1) for (const p of model.pidhashtbl[j]) want.push(p.p_pid);
    expect(order).toEqual(want);
  });

  it("the shell model's procs map survives checkpoints as the same Map, holding what was read since", () => {
    const r = new KernelReader(img, { cacheLimit: 3 });
    const shell = r.modelShell();
    const procs = shell.procs;
    expect(procs).toBeInstanceOf(Map);
    const seen = new Set(procs.keys());
    const addrs = [...r.pidHashOrder()];
    for (const a of addrs) {
      r.checkpoint();
      const p = r.proc(a);
      expect(shell.procs).toBe(procs);
      expect(procs.get(p.p_pid)).toBe(p);
      expect(procs.has(p.p_pid)).toBe(true);
      expect([...procs.values()]).toContain(p);
      expect(new Map(procs).get(p.p_pid)).toBe(p);
      expect(procs.size).toBe([...procs].length);
      seen.add(p.p_pid);
    }
    expect(seen.size).toBe(model.procs.size);
  });

  it('an unreadable object is an error naming its address, struct and the pointer followed', () => {
    const r = new KernelReader(img);
    const bad = 0xfffff8007ff00000n;
    expect(() => r.proc(bad)).toThrow(KstructReadError);
    try {
      r.proc(bad);
    } catch (e) {
      expect((e as KstructReadError).address).toBe(bad);
      expect((e as KstructReadError).struct).toBe('proc');
      expect((e as Error).message).toMatch(/cannot read struct proc at 0xfffff8007ff00000/);
    }
  });
});

describe('corrupt memory', () => {
  it('thread and pgrp member lists: a loop or an unreadable element gives the link-by-link reading\'s error', () => {
    const { model } = randomModel({ seed: 3, processes: 80 }, 'amd64');
    const multi = [...model.procs.values()].filter((p) => p.p_state !== PRS_NEW && p.p_threads.length >= 2);
    const grouped = [...model.procs.values()].filter((p) => p.p_state !== PRS_NEW && p.p_pgrp && p.p_pgrp.pg_members.length >= 2).map((p) => p.p_pgrp!);
    expect(multi.length).toBeGreaterThanOrEqual(2);
    expect(grouped.length).toBeGreaterThanOrEqual(2);
    const kl = kernelLayouts('amd64');
    const b = builderForModel(model);
    writeModel(model, b);
    const bad = 0xfffff8007ff00000n;
    const [loopP, badP] = multi;
    const tdNext = (td: { addr: bigint }) => td.addr + BigInt(kl.off('thread', 'td_plist.tqe_next'));
    b.writePointer(tdNext(loopP.p_threads[loopP.p_threads.length - 1]), loopP.p_threads[0].addr);
    b.writePointer(tdNext(badP.p_threads[0]), bad);
    const [loopG, badG] = grouped.filter((g, i, a) => a.indexOf(g) === i);
    const pgNext = (p: { addr: bigint }) => p.addr + BigInt(kl.off('proc', 'p_pglist.le_next'));
    b.writePointer(pgNext(loopG.pg_members[loopG.pg_members.length - 1]), loopG.pg_members[0].addr);
    b.writePointer(pgNext(badG.pg_members[0]), bad);
    const vmcore = path.join(tmp, 'lists.vmcore'), kernel = path.join(tmp, 'lists.kernel');
    b.writeImage(vmcore, 'amd64-minidump');
    b.writeKernel(kernel);
    const img = openImage(vmcore, kernel);
    try {
      const r = new KernelReader(img);
      const fails = (f: () => unknown): KstructReadError => {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(KstructReadError);
          return e as KstructReadError;
        }
        throw new Error('no error');
      };
      let e = fails(() => r.proc(loopP.addr).p_threads);
      expect(e.message).toMatch(/field p_threads: p_threads list loops back to thread/);
      expect([e.field, e.address]).toEqual(['proc.p_threads', loopP.p_threads[0].addr]);
      // The link after the first thread cannot be followed: the error is the link's, not the struct's.
      e = fails(() => r.proc(badP.addr).p_threads);
      expect(e.message).toMatch(/cannot read thread\.p_threads link at 0xfffff8007ff000/);
      expect(e.field).toBe('proc.p_threads');
      e = fails(() => r.pgrp(loopG.addr).pg_members);
      expect(e.message).toMatch(/field pg_members: pg_members list loops back to proc/);
      e = fails(() => r.pgrp(badG.addr).pg_members);
      expect(e.message).toMatch(/cannot read proc\.pg_members link at 0xfffff8007ff00/);
      // Undamaged lists read whole, the same objects as the cache gives.
      const ok = multi.find((p) => p !== loopP && p !== badP)!;
      const tds = r.proc(ok.addr).p_threads;
      expect(tds.map((t) => t.td_tid)).toEqual(ok.p_threads.map((t) => t.td_tid));
      for (const td of tds) expect(r.thread(td.addr)).toBe(td);
    } finally {
      img.close();
    }
  });

  it('a cyclic allproc and a bad p_ucred are reported, not followed forever', () => {
    const model = loadScenarioFile(path.join(SCEN, 'traced.json'), 'amd64');
    const b = builderForModel(model);
    writeModel(model, b);
    const kl = kernelLayouts('amd64');
    const last = model.allproc[model.allproc.length - 1];
    b.writePointer(last.addr + BigInt(kl.off('proc', 'p_list.le_next')), model.allproc[1].addr);
    const victim = model.allproc[0];
    b.writePointer(victim.addr + BigInt(kl.off('proc', 'p_ucred')), 0xfffff8007ff00000n);
    const vmcore = path.join(tmp, 'corrupt.vmcore'), kernel = path.join(tmp, 'corrupt.kernel');
    b.writeImage(vmcore, 'amd64-minidump');
    b.writeKernel(kernel);
    const img = openImage(vmcore, kernel);
    try {
      const r = new KernelReader(img);
      expect(() => r.allprocAddrs()).toThrow(/allproc list loops back/);
      const p = r.proc(victim.addr);
      let err: unknown;
      try {
        void p.p_ucred;
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KstructReadError);
      expect((err as KstructReadError).field).toBe('proc.p_ucred');
      expect((err as KstructReadError).address).toBe(0xfffff8007ff00000n);
      expect(err).toBeInstanceOf(KvmkitError);
    } finally {
      img.close();
    }
  });
});
