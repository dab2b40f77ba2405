import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { KvmkitError } from '../../src/base/errors.ts';
import { detect, readRecordsFile, recordFromJson, encodeRecords } from '../../src/codec/index.ts';
import { convertRecords } from '../../src/compat/copyout.ts';
import { buildModel, sysctlKernProc } from '../../src/kernel/index.ts';
import { openImage } from '../../src/image/index.ts';
import { openKvm, walkThreads } from '../../src/kvm/index.ts';
import { abiDiff } from '../../src/analysis/abi/index.ts';
import { loadReaperInput } from '../../src/analysis/reaper/index.ts';
import { getLayout } from '../../src/layout/index.ts';
import { KERN_PROC_PROC, KERN_PROC_ALL } from '../../src/kernel/constants.ts';
import { applyBin, applyJson, binMutation, jsonMutation, kernelPointers, writeJson, type BinOp, type JsonOp } from './mutate.ts';
import type { Seed } from './seeds.ts';

/**
 * One fuzz case: a seed, a mutation and where it runs (the library in-process, or the CLI in a
 * child). Cases are a pure function of (run seed, index), so any failure replays from its numbers.
 */
export interface FuzzCase {
  index: number;
  seed: Seed;
  mutation: { bin?: BinOp[]; json?: JsonOp[] };
  /** Run through bin/kvmkit (a child process) rather than the library. */
  cli: boolean;
}

export function makeCase(seeds: Seed[], runSeed: number, index: number, cliEvery: number): FuzzCase {
  const pick = fc.sample(fc.record({ s: fc.nat({ max: seeds.length - 1 }), bin: binMutation, json: jsonMutation }), { seed: (runSeed ^ Math.imul(index + 1, 0x9e3779b1)) | 0, numRuns: 1 })[0];
  const seed = seeds[pick.s];
  const isJson = seed.kind === 'scenario' || seed.kind === 'revision' || seed.kind === 'json-records';
  return { index, seed, mutation: isJson ? { json: pick.json } : { bin: pick.bin }, cli: cliEvery > 0 && index % cliEvery === cliEvery - 1 };
}

const pointerCache = new Map<string, number[]>();

/** Write the mutated input to `dir`; returns its path. */
export function materialize(c: FuzzCase, dir: string): string {
  const ext = c.mutation.json ? '.json' : '.bin';
  const out = path.join(dir, `case-${c.index}${ext}`);
  if (c.mutation.json) {
    fs.writeFileSync(out, writeJson(applyJson(JSON.parse(fs.readFileSync(c.seed.file, 'utf8')), c.mutation.json)));
  } else {
    const bytes = new Uint8Array(fs.readFileSync(c.seed.file));
    let ptrs = pointerCache.get(c.seed.file);
    if (!ptrs) pointerCache.set(c.seed.file, (ptrs = kernelPointers(bytes)));
    fs.writeFileSync(out, applyBin(bytes, c.mutation.bin!, ptrs));
  }
  return out;
}

/** An expected failure: a KvmkitError. Anything else thrown is a crash. */
async function expectClean(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof KvmkitError) return;
    throw e;
  }
}

/** The library entry points a mutated input of each kind goes through. */
export async function runLibrary(c: FuzzCase, file: string): Promise<void> {
  const s = c.seed;
  switch (s.kind) {
    case 'records':
    case 'core': {
      await expectClean(() => readRecordsFile(file, { partial: true }));
      await expectClean(() => detect(new Uint8Array(fs.readFileSync(file))));
      if (s.layout) {
        await expectClean(() => readRecordsFile(file, { ...s.layout, partial: true }));
        if (s.layout.struct === 'kinfo_proc' && s.layout.arch === 'amd64') await expectClean(() => convertRecords('amd64', s.layout!.rev, new Uint8Array(fs.readFileSync(file)), file));
        if (s.layout.rev === 'fbsd15-reaper') {
          await expectClean(async () => {
            const { view } = await loadReaperInput(file, { arch: s.layout!.arch, rev: s.layout!.rev, struct: s.layout!.struct });
            for (const p of [...view.procs.keys()].slice(0, 8)) {
              view.status(p);
              view.getpids(p);
              view.kill(p);
            }
            view.hierarchy();
            view.check();
          });
        }
      }
      return;
    }
    case 'image': {
      await expectClean(() => {
        const img = openImage(file, s.kernel);
        try {
          walkThreads(img);
        } finally {
          img.close();
        }
      });
      for (const mode of ['exact', 'libkvm'] as const) {
        await expectClean(async () => {
          const kd = await openKvm(file, s.kernel!);
          try {
            kd.getProcs(mode === 'exact' ? KERN_PROC_ALL : KERN_PROC_PROC, 0, { mode, keep: false, onRecord: () => {} });
            kd.getProcs(KERN_PROC_PROC, 0, { mode, strict: true, keep: false, onRecord: () => {} });
          } finally {
            kd.close();
          }
        });
      }
      return;
    }
    case 'scenario': {
      await expectClean(() => {
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        const model = buildModel(json, { arch: 'amd64', file });
        sysctlKernProc(model, { op: KERN_PROC_ALL, name: [], threads: true, compat32: false, revision: 'fbsd15-reaper' } as never);
      });
      return;
    }
    case 'revision': {
      await expectClean(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: file, arches: ['all'] }));
      await expectClean(() => abiDiff({ struct: 'kinfo_proc32', from: file, to: 'fbsd14', arches: ['amd64'] }));
      return;
    }
    case 'json-records': {
      await expectClean(() => {
        const layout = getLayout(s.layout!.struct, s.layout!.arch, s.layout!.rev);
        let json: unknown;
        try {
          json = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch {
          return;
        }
        if (!Array.isArray(json)) return;
        encodeRecords(layout, json.map((j, i) => recordFromJson(layout, j, i)));
      });
      return;
    }
  }
}

/** The CLI command line a mutated input of each kind goes through (relative output paths land in the case's cwd). */
export function cliArgs(c: FuzzCase, file: string): string[] {
  const s = c.seed;
  const l = s.layout;
  switch (s.kind) {
    case 'records': return c.index % 2 ? ['decode', file, '--partial', '--json'] : l?.rev === 'fbsd15-reaper' && l.struct === 'kinfo_proc' ? ['reaper', 'kill', file, '--pid', '1', '--struct', l.struct, '--arch', l.arch, '--rev', l.rev] : ['detect', file];
    case 'core': return ['decode', file, '--json'];
    case 'image': return c.index % 2 ? ['ps', file, '-k', s.kernel!, '--strict', '--raw', 'out.bin'] : ['threads', file, '-k', s.kernel!];
    case 'scenario': return ['image', 'build', file, '--format', 'amd64-minidump', '-o', 'vmcore', '--kernel-out', 'kernel'];
    case 'revision': return ['abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', file, '--html', 'diff.html'];
    case 'json-records': return ['encode', file, '--struct', l!.struct, '--arch', l!.arch, '--rev', l!.rev, '-o', 'recs.bin'];
  }
}
