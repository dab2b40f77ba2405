import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/base/elf.ts';
import { openSource } from '../../src/base/source.ts';
import { decodeRecord, RecordView } from '../../src/codec/index.ts';
import { convertRecords, copyoutPlan, copyoutRules, kinfoProcOut } from '../../src/compat/index.ts';
import { buildModel, KERN_PROC_PID, KERN_PROC_INC_THREAD, sysctlKernProc } from '../../src/kernel/index.ts';
import { archesFor, getLayout } from '../../src/layout/index.ts';
import { T } from '../kernel/fixture.ts';

type R = Record<string, any>;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function both(arch: string, revision: string, pid: number, threads = false) {
  const m = buildModel(T, { arch });
  const op = KERN_PROC_PID | (threads ? KERN_PROC_INC_THREAD : 0);
  const n = sysctlKernProc(m, { op, arg: pid, revision });
  const c = sysctlKernProc(m, { op, arg: pid, revision, compat32: true });
  return { m, n, c, cd: c.records.map((r) => decodeRecord(c.layout, c.bytes, r.offset) as R) };
}

describe('§2.6 freebsd32_kinfo_proc_out (amd64, fbsd15-reaper)', () => {
  const { m, cd } = both('amd64', 'fbsd15-reaper', 11);
  const c = cd[0];
  it('ki_structsize = 768 (set, not copied)', () => expect(c.ki_structsize).toBe(768));
  it('PTRTRIM: amd64 kernel pointers (> 0xffffffff) become 0', () => {
    for (const f of ['ki_args', 'ki_paddr', 'ki_fd', 'ki_vmspace', 'ki_wchan', 'ki_pcb', 'ki_kstack', 'ki_tdaddr', 'ki_pd']) expect(c[f]).toBe(0);
    expect(m.procs.get(11)!.addr > 0xffffffffn).toBe(true);
  });
  it('PTRTRIM keeps ki_uerrmsg 0x1000 (a user address below 4 GiB)', () => expect(c.ki_uerrmsg).toBe(0x1000));
  it('CP: ids, groups, flags (long → int), vm sizes', () => {
    expect([c.ki_pid, c.ki_ppid, c.ki_pgid, c.ki_tpgid, c.ki_sid, c.ki_tsid, c.ki_jobc]).toEqual([11, 10, 11, 11, 10, 10, 1]);
    expect(c.ki_groups.slice(0, 3)).toEqual([20, 0, 5]);
    expect([c.ki_flag, c.ki_kiflag, c.ki_sflag, c.ki_tdflags]).toEqual([0x10000002, 1, 1, 0x10]);
    expect([c.ki_size, c.ki_rssize, c.ki_ssize]).toEqual([1048576, 106, 30]);
  });
  it('TV: ki_start and ki_childtime as 32-bit timevals', () => {
    expect(c.ki_start).toEqual({ tv_sec: 1700000051, tv_usec: 899999 });
    expect(c.ki_childtime).toEqual({ tv_sec: 1, tv_usec: 500000 });
  });
  it('RU: freebsd32_rusage_out (TV + 14 counters)', () => {
    expect(c.ki_rusage.ru_utime).toEqual({ tv_sec: 2, tv_usec: 475000 });
    expect([c.ki_rusage.ru_maxrss, c.ki_rusage.ru_minflt, c.ki_rusage.ru_nvcsw]).toEqual([300, 16, 7]);
  });
  it('FU64: ki_runtime 3300000 and ki_tdev 139 in two 32-bit words, low word first', () => {
    const raw = both('amd64', 'fbsd15-reaper', 11).c.bytes;
    const dv = new DataView(raw.buffer, raw.byteOffset);
    expect([dv.getUint32(272, true), dv.getUint32(276, true)]).toEqual([3300000, 0]);
    expect([dv.getUint32(480, true), dv.getUint32(484, true)]).toEqual([139, 0]);
  });
  it('CP: ki_reaper, ki_reapsubtree (fork copyout)', () => expect([c.ki_reaper, c.ki_reapsubtree]).toEqual([1, 1]));
  it('strings: whole-array byte copies, stale bytes included (per-thread records)', () => {
    const t = both('amd64', 'fbsd15-reaper', 11, true);
    const v = new RecordView(t.c.layout, t.c.bytes, t.c.records[1].offset);
    expect(Buffer.from(v.getBytes('ki_tdname')).toString('latin1')).toBe('sh\0defghijklmnop\0');
    expect(t.cd[0].ki_moretdname).toBe('q');
  });
  it('CP truncation: a 4 GiB + 4 KiB vm_map.size gives 4096', () => expect(both('amd64', 'fbsd15-reaper', 16).cd[0].ki_size).toBe(4096));
});

