import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import { RecordView } from '../../src/codec/index.ts';
import { openImage } from '../../src/image/open.ts';
import type { ImageFormat } from '../../src/image/image.ts';
import { KERN_PROC_ALL, PRS_NEW } from '../../src/kernel/constants.ts';
import { hostRootViewer } from '../../src/kernel/fill.ts';
import { randomModel } from '../../src/kernel/random.ts';
import { liveRules } from '../../src/kernel/rules.ts';
import { kernProcOut, sysctlKernProc } from '../../src/kernel/sysctl.ts';
import { buildImage, kernelLayouts, KernelReader, KERNEL_STRUCTS } from '../../src/kstruct/index.ts';
import { bigAt, numAt } from '../../src/kstruct/decode.ts';
import { KernelMemory } from '../../src/kstruct/mem.ts';
import { ObjCache } from '../../src/kstruct/read.ts';
import { ARCHES, getLayout } from '../../src/layout/index.ts';
import { prng } from '../image/helpers.ts';

/**
 * The reader's fast paths against the plain ones: KernelMemory (translation table, chunk cache,
 * partial struct reads) against KernelImage.read, the constant-offset field readers against
 * RecordView.get, and a whole exact-mode walk with small caches (every eviction path taken)
 * against the live path on the model itself.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-kstruct-fast-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FORMATS: [string, ImageFormat][] = [['amd64', 'amd64-minidump'], ['amd64', 'amd64-elf'], ['i386', 'i386-minidump'], ['arm64', 'arm64-minidump']];

function outcome(f: () => Uint8Array): { bytes?: string; error?: string } {
  try {
    return { bytes: Buffer.from(f()).toString('hex') };
  } catch (e) {
    if (!(e instanceof KvmkitError)) throw e;
    return { error: e.message };
  }
}

describe('KernelMemory gives KernelImage.read bytes and errors', () => {
  for (const [arch, format] of FORMATS) {
    it(format, () => {
      const { model } = randomModel({ seed: 7, processes: 60 }, arch);
      const vmcore = path.join(tmp, `mem.${format}`), kernel = path.join(tmp, `mem.${format}.kernel`);
      buildImage(model, { format, vmcore, kernel });
      const img = openImage(vmcore, kernel);
      try {
        const rnd = prng(format.length);
        // Small caches so that chunks are evicted and translation slots collide.
        const mems = [new KernelMemory(img), new KernelMemory(img, 3 * 16384, 16384, 4), new KernelMemory(img, 37 * 4096, 4096, 64), new KernelMemory(img, 0)];
        const objs = model.objects.map((o) => o.obj.addr);
        const probes: [bigint, number][] = [];
        for (let i = 0; i < 600; i++) {
          const base = objs[Math.floor(rnd() * objs.length)];
          probes.push([base + BigInt(Math.floor(rnd() * 3000)) - 200n, 1 + Math.floor(rnd() * 9000)]);
        }
        probes.push([0n, 8], [0xfffffffffffff000n, 8192], [objs[0], 0]);
        for (const [va, len] of probes) {
          const want = outcome(() => img.read(va, len));
          for (const m of mems) expect(outcome(() => m.read(va, len)), `${va.toString(16)}+${len}`).toEqual(want);
          // A partial read of a struct: readable only when the whole struct is; the bytes are the same.
          if (len > 64) {
            const lo = 16, n = Math.min(40, len - lo);
            for (const m of mems) {
              const got = outcome(() => {
                const o = m.loadPart(va, len, lo, n);
                return m.buf.slice(o + lo, o + lo + n);
              });
              expect(got.error ?? got.bytes).toEqual(want.error ?? want.bytes!.slice(lo * 2, (lo + n) * 2));
            }
          }
        }
      } finally {
        img.close();
      }
    });
  }
});

describe('the reader\'s object cache is a Map keyed by (kind, address)', () => {
  it('random sets, gets, overwrites and clears, through growth, with addresses equal in their low 32 bits', () => {
    const rnd = prng(5);
    const c = new ObjCache(4);
    const want = new Map<string, object>();
    const addrs: bigint[] = [];
    for (let i = 0; i < 3000; i++) {
      const base = 0xfffff80000000000n + BigInt(Math.floor(rnd() * 2 ** 32)) * 16n;
      addrs.push(base, base + (1n << 40n), base ^ (1n << 35n));
    }
    for (let step = 0; step < 40_000; step++) {
      const kind = (1 + Math.floor(rnd() * 13)) as never;
      const a = addrs[Math.floor(rnd() * addrs.length)];
      const key = `${kind}:${a}`;
      const r = rnd();
      if (r < 0.5) {
        const o = { step };
        c.set(kind, a, o);
        want.set(key, o);
      } else if (r < 0.9999) {
        expect(c.get(kind, a)).toBe(want.get(key));
      } else {
        c.clear();
        want.clear();
      }
      if (step % 997 === 0) expect(c.count).toBe(want.size);
    }
  });
});

describe('constant-offset field readers equal RecordView.get', () => {
  it('every scalar leaf of every kernel struct, every arch, random bytes', () => {
    const rnd = prng(99);
    for (const arch of ARCHES) {
      const kl = kernelLayouts(arch);
      for (const s of KERNEL_STRUCTS) {
        const layout = kl.structs[s];
        const bytes = Uint8Array.from({ length: layout.size + 16 }, () => (rnd() < 0.4 ? 0 : rnd() < 0.2 ? 0xff : Math.floor(rnd() * 256)));
        const dv = new DataView(bytes.buffer);
        for (const o of [0, 8]) {
          const v = new RecordView(layout, bytes, o);
          for (const l of layout.leaves()) {
            if (l.kind === 'string' || l.count !== undefined) continue;
            const want = v.get(l.path);
            expect(numAt(l, layout.littleEndian)(dv, o), `${arch} ${s}.${l.path}`).toBe(Number(want));
            expect(bigAt(l, layout.littleEndian)(dv, o), `${arch} ${s}.${l.path}`).toBe(BigInt(want));
          }
        }
      }
    }
  });
});

describe('exact-mode walk with small caches', () => {
  for (const [arch, format] of [FORMATS[0], FORMATS[2]]) {
    it(`${format}: records equal the live path's on the model; objects copied with Object.create read through`, () => {
      const { model } = randomModel({ seed: 41, processes: 150 }, arch);
      const vmcore = path.join(tmp, `walk.${format}`), kernel = path.join(tmp, `walk.${format}.kernel`);
      buildImage(model, { format, vmcore, kernel });
      const img = openImage(vmcore, kernel);
      try {
        const want = sysctlKernProc(model, { op: KERN_PROC_ALL, revision: 'fbsd15' });
        for (const opts of [{}, { cacheLimit: 5, readCacheBytes: 2 * 16384 }, { cacheLimit: 0, readCacheBytes: 0 }]) {
          const r = new KernelReader(img, opts);
          const shell = r.modelShell();
          const ctx = { model: shell, rules: liveRules('fbsd15'), viewer: hostRootViewer(shell) };
          const native = getLayout('kinfo_proc', arch, 'fbsd15');
          const out: Uint8Array[] = [];
          for (const a of r.pidHashOrder()) {
            r.checkpoint();
            const p = r.proc(a);
            if (p.p_state === PRS_NEW) continue;
            kernProcOut(ctx, p, 0, { native }, (b) => out.push(b.slice()));
          }
          expect(Buffer.concat(out).equals(Buffer.from(want.bytes)), JSON.stringify(opts)).toBe(true);
        }
        // A copy made with Object.create reads every member through, and assignments shadow.
        const r = new KernelReader(img);
        const p = r.proc(model.allproc[0].addr);
        const q = Object.create(p) as typeof p;
        expect(q.p_threads.map((t) => t.td_tid)).toEqual(model.allproc[0].p_threads.map((t) => t.td_tid));
        expect(q.p_ucred.cr_uid).toBe(model.allproc[0].p_ucred.cr_uid);
        q.p_ucred = null as never;
        expect(q.p_ucred).toBe(null);
        expect(p.p_ucred.addr).toBe(model.allproc[0].p_ucred.addr);
        expect(p.p_threads).toBe(p.p_threads);
      } finally {
        img.close();
      }
    });
  }
});
