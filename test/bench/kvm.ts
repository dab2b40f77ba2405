/**
 * Bench section `kvm`: walk time and peak RSS of `kvm_getprocs(KERN_PROC_ALL)` (per thread, exact
 * mode, records streamed and dropped) over a system of N processes with 2 threads each, for
 * N = 25k, 50k, 100k (100k processes / 200k threads is the target: ≤ 3 s, ≤ 300 MB, RSS flat as N
 * grows).
 *
 * Each measurement runs in a child process (`tsx test/bench/kvm.ts --child N`) so peak RSS is that
 * walk's. The system is an amd64 minidump built by kstruct's writer (cached under os.tmpdir(),
 * keyed by the parameters, so repeated runs do not rebuild).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
const SIZES = [25_000, 50_000, 100_000];

/** A scenario of n processes (pid 0 … n-1; pids stop at PID_MAX), each its own session, 2 threads each. */
export function benchScenario(n: number): unknown {
  const steps: unknown[] = [{ fork: { pid: 1, parent: 0, comm: 'init', setsid: true, vm: { size: 4096, rss: 10 }, threads: [{ tid: 100001 }, { tid: 200001 }] } }];
  for (let pid = 2; pid < n; pid++) {
    steps.push({ fork: { pid, parent: 1, comm: `proc${pid}`, setsid: true, vm: { size: 1 << 20, rss: 50 }, threads: [{ tid: 100000 + pid, state: 'sleeping', wmesg: 'select' }, { tid: 200000 + pid, name: 'worker' }] } });
  }
  return { name: `bench-${n}`, system: { hz: 1000, ticks: 100_000_000, boottime: '1700000000.0', cpuTickFrequency: 2_400_000_000, maxproc: 4 * 131072 }, jails: [], ttys: [], steps };
}

interface ChildResult { n: number; source: string; records: number; buildMs: number; walkMs: number; rssBeforeMB: number; peakRssMB: number; sampledPeakMB: number; cached?: boolean }

async function child(n: number): Promise<ChildResult> {
  const { buildModel } = await import('../../src/kernel/index.ts');
  const { openKvm } = await import('../../src/kvm/index.ts');
  const { buildImageFiles } = await import('../../src/kvm/image-source.ts');
  const t0 = performance.now();
  const dir = path.join(os.tmpdir(), `kvmkit-bench-kvm-amd64-minidump-${n}x2`);
  const core = path.join(dir, 'vmcore');
  const kernel = path.join(dir, 'kernel');
  const cached = fs.existsSync(core) && fs.existsSync(kernel);
  if (!cached) {
    fs.mkdirSync(dir, { recursive: true });
    buildImageFiles(buildModel(benchScenario(n), { arch: 'amd64' }), { core, kernel, format: 'amd64-minidump', revision: 'fbsd15' });
  }
  if (global.gc) global.gc();
  const kd = await openKvm(core, kernel, { revision: 'fbsd15' });
  const source = `amd64 minidump (kstruct writer${cached ? ', cached' : ''})`;
  const t1 = performance.now();
  const rssBefore = process.memoryUsage().rss;
  let records = 0;
  // ru_maxrss of a child starts from the parent's RSS at fork, so the peak is also sampled here.
  let sampled = rssBefore;
  const r = kd.getProcs(0, 0, {
    keep: false,
    onRecord: () => {
      if ((++records & 1023) === 0) sampled = Math.max(sampled, process.memoryUsage().rss);
    },
  });
  const t2 = performance.now();
  kd.close();
  if (r.errors.length) throw new Error(`bench walk had errors: ${r.errors[0].message}`);
  return { n, source, records, buildMs: Math.round(t1 - t0), walkMs: Math.round(t2 - t1), rssBeforeMB: Math.round(rssBefore / 2 ** 20), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), sampledPeakMB: Math.round(sampled / 2 ** 20), cached };
}

export const section = {
  name: 'kvm',
  run: () => {
    console.log('\n== kvm: kvm_getprocs(KERN_PROC_ALL) walk, exact mode, records streamed (child process per size) ==');
    const rows: ChildResult[] = [];
    for (const n of SIZES) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'kvm.ts'), '--child', String(n)], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      const r = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
      rows.push(r);
      console.log(`${String(n).padStart(7)} procs ${String(r.records).padStart(7)} records  walk ${String(r.walkMs).padStart(6)} ms  (${Math.round((r.records / r.walkMs) * 1000)} records/s)  RSS before walk ${r.rssBeforeMB} MB, peak ${r.sampledPeakMB} MB sampled / ${r.peakRssMB} MB ru_maxrss  [${r.source}; setup ${r.buildMs} ms]`);
    }
    const last = rows[rows.length - 1];
    console.log(`target at 100k procs / 200k threads: walk <= 3000 ms (${last.walkMs} ms), peak RSS <= 300 MB (${last.sampledPeakMB} MB sampled, ${last.peakRssMB} MB ru_maxrss)`);
  },
};

if (process.argv[2] === '--child') {
  const r = await child(Number(process.argv[3]));
  process.stdout.write(JSON.stringify(r) + '\n');
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  section.run();
}