describe('per-revision rules (layouts/compat-copyout.json)', () => {
  it('fbsd14 and fbsd15 copy no ki_pd (FreeBSD 14/15 copyouts); fbsd15 adds ki_uerrmsg; main-a48e98c9 and the fork copy both', () => {
    const p14 = copyoutPlan('amd64', 'fbsd14');
    expect(p14.dropped.find((d) => d.field === 'ki_pd')?.note).toMatch(/00bdb832/);
    const p15 = copyoutPlan('amd64', 'fbsd15');
    expect(p15.dropped.find((d) => d.field === 'ki_pd')?.note).toMatch(/5ecc60fb/);
    expect(copyoutRules('fbsd15').fields.has('ki_pd')).toBe(false);
    expect(copyoutRules('fbsd15').fields.get('ki_uerrmsg')).toBe('PTRTRIM');
    expect(copyoutRules('fbsd15').fields.get('ki_tdev')).toBe('CP');
    expect(copyoutRules('fbsd15').fields.get('ki_runtime')).toBe('CP');
    for (const r of ['main-a48e98c9', 'fbsd15-reaper']) {
      expect(copyoutRules(r).fields.get('ki_pd')).toBe('PTRTRIM');
      expect(copyoutRules(r).fields.get('ki_uerrmsg')).toBe('PTRTRIM');
      expect(copyoutRules(r).fields.get('ki_runtime')).toBe('FU64');
      expect(copyoutRules(r).fields.get('ki_tdev')).toBe('FU64');
    }
    expect(copyoutRules('main-a48e98c9').fields.has('ki_reaper')).toBe(false);
    expect(copyoutRules('fbsd14').fields.get('ki_runtime')).toBe('CP');
  });
  it('kvmkit compat of fbsd15 native records gives 5ecc60fb-era compat records: no ki_pd bytes, ki_uerrmsg at 688 on amd64', () => {
    // By hand: native amd64 ki_pd at 928, ki_uerrmsg at 936 (abi-diff.test.ts header); compat amd64
    // (freebsd32.h @ 5ecc60fb) ki_tdaddr 684 then ki_uerrmsg 688 — see abi-diff.test.ts.
    const native = getLayout('kinfo_proc', 'amd64', 'fbsd15');
    const v = new RecordView(native);
    v.set('ki_structsize', native.size);
    v.set('ki_pd', 0x1234n);
    v.set('ki_uerrmsg', 0x2040a0n);
    v.set('ki_sflag', 1n);
    const out = convertRecords('amd64', 'fbsd15', v.record());
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect(out.length).toBe(768);
    expect(dv.getUint32(688, true)).toBe(0x2040a0);
    expect(dv.getUint32(756, true)).toBe(1); // ki_sflag
    // ki_pd has no bytes: nothing in the record holds 0x1234.
    for (let o = 0; o + 4 <= out.length; o += 4) expect(dv.getUint32(o, true)).not.toBe(0x1234);
    const m = convertRecords('amd64', 'main-a48e98c9', v.record());
    const dm = new DataView(m.buffer, m.byteOffset, m.byteLength);
    expect([dm.getUint32(688, true), dm.getUint32(692, true), dm.getUint32(760, true)]).toEqual([0x1234, 0x2040a0, 1]);
  });
  it('only spare fields are never written on fbsd15-reaper', () => {
    for (const arch of archesFor('fbsd15-reaper', 'kinfo_proc32')) expect(copyoutPlan(arch, 'fbsd15-reaper').uncopied.every((u) => u.spare)).toBe(true);
  });
  it('every compat arch × revision: size, the same values, big-endian powerpc64', () => {
    for (const revision of ['fbsd14', 'fbsd15', 'main-a48e98c9', 'fbsd15-reaper']) {
      for (const arch of archesFor(revision, 'kinfo_proc32')) {
        const { c, cd } = both(arch, revision, 11);
        expect(cd[0].ki_structsize).toBe(c.layout.size);
        expect(c.layout.size).toBe(arch === 'amd64' ? 768 : 816);
        expect([cd[0].ki_pid, cd[0].ki_comm, Number(cd[0].ki_start.tv_sec), cd[0].ki_tdname]).toEqual([11, 'sh', 1700000051, 'abcdefghijklmnop']);
      }
    }
  });
  it('MASK32 sysctl = native sysctl + convertRecords', () => {
    for (const arch of ['amd64', 'arm64', 'powerpc64']) {
      const m = buildModel(T, { arch });
      const n = sysctlKernProc(m, { op: 0, revision: 'fbsd15-reaper' });
      const c = sysctlKernProc(m, { op: 0, revision: 'fbsd15-reaper', compat32: true });
      expect(convertRecords(arch, 'fbsd15-reaper', n.bytes)).toEqual(c.bytes);
    }
  });
  it('refuses a buffer that is not whole native records, naming the offset', () => {
    expect(() => convertRecords('amd64', 'fbsd15', new Uint8Array(100))).toThrow(/not a whole number.*offset 0/);
    expect(() => copyoutPlan('i386', 'fbsd15')).toThrow(/no COMPAT_FREEBSD32/);
  });
});

