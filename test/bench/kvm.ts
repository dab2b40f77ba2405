/**
 * Bench section `kvm`: walk time and peak RSS of `kvm_getprocs(KERN_PROC_ALL)` (per thread, exact
 * mode, records streamed and dropped) over a system of N processes with 2 threads each, for
 * N = 25k, 50k, 100k (100k processes / 200k threads is the target: ≤ 3 s, ≤ 300 MB, RSS flat as N
 * grows), on two systems (see SYSTEMS).
 *
 * Each walk runs in a child process (`tsx test/bench/kvm.ts --child N SYSTEM`) so peak RSS is that
 * walk's. The dump is an amd64 minidump built by kstruct's writer in another child (`--build`),
 * cached under os.tmpdir() by size and system, so repeated runs do not rebuild.
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

/**
 * The systems walked: `flat` (every process its own session, above) and `sessions` (the images
 * bench's synthetic system: sessions of 100 processes under sub-reapers, with logins, credentials
 * and running/sleeping threads; process groups make pgrp_calc_jobc and its member reads count).
 */
const SYSTEMS = ['flat', 'sessions'] as const;
type System = (typeof SYSTEMS)[number];

interface ChildResult { n: number; system: System; records: number; walkMs: number; cpuMs: number; rssBeforeMB: number; peakRssMB: number; sampledPeakMB: number }

function imageDir(n: number, system: System): { dir: string; core: string; kernel: string } {
  const dir = path.join(os.tmpdir(), system === 'flat' ? `kvmkit-bench-kvm-amd64-minidump-${n}x2` : `kvmkit-bench-kvm-amd64-minidump-sessions-${n}x2`);
  return { dir, core: path.join(dir, 'vmcore'), kernel: path.join(dir, 'kernel') };
}

/** Build the image (in its own process, so the walk's RSS does not carry the model); cached under os.tmpdir(). */
async function build(n: number, system: System): Promise<void> {
  const { buildModel } = await import('../../src/kernel/index.ts');
  const { buildImageFiles } = await import('../../src/kvm/image-source.ts');
  const { syntheticModel } = await import('./images.ts');
  const f = imageDir(n, system);
  fs.mkdirSync(f.dir, { recursive: true });
  const model = system === 'flat' ? buildModel(benchScenario(n), { arch: 'amd64' }) : syntheticModel(n);
  buildImageFiles(model, { core: f.core, kernel: f.kernel, format: 'amd64-minidump', revision: 'fbsd15' });
}

async function child(n: number, system: System): Promise<ChildResult> {
  const { openKvm } = await import('../../src/kvm/index.ts');
  const f = imageDir(n, system);
  const kd = await openKvm(f.core, f.kernel, { revision: 'fbsd15' });
  const rssBefore = process.memoryUsage().rss;
  let records = 0;
  // ru_maxrss of a child starts from the parent's RSS at fork, so the peak is also sampled here.
  let sampled = rssBefore;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const r = kd.getProcs(0, 0, {
    keep: false,
    onRecord: () => {
      if ((++records & 1023) === 0) sampled = Math.max(sampled, process.memoryUsage().rss);
    },
  });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  kd.close();
  if (r.errors.length) throw new Error(`bench walk had errors: ${r.errors[0].message}`);
  return { n, system, records, walkMs: Math.round(t2 - t1), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssBeforeMB: Math.round(rssBefore / 2 ** 20), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), sampledPeakMB: Math.round(sampled / 2 ** 20) };
}

export const section = {
  name: 'kvm',
  run: () => {
    console.log('\n== kvm: kvm_getprocs(KERN_PROC_ALL) walk, exact mode, records streamed (child process per walk) ==');
    const run = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'kvm.ts'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    for (const system of SYSTEMS) {
      const rows: ChildResult[] = [];
      for (const n of SIZES) {
        const f = imageDir(n, system);
        let built = '';
        if (!fs.existsSync(f.core) || !fs.existsSync(f.kernel)) {
          const t0 = performance.now();
          run(['--build', String(n), system]);
          built = `, built in ${Math.round(performance.now() - t0)} ms`;
        }
        const r = JSON.parse(run(['--child', String(n), system]).trim().split('\n').pop()!) as ChildResult;
        rows.push(r);
        console.log(`${system.padEnd(8)} ${String(n).padStart(7)} procs ${String(r.records).padStart(7)} records  walk ${String(r.walkMs).padStart(6)} ms, cpu ${String(r.cpuMs).padStart(6)} ms  (${Math.round((r.records / r.walkMs) * 1000)} records/s)  RSS before walk ${r.rssBeforeMB} MB, peak ${r.sampledPeakMB} MB sampled / ${r.peakRssMB} MB ru_maxrss  [amd64 minidump ${Math.round(fs.statSync(f.core).size / 2 ** 20)} MiB${built}]`);
      }
      const last = rows[rows.length - 1];
      console.log(`target at 100k procs / 200k threads (${system}): walk <= 3000 ms (${last.walkMs} ms), peak RSS <= 300 MB (${last.sampledPeakMB} MB sampled, ${last.peakRssMB} MB ru_maxrss)`);
    }
  },
};

if (process.argv[2] === '--build') {
  await build(Number(process.argv[3]), process.argv[4] as System);
} else if (process.argv[2] === '--child') {
  const r = await child(Number(process.argv[3]), (process.argv[4] ?? 'flat') as System);
  process.stdout.write(JSON.stringify(r) + '\n');
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  section.run();
}
