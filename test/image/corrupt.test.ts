import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import { BufferSource } from '../../src/base/source.ts';
import { DumpBuilder } from '../../src/image/builder.ts';
import type { KernelImage } from '../../src/image/image.ts';
import { openImage, openImageSource } from '../../src/image/open.ts';
import { writeKernelElf } from '../../src/image/kernel-elf.ts';
import { KernelSymbols } from '../../src/image/symbols.ts';
import { MAX_PROCS, walkThreads } from '../../src/kvm/threads.ts';
import { BUILDS, OFFS, SAMPLE_PROCS, placeProcs, prng, tmpDir } from './helpers.ts';
import { errorOf } from '../errors.ts';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MiB = 1n << 20n;

/** A built image; `small` shrinks RAM so that copying it per fuzz iteration is cheap. */
function built(i: number, small = false): { core: Buffer; kernel: Buffer; b: DumpBuilder; placed: ReturnType<typeof placeProcs> } {
  const { opts, format, version } = BUILDS[i];
  const ram = opts.arch === 'arm64' ? [{ start: 0x40000000n, end: 0x40000000n + 12n * MiB }] : [{ start: 0x1000n, end: 0x9f000n }, { start: 0x100000n, end: 16n * MiB }];
  const b = new DumpBuilder(small ? { ...opts, ram, kernelImageSize: 4n * MiB } : opts);
  const placed = placeProcs(b, SAMPLE_PROCS, 100659);
  const f = path.join(dir, `corrupt-${i}`);
  b.writeImage(f, format, { version });
  b.writeKernel(f + '.k');
  const out = { core: fs.readFileSync(f), kernel: fs.readFileSync(f + '.k'), b, placed };
  fs.rmSync(f);
  fs.rmSync(f + '.k');
  return out;
}

function open(core: Uint8Array, kernel: Uint8Array): KernelImage {
  return openImageSource(new BufferSource(core, 'core'), new KernelSymbols(new BufferSource(kernel, 'kernel')));
}

const put32 = (b: Buffer, o: number, v: number): void => void b.writeUInt32LE(v >>> 0, o);

