import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '../../src/base/errors.ts';
import type { KernelImage } from '../../src/image/image.ts';
import { openImage } from '../../src/image/open.ts';
import { symbolAddress } from '../../src/image/symbols.ts';
import { walkThreads } from '../../src/kvm/threads.ts';
import { corpusDir, repoRoot } from './helpers.ts';

/**
 * The real FreeBSD 13 amd64 dumps against what an independent C reader (libfbsdvmcore) printed for
 * them. The expected files are parsed here, so every value compared comes from that reader.
 */
const vmcores = path.join(corpusDir, 'vmcores');
const present = fs.existsSync(path.join(vmcores, 'kernel-amd64.gz'));
if (!present) console.warn(`[kvmkit] corpus not found at ${vmcores}: real-dump tests are skipped`);

interface ExpThread { tdaddr: string; tid: number; oncpu: number; name: string; crashed: boolean }
interface ExpProc { paddr: string; pid: number; comm: string; threads: ExpThread[] }
interface Expected {
  lookups: Map<string, string>;
  reads: { name: string; addr: string; size: number; bytes: string }[];
  offsets: { name: string; value: number; at: string }[];
  dumptid: number;
  procs: ExpProc[];
  summary: string;
  procsSection: string[];
}

function parseExpected(file: string): Expected {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const e: Expected = { lookups: new Map(), reads: [], offsets: [], dumptid: -1, procs: [], summary: '', procsSection: [] };
  let inProcs = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    let m: RegExpMatchArray | null;
    if (l === 'procs:') inProcs = true;
    if (inProcs && l) e.procsSection.push(l);
    if ((m = l.match(/^open-lookup (\S+) -> (0x[0-9a-f]+)$/))) e.lookups.set(m[1], m[2]);
    else if ((m = l.match(/^(\w+) = (0x[0-9a-f]+) \((\d+) bytes\):$/))) {
      const b = lines[++i].match(/^\s+([0-9a-f]+): ((?:[0-9a-f]{2} ?)+)$/);
      if (!b) throw new Error(`unparsed byte line after ${l}`);
      e.reads.push({ name: m[1], addr: m[2], size: Number(m[3]), bytes: b[2].trim() });
    } else if ((m = l.match(/^ {2}(\w+) = (\d+) \(0x[0-9a-f]+\) \[read at (0x[0-9a-f]+)\]$/))) e.offsets.push({ name: m[1], value: Number(m[2]), at: m[3] });
    else if ((m = l.match(/^ {2}dumptid = (\d+)$/))) e.dumptid = Number(m[1]);
    else if ((m = l.match(/^ {2}proc (0x[0-9a-f]+) pid=(-?\d+) comm="(.*)"$/))) e.procs.push({ paddr: m[1], pid: Number(m[2]), comm: m[3], threads: [] });
    else if ((m = l.match(/^ {4}thread (0x[0-9a-f]+) tid=(\d+) oncpu=(-?\d+) name="(.*?)"( \(crashed\))?$/))) {
      e.procs[e.procs.length - 1].threads.push({ tdaddr: m[1], tid: Number(m[2]), oncpu: Number(m[3]), name: m[4], crashed: !!m[5] });
    } else if ((m = l.match(/^ {2}(\d+ procs, \d+ threads)$/))) e.summary = m[1];
  }
  return e;
}

for (const [label, core, expectedFile, counts] of [
  ['amd64 full dump', 'vmcore-amd64-full.gz', 'amd64-full.txt', { procs: 2, threads: 13 }],
  ['amd64 minidump', 'vmcore-amd64-minidump.gz', 'amd64-minidump.txt', { procs: 3, threads: 16 }],
] as const) {
  describe.skipIf(!present)(`real dump: ${label}`, () => {
    let img: KernelImage;
    let exp: Expected;
    const corePath = path.join(vmcores, core);
    const kernelPath = path.join(vmcores, 'kernel-amd64.gz');
    beforeAll(() => {
      exp = parseExpected(path.join(vmcores, 'expected', expectedFile));
      img = openImage(corePath, kernelPath);
    });
    afterAll(() => img?.close());

    it('parses a complete expected listing', () => {
      expect(exp.procs.length).toBe(counts.procs);
      expect(exp.procs.reduce((n, p) => n + p.threads.length, 0)).toBe(counts.threads);
      expect(exp.offsets.length).toBe(8);
    });

    it('opens with the libkvm back-end for its container', () => {
      expect(img.format).toBe(core.includes('minidump') ? 'amd64-minidump' : 'amd64-elf');
    });

    it('resolves the symbols and reads their bytes as the C reader did', () => {
      for (const [name, value] of exp.lookups) expect(hex(img.symbols!.value(name))).toBe(value);
      expect(exp.reads.length).toBeGreaterThanOrEqual(4);
      for (const r of exp.reads) {
        const va = symbolAddress(img, r.name);
        expect(hex(va)).toBe(r.addr);
        const got = Array.from(img.read(va, r.size), (b) => b.toString(16).padStart(2, '0')).join(' ');
        expect(got, r.name).toBe(r.bytes);
      }
    });

    it('walks allproc / p_threads to exactly the expected processes and threads', () => {
      const w = walkThreads(img);
      expect(w.incomplete).toBe(false);
      expect(w.dumptid).toBe(exp.dumptid);
      for (const o of exp.offsets) {
        const got = w.offsets[o.name as keyof typeof w.offsets];
        expect(got.value, o.name).toBe(o.value);
        expect(hex(got.address), o.name).toBe(o.at);
      }
      const got = w.procs.map((p) => ({
        paddr: hex(p.paddr), pid: p.pid, comm: p.comm,
        threads: p.threads.map((t) => ({ tdaddr: hex(t.tdaddr), tid: t.tid, oncpu: t.oncpu, name: t.name, crashed: t.crashed })),
      }));
      expect(got).toEqual(exp.procs);
    });

    it('`kvmkit threads` prints the expected listing', () => {
      const text = execFileSync(path.join(repoRoot, 'bin/kvmkit'), ['threads', corePath, '--kernel', kernelPath], { encoding: 'utf8' });
      expect(text.trimEnd().split('\n')).toEqual(exp.procsSection);
      expect(text).toContain(exp.summary);
    });

    // One JSON run is enough to pin the JSON shape; each CLI run re-inflates the dump.
    it.runIf(core.includes('minidump'))('`kvmkit threads --json` gives the same records', () => {
      const json = JSON.parse(execFileSync(path.join(repoRoot, 'bin/kvmkit'), ['threads', corePath, '-k', kernelPath, '--json'], { encoding: 'utf8' }));
      expect(json).toEqual(exp.procs.map((p) => ({ paddr: p.paddr, pid: p.pid, comm: p.comm, threads: p.threads.map((t) => ({ tdaddr: t.tdaddr, tid: t.tid, name: t.name, oncpu: t.oncpu, crashed: t.crashed })) })));
    });
  });
}
