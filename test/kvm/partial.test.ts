import { describe, expect, it } from 'vitest';
import { hex } from '../../src/base/errors.ts';
import { buildModel, KERN_PROC_ALL, KERN_PROC_PROC, sysctlKernProc } from '../../src/kernel/index.ts';
import { kvmFromModel } from '../../src/kvm/index.ts';
import { T } from '../kernel/fixture.ts';

type R = Record<string, any>;

/**
 * Partial results on a damaged system (in-memory source with injected faults; the image-backed
 * corruption tests live in images.test.ts): the walk returns what it could build plus errors with
 * addresses, names unrecoverable fields, detects cycles, and `strict` turns any error into failure.
 */
describe('partial results and errors', () => {
  const model = buildModel(T, { arch: 'amd64' });
  const p11 = model.procs.get(11)!;
  const p10 = model.procs.get(10)!;

  it('an unreadable ucred: exact mode keeps the record and names the credential fields unavailable; libkvm ignores it (fields 0)', () => {
    const kd = kvmFromModel(model, 'fbsd15', { unreadable: [p11.p_ucred.addr] });
    const r = kd.getProcs(KERN_PROC_PROC, 0);
    const rec = r.records.find((x) => x.pid === 11)!;
    expect(rec.unavailable).toEqual(expect.arrayContaining(['ki_uid', 'ki_groups', 'ki_loginclass', 'ki_flag']));
    expect(r.errors).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'ucred', address: p11.p_ucred.addr, pid: 11 })]));
    // every record not sharing that credential is byte-identical to the live path
    const live = sysctlKernProc(model, { op: KERN_PROC_PROC, revision: 'fbsd15' });
    for (const x of live.records) if (model.procs.get(x.pid)!.p_ucred !== p11.p_ucred) expect(Buffer.from(r.records.find((y) => y.pid === x.pid)!.bytes).equals(Buffer.from(live.bytes.subarray(x.offset, x.offset + x.size)))).toBe(true);
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.libkvm?.returnsNull).toBe(false);
    const d = l.records.find((x) => x.pid === 11)!.value as R;
    expect([d.ki_uid, d.ki_ngroups, d.ki_groups[0]]).toEqual([1001 * 0, 0, 0]);
  });

  it('an unreadable pgrp: libkvm fails with "can\'t read pgrp at 0x…" (kvm_getprocs would return NULL), the others are still listed', () => {
    const kd = kvmFromModel(model, 'fbsd15', { unreadable: [p11.p_pgrp!.addr] });
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.libkvm).toEqual({ returnsNull: true, errbuf: `can't read pgrp at ${hex(p11.p_pgrp!.addr)}` });
    expect(l.records.map((x) => x.pid)).not.toContain(11);
    expect(l.count).toBeGreaterThan(5);
    expect(kd.geterr()).toBe(`can't read pgrp at ${hex(p11.p_pgrp!.addr)}`);
    const r = kd.getProcs(KERN_PROC_PROC, 0);
    const rec = r.records.find((x) => x.pid === 11)!;
    expect(rec.unavailable).toEqual(expect.arrayContaining(['ki_pgid', 'ki_sid', 'ki_tdev', 'ki_jobc']));
    expect(() => kd.getProcs(KERN_PROC_PROC, 0, { strict: true })).toThrow(/cannot read pgrp at/);
  });

  it('an unreadable proc on allproc ends that list (libkvm: "can\'t read proc at 0x…"); the pid hash walk goes on', () => {
    const kd = kvmFromModel(model, 'fbsd15', { unreadable: [p10.addr] });
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.records.map((x) => x.pid)).toEqual([17, 16, 15, 14, 13, 11]);
    expect(l.errors[0]).toMatchObject({ object: 'proc', address: p10.addr });
    expect(l.libkvm?.errbuf).toBe(`can't read proc at ${hex(p10.addr)}`);
    const r = kd.getProcs(KERN_PROC_PROC, 0);
    expect(r.count).toBe(model.procs.size - 1);
    expect(r.errors.map((e) => e.address)).toEqual([p10.addr]);
  });

  it('a cyclic allproc is detected, not followed forever', () => {
    const kd = kvmFromModel(model, 'fbsd15', { allprocLoopAfter: 4, allprocLoopTo: 1, hideSymbols: ['pidhashtbl'] });
    const r = kd.getProcs(KERN_PROC_PROC, 0);
    expect(r.walked).toBe('allproc');
    expect(r.records.map((x) => x.pid)).toEqual([17, 16, 15, 14, 13]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'cycle', address: model.allproc[1].addr })]);
    expect(r.notes.join(' ')).toMatch(/no pidhashtbl/);
    expect(() => kd.getProcs(KERN_PROC_PROC, 0, { strict: true })).toThrow(/loops back/);
    const l = kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm' });
    expect(l.errors.some((e) => e.code === 'cycle')).toBe(true);
  });

  it('an unreadable thread: the threads before it are listed, the aggregates are unavailable; libkvm: "can\'t read thread at 0x…"', () => {
    const kd = kvmFromModel(model, 'fbsd15', { unreadable: [p11.p_threads[1].addr] });
    const r = kd.getProcs(KERN_PROC_ALL, 0);
    expect(r.records.filter((x) => x.pid === 11).map((x) => x.tid)).toEqual([100100]);
    expect(r.records.find((x) => x.pid === 11)!.unavailable).toEqual(expect.arrayContaining(['ki_numthreads', 'ki_rssize', 'ki_pctcpu']));
    const l = kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm' });
    expect(l.libkvm?.errbuf).toBe(`can't read thread at ${hex(p11.p_threads[1].addr)}`);
  });

  it('an unreadable vmspace: libkvm keeps the previous process\'s values (stale) and says so', () => {
    const kd = kvmFromModel(model, 'fbsd15', { unreadable: [p11.p_vmspace!.addr] });
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    const i = l.records.findIndex((x) => x.pid === 11);
    const prev = l.records[i - 1].value as R;
    const d = l.records[i].value as R;
    expect(d.ki_size).toBe(prev.ki_size);
    expect(l.records[i].unavailable).toContain('ki_size');
    expect(l.libkvm?.returnsNull).toBe(false);
  });

  it('missing required symbol: "_nprocs: no such symbol"', () => {
    const kd = kvmFromModel(model, 'fbsd15', { hideSymbols: ['nprocs'] });
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.libkvm).toEqual({ returnsNull: true, errbuf: '_nprocs: no such symbol' });
  });
});