describe('a real compat record: ../shared/corpus/user-cores/x86-32-freebsd.core', () => {
  const core = path.resolve(ROOT, '../shared/corpus/user-cores/x86-32-freebsd.core');
  const present = fs.existsSync(core);
  it.skipIf(!present)('copyout of the matching native record reproduces its bytes (fbsd14 rules)', () => {
    const elf = new ElfFile(openSource(core));
    const desc = elf.noteDesc(elf.findNote('FreeBSD', 8)!);
    const size = new DataView(desc.buffer, desc.byteOffset).getInt32(0, true);
    expect(size).toBe(768);
    const real = desc.subarray(4, 4 + size);
    const plan = copyoutPlan('amd64', 'fbsd14');
    const cv = new RecordView(plan.compat, real.slice());
    // Native record: the compat values, plus invented amd64 kernel pointers where PTRTRIM made 0.
    const nv = new RecordView(plan.native);
    let fake = 0xfffff80012340000n;
    for (const l of plan.native.leaves()) {
      if (!cv.has(l.path)) continue;
      const cl = plan.compat.leaf(l.path);
      if (l.kind === 'string') nv.setBytes(l.path, cv.getBytes(l.path));
      else if (l.count !== undefined) for (let i = 0; i < l.count; i++) nv.setAt(l.path, i, l.kind === 'pointer' ? BigInt(cv.getAt(l.path, i)) : cv.getAt(l.path, i));
      else if (l.kind === 'pointer') {
        const x = BigInt(cv.get(l.path) as number);
        nv.set(l.path, x === 0n ? (fake += 0x1000n) : x);
      } else nv.assign(l.path, cl.size === l.size || !cl.signed ? (cv.get(l.path) as number | bigint) : BigInt(cv.get(l.path) as number));
    }
    nv.assign('ki_structsize', 1088);
    nv.assign('ki_pd', 0xfffff80099990000n);
    const out = new RecordView(plan.compat);
    kinfoProcOut(plan, nv, out);
    expect(Buffer.from(out.record())).toEqual(Buffer.from(real));
    const d = decodeRecord(plan.compat, real) as R;
    expect([d.ki_comm, d.ki_emul, d.ki_structsize, d.ki_paddr]).toEqual(['a.out', 'FreeBSD ELF32', 768, 0]);
  });
  it.runIf(!present)('skipped: ../shared/corpus is absent', () => {
    console.warn(`skipping the x86-32 core comparison: ${core} not found`);
  });
});