describe('corrupt containers give KvmkitErrors naming the file and offset', () => {
  const amd = built(0), i386 = built(4), arm = built(7), elf = built(2);

  it('bad magic', () => {
    for (const x of [amd, i386, arm]) {
      const c = Buffer.from(x.core);
      c[12] ^= 0x20; // still starts with "minidump", so the back-end's full-magic check speaks
      const e = errorOf(() => open(c, x.kernel));
      expect(e.message).toMatch(/not a minidump for this platform/);
      expect(e.context).toMatchObject({ file: 'core', offset: 0 });
    }
    const c = Buffer.from(amd.core);
    c.write('garbage!', 0);
    expect(errorOf(() => open(c, amd.kernel)).message).toMatch(/invalid core/);
  });

  it('wrong version', () => {
    const c = Buffer.from(arm.core);
    put32(c, 24, 9);
    const e = errorOf(() => open(c, arm.kernel));
    expect(e.message).toMatch(/wrong minidump version. Expected 3 got 9/);
    expect(e.context.offset).toBe(24);
    const d = Buffer.from(amd.core);
    put32(d, 24, 0);
    expect(errorOf(() => open(d, amd.kernel)).message).toMatch(/wrong minidump version. expected 3 got 0/);
  });

  it('truncated header, bitmap and page map', () => {
    expect(errorOf(() => open(amd.core.subarray(0, 40), amd.kernel)).message).toMatch(/cannot read dump header/);
    expect(errorOf(() => open(i386.core.subarray(0, 50), i386.kernel)).message).toMatch(/cannot read dump header/);
    const img = open(amd.core, amd.kernel) as unknown as { layout: { bitmapOff: number; pmapOff: number } };
    expect(errorOf(() => open(amd.core.subarray(0, img.layout.bitmapOff + 100), amd.kernel)).message).toMatch(/cannot read 4096 bytes for bitmap/);
    const e = errorOf(() => open(amd.core.subarray(0, img.layout.pmapOff + 5000), amd.kernel));
    expect(e.message).toMatch(/for page map/);
    expect(e.context.offset).toBe(img.layout.pmapOff);
    expect(errorOf(() => open(new Uint8Array(0), amd.kernel)).message).toMatch(/empty file/);
  });

  it('absurd sizes', () => {
    for (const [off, field] of [[28, 'msgbufsize'], [32, 'bitmapsize'], [36, 'pmapsize']] as const) {
      const c = Buffer.from(arm.core);
      put32(c, off, 0xfffff000);
      const e = errorOf(() => open(c, arm.kernel));
      expect(e.context.file).toBe('core');
      expect(e.context.offset).toBeDefined();
      expect(e.message, field).toMatch(/cannot read|runs past|file has/);
    }
    const c = Buffer.from(arm.core);
    put32(c, 76, 3);
    put32(c, 24, 3);
    expect(errorOf(() => open(c, arm.kernel)).message).toMatch(/unknown page size flag 3/);
  });

  it('a dump cut short in its stored pages opens, and reads past the end say so', () => {
    const c = amd.core.subarray(0, amd.core.length - 4096 * 3);
    const img = open(c, amd.kernel);
    const pages = [...img.presentPages()];
    const last = pages[pages.length - 1];
    const e = errorOf(() => img.readPhys(last.pa, 16));
    expect(e.message).toMatch(/truncated/);
    expect(e.context.offset).toBe(last.fileOffset);
  });

  it('ELF cores: wrong type, absurd program headers, a kernel that is not ELF', () => {
    const c = Buffer.from(elf.core);
    c.writeUInt16LE(2, 16);
    expect(errorOf(() => open(c, elf.kernel)).message).toMatch(/invalid core: e_type 2/);
    const d = Buffer.from(elf.core);
    d.writeBigUInt64LE(0x7fffffffffffn, 32); // e_phoff far past the end
    expect(errorOf(() => open(d, elf.kernel)).message).toMatch(/program headers/);
    const k = Buffer.from(elf.kernel);
    k[1] = 0;
    expect(errorOf(() => open(elf.core, k)).message).toMatch(/kernel is not an ELF file/);
    const m = Buffer.from(elf.kernel);
    m.writeUInt16LE(183, 18); // EM_AARCH64 kernel with an ELF core: no back-end
    expect(errorOf(() => open(elf.core, m)).message).toMatch(/unsupported architecture/);
  });

  it('a missing kernbase / KPML4phys symbol', () => {
    const b = new DumpBuilder({ arch: 'amd64' });
    const f = path.join(dir, 'nokpml4');
    b.writeImage(f, 'amd64-elf');
    for (const [drop, msg] of [['KPML4phys', /bad namelist - no KPML4phys/], ['kernbase', /bad namelist - no kernbase/]] as const) {
      writeKernelElf(f + '.k', { arch: 'amd64', symbols: b.symbolList().filter((s) => s.name !== drop) });
      expect(errorOf(() => openImage(f, f + '.k')).message).toMatch(msg);
    }
  });
});

