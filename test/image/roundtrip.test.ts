import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DumpBuilder } from '../../src/image/builder.ts';
import { openImage } from '../../src/image/open.ts';
import { PAGE_SIZE } from '../../src/image/physmem.ts';
import { readSymbolInt, readSymbolPointer } from '../../src/image/symbols.ts';
import { walkThreads } from '../../src/kvm/threads.ts';
import { BUILDS, SAMPLE_PROCS, pattern, placeProcs, repoRoot, tmpDir } from './helpers.ts';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(BUILDS)('round trip: $label', ({ label, opts, format, version }) => {
  const b = new DumpBuilder(opts);
  const placed = placeProcs(b, SAMPLE_PROCS, 100659);
  const blob = pattern(10000, 7);
  const blobVa = b.defineObject('blob', blob);
  const file = path.join(dir, label.replace(/\W+/g, '_'));
  const kernel = file + '.kernel';
  const progress: [number, number][] = [];
  b.writeImage(file, format, { version, msgbuf: new TextEncoder().encode('msgbuf text'), onProgress: (d, t) => progress.push([d, t]) });
  b.writeKernel(kernel);
  const img = openImage(file, kernel);
  afterAll(() => img.close());

  it('reports progress up to completion', () => {
    expect(progress.length).toBeGreaterThan(0);
    const [d, t] = progress[progress.length - 1];
    expect(d).toBe(t);
  });

  it('identifies format, arch and version', () => {
    const i = img.info();
    expect(i.format).toBe(format);
    expect(i.arch).toBe(opts.arch);
    if (version !== undefined) expect(i.version).toBe(version);
    expect(img.pointerSize).toBe(opts.arch === 'i386' ? 4 : 8);
  });

  it('reads symbols and static data placed by the builder', () => {
    expect(readSymbolInt(img, 'hz')).toBe(100);
    expect(readSymbolInt(img, '_hz')).toBe(100);
    expect(readSymbolPointer(img, 'allproc')).toBe(placed.paddrs[0]);
    expect(Buffer.from(img.read(blobVa, blob.length)).equals(Buffer.from(blob))).toBe(true);
  });

  it('stores exactly the builder pages, with their bytes', () => {
    const pages = [...img.presentPages()];
    const want = b.mem.presentPfns();
    if (format === 'amd64-elf') {
      // A full dump holds every page of every dump_avail range.
      const total = b.mem.dumpAvail.reduce((n, r) => n + Number((r.end - r.start) / 4096n), 0);
      expect(pages.length).toBe(total);
    } else {
      expect(pages.map((p) => Number(p.pa / 4096n))).toEqual(want);
      expect(img.info().pageCount).toBe(want.length);
    }
    for (const pfn of want.filter((_, i) => i % 7 === 0)) {
      const pa = BigInt(pfn) * 4096n;
      expect(Buffer.from(img.readPhys(pa, PAGE_SIZE)).equals(Buffer.from(b.mem.pageBytes(pfn))), `pfn ${pfn}`).toBe(true);
    }
  });

  it('walks the placed process list', () => {
    const w = walkThreads(img);
    expect(w.incomplete).toBe(false);
    expect(w.dumptid).toBe(100659);
    expect(w.procs.map((p) => ({ pid: p.pid, comm: p.comm, threads: p.threads.map((t) => ({ tid: t.tid, name: t.name, oncpu: t.oncpu })) }))).toEqual(SAMPLE_PROCS);
    expect(w.procs.map((p) => p.paddr)).toEqual(placed.paddrs);
    expect(w.procs[0].threads[0].crashed).toBe(true);
    expect(w.procs[1].threads.every((t) => !t.crashed)).toBe(true);
  });
});

