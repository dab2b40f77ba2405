import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageFormat } from '../../src/image/image.ts';
import { KERN_PROC_ALL, KERN_PROC_PID, KERN_PROC_PROC, KERN_PROC_UID, randomModel, type KernelModel } from '../../src/kernel/index.ts';
import { buildImage, kernelLayouts } from '../../src/kstruct/index.ts';
import { openKvm, type GetProcsOptions, type GetProcsResult, type Kd } from '../../src/kvm/index.ts';
import { parallelGetProcs, plannedJobs, type WalkFiles } from '../../src/kvm/parallel.ts';

/**
 * The parallel walk (src/kvm/parallel.ts) must give what the serial walk gives: the same records
 * in the same order (bytes, pid, tid, addresses, unavailable fields) and the same errors. The
 * serial walk is the reference (its own equivalence with the live path is test/kvm/images.test.ts).
 * Blocks are made tiny here so that even small systems are cut into many blocks shared by threads.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-kvm-parallel-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function build(model: KernelModel, format: ImageFormat): WalkFiles {
  const base = path.join(tmp, `img${n++}`);
  buildImage(model, { format, vmcore: `${base}.core`, kernel: `${base}.kernel` });
  return { core: `${base}.core`, kernel: `${base}.kernel` };
}

function same(par: GetProcsResult, ser: GetProcsResult, label: string): void {
  const view = (r: GetProcsResult) => r.records.map((x) => ({ pid: x.pid, tid: x.tid, paddr: x.paddr, tdaddr: x.tdaddr, unavailable: x.unavailable, bytes: Buffer.from(x.bytes).toString('hex') }));
  expect(par.count, label).toBe(ser.count);
  expect(view(par), label).toEqual(view(ser));
  expect(par.errors, label).toEqual(ser.errors);
  expect(par.walked, label).toBe(ser.walked);
}

const small = { blockBuckets: 4, minProcs: 0 };
/** The workers walk every block (a small system is otherwise done by the main thread before a worker has started). */
const workersOnly = { ...small, workersOnly: true };

/** Blocks walked by the workers (threads[1…]). */
const byWorkers = (r: GetProcsResult) => r.threads!.blocks.slice(1).reduce((a, b) => a + b, 0);

