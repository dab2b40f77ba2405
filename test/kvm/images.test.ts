import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hex } from '../../src/base/errors.ts';
import type { ImageFormat } from '../../src/image/image.ts';
import { buildModel, KERN_PROC_ALL, KERN_PROC_PROC, randomModel, type KernelModel } from '../../src/kernel/index.ts';
import { buildImage, kernelLayouts } from '../../src/kstruct/index.ts';
import { openKvm, type Kd } from '../../src/kvm/index.ts';
import { archDef } from '../../src/layout/index.ts';
import { REPO } from '../corpus.ts';
import { checkExact, checkLibkvm, type RawOf } from './helpers.ts';

/**
 * The equivalence suite on images: each sample scenario is written by kstruct's writer in the four
 * image formats, opened like any crash dump (openKvm → kstruct's reader), and walked in every
 * revision. Exact mode must equal the live path on the original model byte for byte (native and
 * compat32); libkvm mode may differ only in rule-owned fields, with libkvm's raw string copies
 * checked against the bytes that really follow each string in the image. Then damaged images.
 */
const FORMATS: [ImageFormat, string][] = [['amd64-minidump', 'amd64'], ['amd64-elf', 'amd64'], ['i386-minidump', 'i386'], ['arm64-minidump', 'arm64']];
const REVS = ['fbsd14', 'fbsd15', 'fbsd15-reaper'];
const SCEN = path.join(REPO, 'dumps/scenarios');
const scenarios = fs.readdirSync(SCEN).filter((f) => f.endsWith('.json') && !f.includes('schema'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-kvm-images-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function build(model: KernelModel, format: ImageFormat): { core: string; kernel: string } {
  const base = path.join(tmp, `img${n++}`);
  buildImage(model, { format, vmcore: `${base}.core`, kernel: `${base}.kernel` });
  return { core: `${base}.core`, kernel: `${base}.kernel` };
}

/** libkvm's raw copies: the bytes really in the image at each string (pointer read through kstruct's layouts). */
function imageRaw(kd: Kd, arch: string): RawOf {
  const kl = kernelLayouts(arch);
  const ptr = (va: bigint) => {
    const b = kd.read(va, kl.pointerSize);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return kl.pointerSize === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
  };
  return (which, owner, len, s) => {
    const va = which === 's_login' ? owner.addr + BigInt(kl.off('session', 's_login')) : ptr(owner.addr + BigInt(kl.off('thread', which)));
    const b = kd.read(va, len);
    // whatever follows, the string itself must be there
    expect(Buffer.from(b.subarray(0, Math.min(s.length, len))).toString('latin1')).toBe(s.slice(0, len));
    return b;
  };
}

async function equivalence(model: KernelModel, format: ImageFormat, arch: string, label: string): Promise<number> {
  const files = build(model, format);
  let records = 0;
  for (const rev of REVS) {
    const kd = await openKvm(files.core, files.kernel, { revision: rev });
    try {
      expect(kd.kind, label).toBe('image');
      const ex = checkExact(kd, model, rev, !!archDef(arch).compat32);
      expect(ex.why, `${label} ${rev}`).toBeUndefined();
      records += ex.records;
      const lk = checkLibkvm(kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm' }), model, rev, imageRaw(kd, arch));
      expect(lk.violations, `${label} ${rev}`).toEqual([]);
    } finally {
      kd.close();
    }
  }
  return records;
}

describe('equivalence on images (kstruct writer → dump → kstruct reader → walker)', () => {
  for (const file of scenarios) {
    it(file, async () => {
      const json = JSON.parse(fs.readFileSync(path.join(SCEN, file), 'utf8'));
      for (const [format, arch] of FORMATS) await equivalence(buildModel(json, { arch }), format, arch, `${file} ${format}`);
    });
  }
  it('random systems on images (a few per run, every format)', async () => {
    let records = 0;
    for (let seed = 1001; seed <= 1008; seed++) {
      const [format, arch] = FORMATS[seed % 4];
      const { model } = randomModel({ seed, processes: 40, maxThreads: 5, jails: 2 }, arch);
      records += await equivalence(model, format, arch, `seed ${seed} ${format}`);
    }
    console.log(`[kvm equivalence, images] 8 random systems x 3 revisions: ${records} exact-mode records identical`);
  });
});

/** Patch bytes of a built image file at a kernel VA (through the image's own translation). */
function poke(kd: Kd, core: string, va: bigint, bytes: Uint8Array): void {
  const t = kd.image!.translate(va);
  const fd = fs.openSync(core, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, t.fileOffset);
  fs.closeSync(fd);
}
const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

describe('damaged images: partial results with addresses, cycles detected, strict fails', () => {
  const model = buildModel(JSON.parse(fs.readFileSync(path.join(SCEN, 'login-session.json'), 'utf8')), { arch: 'amd64' });
  const kl = kernelLayouts('amd64');
  const fresh = async () => {
    const f = build(model, 'amd64-minidump');
    const kd = await openKvm(f.core, f.kernel, { revision: 'fbsd15' });
    kd.close();
    return { ...f, probe: kd };
  };
  const reopen = (f: { core: string; kernel: string }) => openKvm(f.core, f.kernel, { revision: 'fbsd15' });

  it('a cyclic allproc (p_list link pointing back): libkvm stops at the repeat and reports it', async () => {
    const f = await fresh();
    const ap = model.allproc;
    poke(f.probe, f.core, ap[3].addr + BigInt(kl.off('proc', 'p_list.le_next')), u64(ap[1].addr));
    const kd = await reopen(f);
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.records.map((x) => x.pid)).toEqual(ap.slice(0, 4).filter((p) => p.p_state !== 2).map((p) => p.p_pid));
    expect(l.errors).toEqual([expect.objectContaining({ code: 'cycle', address: ap[1].addr })]);
    expect(() => kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm', strict: true })).toThrow(/loops back/);
    // the pid hash is intact: exact mode is complete
    expect(kd.getProcs(KERN_PROC_PROC, 0).errors).toEqual([]);
    kd.close();
  });

  it('a p_list link into nowhere: the processes before it, and "can\'t read proc at 0x…"', async () => {
    const f = await fresh();
    const bad = 0xfffff8007ff00000n;
    poke(f.probe, f.core, model.allproc[2].addr + BigInt(kl.off('proc', 'p_list.le_next')), u64(bad));
    const kd = await reopen(f);
    const l = kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' });
    expect(l.records.length).toBeGreaterThan(0);
    expect(l.errors.map((e) => e.address)).toContain(bad);
    expect(l.libkvm).toEqual({ returnsNull: true, errbuf: `can't read proc at ${hex(bad)}` });
    kd.close();
  });

  it('a thread list pointing outside the dump: the threads before it, the error with its address', async () => {
    const f = await fresh();
    const p = [...model.procs.values()].find((q) => q.p_threads.length >= 2 && q.p_state === 1)!;
    const bad = 0xfffffe00dead0000n;
    poke(f.probe, f.core, p.p_threads[0].addr + BigInt(kl.off('thread', 'td_plist.tqe_next')), u64(bad));
    const kd = await reopen(f);
    const r = kd.getProcs(KERN_PROC_ALL, 0);
    expect(r.records.filter((x) => x.pid === p.p_pid).map((x) => x.tid)).toEqual([p.p_threads[0].td_tid]);
    expect(r.errors).toEqual([expect.objectContaining({ object: 'thread', address: bad, pid: p.p_pid })]);
    expect(r.records.find((x) => x.pid === p.p_pid)!.unavailable).toContain('ki_numthreads');
    expect(() => kd.getProcs(KERN_PROC_ALL, 0, { strict: true })).toThrow(/thread/);
    const l = kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm' });
    expect(l.libkvm?.errbuf).toBe(`can't read thread at ${hex(bad)}`);
    kd.close();
  });

  it('an unreadable credential: exact mode names the fields unavailable; a pid-hash cycle is detected', async () => {
    const f = await fresh();
    const p = model.procs.get(1)!;
    poke(f.probe, f.core, p.addr + BigInt(kl.off('proc', 'p_ucred')), u64(0xfffff8007ee00000n));
    const q = model.pidhashtbl.find((b) => b.length >= 1)!;
    poke(f.probe, f.core, q[q.length - 1].addr + BigInt(kl.off('proc', 'p_hash.le_next')), u64(q[0].addr));
    const kd = await reopen(f);
    const r = kd.getProcs(KERN_PROC_PROC, 0);
    const rec = r.records.find((x) => x.pid === 1)!;
    expect(rec.unavailable).toEqual(expect.arrayContaining(['ki_uid', 'ki_groups']));
    expect(r.errors).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'ucred', pid: 1, address: 0xfffff8007ee00000n }), expect.objectContaining({ code: 'cycle' })]));
    expect(r.count).toBe(model.procs.size);
    kd.close();
  });
});