describe('bad process lists end in error entries, not hangs', () => {
  it('a cyclic allproc list', () => {
    const x = built(0);
    x.b.writePointer(x.placed.paddrs[2] + BigInt(OFFS.proc_off_p_list), x.placed.paddrs[0]);
    const f = path.join(dir, 'cycle');
    x.b.writeImage(f);
    x.b.writeKernel(f + '.k');
    const w = walkThreads(openImage(f, f + '.k'));
    expect(w.incomplete).toBe(true);
    expect(w.procs.length).toBe(4);
    expect(w.procs[3].error).toMatch(/allproc list loops back to proc 0x/);
    expect(w.procs[3].paddr).toBe(x.placed.paddrs[0]);
  });

  it('a cyclic thread list and a pointer outside the dump', () => {
    const x = built(7);
    x.b.writePointer(x.placed.tdaddrs[1][1] + BigInt(OFFS.thread_off_td_plist), x.placed.tdaddrs[1][0]);
    x.b.writePointer(x.placed.paddrs[2] + BigInt(OFFS.proc_off_p_list), 0xffffa000dead0000n);
    const f = path.join(dir, 'badptr');
    x.b.writeImage(f);
    x.b.writeKernel(f + '.k');
    const w = walkThreads(openImage(f, f + '.k'));
    expect(w.incomplete).toBe(true);
    expect(w.procs[1].threads[2].error).toMatch(/p_threads list loops back/);
    expect(w.procs[3].paddr).toBe(0xffffa000dead0000n);
    const err = w.procs[3].error ?? '';
    expect(err).toContain('cannot read proc at 0xffffa000dead0000');
    expect(err).toMatch(/direct map address 0xffffa000dead[0-9a-f]{4} not in minidump/);
  });

  it('caps the list length', () => {
    expect(MAX_PROCS).toBeLessThanOrEqual(100_000);
  });
});

describe('property: mutated images give success or KvmkitError, never another exception or a hang', () => {
  const ITER = 80;
  it.each(BUILDS.map((b, i) => [b.label, i] as const))('%s', (_label, i) => {
    const x = built(i, true);
    // File offsets of the placed struct proc / thread, to corrupt kernel objects in place.
    const clean = open(x.core, x.kernel);
    const structOffsets = [...x.placed.paddrs, ...x.placed.tdaddrs.flat()].map((va) => clean.translate(va).fileOffset);
    const rnd = prng(0x5eed + i);
    const int = (n: number): number => Math.floor(rnd() * n);
    const t0 = Date.now();
    let ok = 0, failed = 0;
    for (let it = 0; it < ITER; it++) {
      let core: Uint8Array = Buffer.from(x.core);
      let kernel: Uint8Array = x.kernel;
      const kind = int(6);
      const nflips = 1 + int(8);
      for (let k = 0; k < nflips; k++) {
        if (kind === 0) core[int(128)] = int(256); // header fields
        else if (kind === 1) core[int(core.length)] = int(256); // anywhere
        else if (kind === 2) core = core.subarray(0, int(core.length)); // truncation
        else if (kind === 3) new DataView(core.buffer, core.byteOffset).setUint32(24 + 4 * int(12), int(2) ? 0xffffffff : int(1 << 20), true);
        else if (kind === 4) { kernel = Buffer.from(x.kernel); kernel[int(kernel.length)] = int(256); }
        else {
          // Corrupt the kernel objects themselves: list pointers, pids, names in struct proc / thread.
          const at = structOffsets[int(structOffsets.length)] + [0, 8, 16, 24, OFFS.proc_off_p_pid, OFFS.thread_off_td_name][int(6)];
          if (at + 8 <= core.length) new DataView(core.buffer, core.byteOffset).setBigUint64(at, BigInt(int(2 ** 32)) * BigInt(int(2 ** 32)), true);
        }
      }
      try {
        const img = open(core, kernel);
        img.info();
        let n = 0;
        for (const p of img.presentPages()) {
          if (++n > 64) break;
          try { img.readPhys(p.pa, 64); } catch (e) { if (!(e instanceof KvmkitError)) throw e; }
        }
        for (const va of [x.placed.paddrs[0], x.placed.tdaddrs[1][0], 0n, (1n << 64n) - 1n, 0xffffffff80000000n]) {
          try { img.read(va, 300); } catch (e) { if (!(e instanceof KvmkitError)) throw e; }
        }
        walkThreads(img);
        ok++;
      } catch (e) {
        if (!(e instanceof KvmkitError)) throw new Error(`iteration ${it} (kind ${kind}) raised ${(e as Error)?.stack ?? e}`);
        failed++;
      }
    }
    expect(ok + failed).toBe(ITER);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