describe('the parallel walk gives the serial walk\'s result', () => {
  it('random systems in every image format, 2 and 3 threads, all and per-process selectors, compat32', async () => {
    const formats: [ImageFormat, string][] = [['amd64-minidump', 'amd64'], ['amd64-elf', 'amd64'], ['i386-minidump', 'i386'], ['arm64-minidump', 'arm64']];
    let records = 0;
    for (let seed = 2001; seed <= 2004; seed++) {
      const [format, arch] = formats[seed % 4];
      const { model } = randomModel({ seed, processes: 120, maxThreads: 4, jails: 2 }, arch);
      const files = build(model, format);
      const kd = await openKvm(files.core, files.kernel, { revision: 'fbsd15' });
      try {
        const cases: [number, number, GetProcsOptions][] = [[KERN_PROC_ALL, 0, {}], [KERN_PROC_PROC, 0, {}], [KERN_PROC_UID, 0, { threads: true }]];
        if (arch === 'amd64' || arch === 'arm64') cases.push([KERN_PROC_ALL, 0, { compat32: true }]);
        for (const [op, arg, o] of cases) {
          const ser = kd.getProcs(op, arg, { ...o, jobs: 1 });
          const jobs = op === KERN_PROC_ALL && !o.compat32 ? 3 : 2;
          const par = parallelGetProcs(kd.source!, files, op, arg, { ...o, ...workersOnly }, jobs);
          same(par, ser, `seed ${seed} ${format} op ${op} ${JSON.stringify(o)} jobs ${jobs}`);
          expect(par.notes).toEqual([]);
          expect(par.threads!.blocks[0]).toBe(0);
          expect(byWorkers(par)).toBeGreaterThan(1);
          records += par.count;
          if (op === KERN_PROC_ALL && !o.compat32) {
            // Shared with the main thread (which walks alone until a worker is up).
            same(parallelGetProcs(kd.source!, files, op, arg, { ...o, ...small }, 2), ser, `seed ${seed} shared`);
          }
        }
      } finally {
        kd.close();
      }
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('a damaged image: a process on two buckets of different blocks, an unreadable credential, a thread list into nowhere', async () => {
    const { model } = randomModel({ seed: 2101, processes: 150, maxThreads: 3, jails: 1 }, 'amd64');
    const files = build(model, 'amd64-minidump');
    const kl = kernelLayouts('amd64');
    const probe = await openKvm(files.core, files.kernel, { revision: 'fbsd15' });
    const poke = (va: bigint, v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      const fd = fs.openSync(files.core, 'r+');
      fs.writeSync(fd, b, 0, 8, probe.image!.translate(va).fileOffset);
      fs.closeSync(fd);
    };
    const buckets = model.pidhashtbl.map((b, j) => ({ b, j })).filter((x) => x.b.length > 0);
    const first = buckets[0], far = buckets[buckets.length - 1];
    // The far bucket's last process links on to the first bucket's head: those are reached twice.
    poke(far.b[far.b.length - 1].addr + BigInt(kl.off('proc', 'p_hash.le_next')), first.b[0].addr);
    const victim = [...model.procs.values()].find((p) => p.p_pid > 1 && p.p_state === 1)!;
    poke(victim.addr + BigInt(kl.off('proc', 'p_ucred')), 0xfffff8007ee00000n);
    const mt = [...model.procs.values()].find((p) => p.p_threads.length >= 2 && p.p_state === 1 && p !== victim)!;
    poke(mt.p_threads[0].addr + BigInt(kl.off('thread', 'td_plist.tqe_next')), 0xfffffe00dead0000n);
    probe.close();
    const kd = await openKvm(files.core, files.kernel, { revision: 'fbsd15' });
    try {
      const ser = kd.getProcs(KERN_PROC_ALL, 0, { jobs: 1 });
      expect(ser.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['cycle', 'read']));
      expect(ser.errors.some((e) => e.object === 'ucred')).toBe(true);
      expect(ser.errors.some((e) => e.object === 'thread')).toBe(true);
      const par = parallelGetProcs(kd.source!, files, KERN_PROC_ALL, 0, workersOnly, 2);
      same(par, ser, 'damaged');
      expect(par.threads!.blocks).toEqual([0, expect.any(Number)]);
    } finally {
      kd.close();
    }
  });

  it('a worker that cannot open the dump: its blocks are walked on the main thread, same result', async () => {
    const { model } = randomModel({ seed: 2201, processes: 80, maxThreads: 3, jails: 0 }, 'amd64');
    const files = build(model, 'amd64-minidump');
    const kd = await openKvm(files.core, files.kernel, { revision: 'fbsd15' });
    try {
      const ser = kd.getProcs(KERN_PROC_ALL, 0, { jobs: 1 });
      const par = parallelGetProcs(kd.source!, { core: path.join(tmp, 'no-such-core'), kernel: files.kernel }, KERN_PROC_ALL, 0, workersOnly, 2);
      same(par, ser, 'failed worker');
      expect(byWorkers(par)).toBe(0);
    } finally {
      kd.close();
    }
  });

  it('through kd.getProcs (jobs and the internal block size pass through), and serial wherever threads could change the result', async () => {
    const { model } = randomModel({ seed: 2301, processes: 60, maxThreads: 2, jails: 0 }, 'amd64');
    const files = build(model, 'amd64-minidump');
    const kd: Kd = await openKvm(files.core, files.kernel, { revision: 'fbsd15' });
    try {
      const src = kd.source!;
      const par = kd.getProcs(KERN_PROC_ALL, 0, { jobs: 2, ...workersOnly } as GetProcsOptions);
      same(par, kd.getProcs(KERN_PROC_ALL, 0, { jobs: 1 }), 'kd.getProcs');
      expect(par.threads?.jobs).toBe(2);
      expect(byWorkers(par)).toBeGreaterThan(0);
      expect(plannedJobs(src, files, KERN_PROC_ALL, { jobs: 2, ...small })).toBe(2);
      expect(plannedJobs(src, files, KERN_PROC_ALL, { jobs: 2 })).toBe(1); // 60 processes: below the threshold
      expect(plannedJobs(src, files, KERN_PROC_ALL, { jobs: 2, strict: true, ...small })).toBe(1);
      expect(plannedJobs(src, files, KERN_PROC_ALL, { jobs: 2, mode: 'libkvm', ...small })).toBe(1);
      expect(plannedJobs(src, files, KERN_PROC_PID, { jobs: 2, ...small })).toBe(1);
      expect(plannedJobs(src, files, KERN_PROC_ALL, { jobs: 2, viewer: { cred: { cr_uid: 0, cr_ruid: 0, cr_gid: 0, cr_groups: [], cr_prison: src.model.prison0 }, privileged: true, seeOtherUids: true, seeOtherGids: true, seeJailProc: true }, ...small })).toBe(1);
      expect(plannedJobs(src, undefined, KERN_PROC_ALL, { jobs: 2, ...small })).toBe(1);
    } finally {
      kd.close();
    }
  });
});