describe('kvmkit ps on an image (CLI)', () => {
  it('--raw writes exactly what the sysctl returns (kvmkit sysctl -o gives the same bytes); --json is the decode shape; the table lists every process', async () => {
    const { execFileSync } = await import('node:child_process');
    const scen = path.join(SCEN, 'login-session.json');
    const model = buildModel(JSON.parse(fs.readFileSync(scen, 'utf8')), { arch: 'arm64' });
    const f = build(model, 'arm64-minidump');
    const bin = path.join(REPO, 'bin/kvmkit');
    const run = (...a: string[]) => execFileSync(bin, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const raw = path.join(tmp, 'ps.bin');
    const live = path.join(tmp, 'live.bin');
    run('ps', f.core, '--kernel', f.kernel, '--rev', 'fbsd15-reaper', '--threads', '--compat32', '--raw', raw);
    run('sysctl', scen, '--arch', 'arm64', '--rev', 'fbsd15-reaper', '--compat32', '-o', live);
    expect(fs.readFileSync(raw).equals(fs.readFileSync(live))).toBe(true);
    const json = JSON.parse(run('ps', f.core, '--kernel', f.kernel, '--rev', 'fbsd15', '--pid', '1531', '--json'));
    const dec = JSON.parse(run('sysctl', scen, '--arch', 'arm64', '--rev', 'fbsd15', '--mib', 'kern.proc.pid.1531', '--json'));
    expect(json).toEqual(dec);
    const table = run('ps', f.core, '--kernel', f.kernel).trim().split('\n');
    expect(table.length - 1).toBe([...model.procs.values()].length);
    // TT as FreeBSD's ps prints it: the terminal's cdev name read from the dump, "pts/" and "tty" dropped.
    // Default format pid,tt,state,time,command; without a terminal tname() prints "- ".
    const tt = (pid: number) => table.find((l) => l.trim().split(/\s+/)[0] === String(pid))!.trim().split(/\s+/)[1];
    expect([tt(1531), tt(1044), tt(812)]).toEqual(['0', 'v0', '-']);
    expect(run('ps', '--rules')).toMatch(/structsize-zero\s+field\s+§3\.3 #3/);
  });
});

describe('kd.nlist / kd.read / kd.close on an image', () => {
  it('nlist finds kernel symbols (leading underscore accepted) and reports missing ones; read returns kernel memory', async () => {
    const model = buildModel(JSON.parse(fs.readFileSync(path.join(SCEN, 'zombie.json'), 'utf8')), { arch: 'i386' });
    const f = build(model, 'i386-minidump');
    const kd = await openKvm(f.core, f.kernel);
    const [ap, z] = kd.nlist(['_allproc', '_zombproc']);
    expect(ap.found).toBe(true);
    expect(z).toMatchObject({ found: false, value: 0n });
    const b = kd.read(ap.value, 4);
    expect(BigInt(new DataView(b.buffer, b.byteOffset).getUint32(0, true))).toBe(model.allproc[0].addr);
    expect(kd.getProcs(KERN_PROC_PROC, 0, { mode: 'libkvm' }).records.map((x) => x.pid)).toEqual(model.allproc.filter((p) => p.p_state !== 2).map((p) => p.p_pid));
    kd.close();
  });
});