describe('containers as savecore leaves them', () => {
  it('opens a gzip-compressed dump and kernel, recognised by content', () => {
    const b = new DumpBuilder({ arch: 'arm64' });
    placeProcs(b, SAMPLE_PROCS, 100004);
    const f = path.join(dir, 'gz-core');
    b.writeImage(f);
    b.writeKernel(f + '.k');
    fs.writeFileSync(f + '.vmcore', zlib.gzipSync(fs.readFileSync(f)));
    fs.writeFileSync(f + '.kern', zlib.gzipSync(fs.readFileSync(f + '.k')));
    const img = openImage(f + '.vmcore', f + '.kern');
    expect(img.format).toBe('arm64-minidump');
    expect(walkThreads(img).procs[1].threads[1].crashed).toBe(true);
    img.close();
  });

  it('opens without a kernel by content; symbol reads then ask for the kernel', () => {
    for (const arch of ['amd64', 'i386', 'arm64'] as const) {
      const b = new DumpBuilder({ arch });
      b.defineInt('hz', 1000);
      const f = path.join(dir, `nokernel-${arch}`);
      b.writeImage(f);
      const img = openImage(f);
      expect(img.arch).toBe(arch);
      expect(() => readSymbolInt(img, 'hz')).toThrow(/needs the kernel ELF/);
      img.close();
    }
    const b = new DumpBuilder({ arch: 'amd64' });
    const va = b.allocKmem(4096);
    const f = path.join(dir, 'nokernel-elf');
    b.writeImage(f, 'amd64-elf');
    const img = openImage(f);
    expect(img.format).toBe('amd64-elf');
    expect(() => img.translate(va)).toThrow(/KPML4phys/);
    img.close();
  });

  it('builds a large image by streaming (256 MiB of RAM, every page present)', () => {
    const b = new DumpBuilder({ arch: 'amd64', ram: [{ start: 0x1000n, end: 0x9f000n }, { start: 0x100000n, end: 256n << 20n }] });
    for (const r of b.mem.dumpAvail) b.mem.markPresent(r.start, Number(r.end - r.start));
    const hz = b.defineInt('hz', 250);
    const f = path.join(dir, 'large');
    let last = 0;
    b.writeImage(f, 'amd64-minidump', { onProgress: (d) => (last = d) });
    b.writeKernel(f + '.k');
    const img = openImage(f, f + '.k');
    expect(img.info().pageCount).toBe(b.mem.presentCount);
    expect(last).toBeGreaterThan(65000);
    expect(fs.statSync(f).size).toBeGreaterThan(256 * 1024 * 1024);
    expect(readSymbolInt(img, 'hz')).toBe(250);
    expect(img.read(hz, 4)).toEqual(new Uint8Array([250, 0, 0, 0]));
    img.close();
    fs.rmSync(f);
  });
});

describe('CLI on built images', () => {
  const b = new DumpBuilder({ arch: 'i386', pae: true });
  placeProcs(b, SAMPLE_PROCS, 100004);
  const f = path.join(dir, 'cli-i386');
  b.writeImage(f);
  b.writeKernel(f + '.k');
  const run = (...args: string[]): string => execFileSync(path.join(repoRoot, 'bin/kvmkit'), args, { encoding: 'utf8' });

  it('threads, kread and info agree with the placement', () => {
    const json = JSON.parse(run('threads', f, '--kernel', f + '.k', '--json')) as { pid: number; threads: { tid: number; crashed: boolean }[] }[];
    expect(json.map((p) => p.pid)).toEqual([806, 11, 0]);
    expect(json[1].threads.map((t) => t.crashed)).toEqual([false, true]);
    const kread = run('kread', f, '-k', f + '.k', 'hz');
    expect(kread).toMatch(/^hz = 0x[0-9a-f]+ \(4 bytes\):\n[0-9a-f]{8} {2}64 00 00 00 +\|d\.\.\.\|\n/);
    const info = JSON.parse(run('info', f, '--json')) as { format: string; version: number; header: { paemode: number } };
    expect(info.format).toBe('i386-minidump');
    expect(info.version).toBe(2);
    expect(info.header.paemode).toBe(1);
  }, 30_000);
});

describe('compressed input that is cut short', () => {
  it('is a KvmkitError naming the file, and leaves no temporary file behind', () => {
    const b = new DumpBuilder({ arch: 'arm64' });
    b.mem.write(0x40100000n, pattern(200000, 3));
    const f = path.join(dir, 'cut');
    b.writeImage(f);
    const gz = zlib.gzipSync(fs.readFileSync(f));
    fs.writeFileSync(f + '.gz', gz.subarray(0, gz.length >> 1));
    expect(() => openImage(f + '.gz')).toThrow(/gzip data is corrupt or truncated.*file .*cut\.gz/);
  });
});
