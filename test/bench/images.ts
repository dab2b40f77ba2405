/**
 * Bench section "images": a large amd64 minidump built from a synthetic system, then walked.
 *
 *   npm run bench -- images                     (25k, 50k and 100k processes, 2 threads each)
 *   KVMKIT_BENCH_IMAGE_SIZES=100000 npm run bench -- images
 *
 * The system is made with the simulator's own operations (KernelBuilder.fork/setsid/reapAcquire):
 * init forks session leaders (each a sub-reaper with its own credential), each leader forks 99
 * children; every process has two threads. (The random generator now builds 100k-process systems in
 * minutes rather than hours, still too slow for a bench run.) Each walk runs in a child process so its peak RSS (process.resourceUsage().maxRSS) is its
 * own: walkThreads (exported offsets only), KernelReader over the pid hash (proc, threads, cred,
 * prison, pgrp, session, vmspace, sigacts, pstats, sysentvec), and the exact-mode fill
 * (kernProcOut per process, kern.proc.all records) straight on the reader. The kvm walker itself
 * (openKvm → getProcs, with the image source's error handling) is the `kvm` section.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openImage } from '../../src/image/open.ts';
import { KernelBuilder, type ThreadInit } from '../../src/kernel/sim.ts';
import { TDI_SLEEPING, TDS_INHIBITED, TDS_RUNNING, P_KPROC, P_SYSTEM, PRS_NEW, KERN_PROC_ALL } from '../../src/kernel/constants.ts';
import { zeroRusage, zeroRux, type KernelModel } from '../../src/kernel/model.ts';
import { hostRootViewer } from '../../src/kernel/fill.ts';
import { kernProcOut } from '../../src/kernel/sysctl.ts';
import { liveRules } from '../../src/kernel/rules.ts';
import { getLayout } from '../../src/layout/index.ts';
import { buildImage, KernelReader } from '../../src/kstruct/index.ts';
import { walkThreads } from '../../src/kvm/threads.ts';

const here = fileURLToPath(import.meta.url);

/** A synthetic system of `n` processes (proc0 included), two threads each. */
export function syntheticModel(n: number, arch = 'amd64'): KernelModel {
  const ru = zeroRusage();
  let tid = 100001;
  const thread = (name: string, i: number, running = false): ThreadInit => ({
    td_tid: tid++, td_name: name, td_state: running ? TDS_RUNNING : TDS_INHIBITED, td_inhibitors: running ? 0 : TDI_SLEEPING,
    td_wmesg: running ? null : ['select', 'nanslp', 'kqread', 'uwait'][i % 4], td_wchan: running ? 0n : 'self', td_lockname: null,
    td_priority: running ? 120 : 152, td_base_pri: 120, td_user_pri: 120, td_pri_class: 3, td_lastcpu: i % 8, td_oncpu: running ? i % 8 : -1,
    td_flags: 0, td_pflags: 0, td_pflags2: 0, td_exterr_ptr: false, td_kstack_pages: 4, td_slptick: 1000 + (i % 5000), td_cow: i % 7,
    td_sigmask: [0, 0, 0, 0], td_siglist: [0, 0, 0, 0], td_ru: ru, td_rux: { ...zeroRux(), rux_runtime: BigInt(i) * 1000n, rux_uticks: BigInt(i % 50), rux_sticks: 3n },
    td_incruntime: 0n, td_uticks: 0n, td_sticks: 0n, td_iticks: 0n, sched_pctcpu: i % 100, sched_estcpu: 0,
  });
  tid = 100000;
  const proc0 = [thread('swapper', 0)];
  tid = 100001;
  const b = new KernelBuilder(arch as never, { ticks: 3_600_000, hz: 1000, boottime: { sec: 1767225600n, usec: 250000n }, cpu_tick_frequency: 2_400_000_000n, maxproc: 400_000 }, proc0);
  const base = { rfnowait: false, start: { sec: 10n, usec: 0n }, flag: 0, flag2: 0, acflag: 0, lock: 0, siglist: [0, 0, 0, 0] as [number, number, number, number], ru, rux: zeroRux(), crux: zeroRux() };
  const vm = (i: number) => ({ size: BigInt(0x200000 + (i % 97) * 0x1000), rss: BigInt(100 + (i % 300)), swrss: 0n, tsize: 12n, dsize: BigInt(i % 40), ssize: 4n });
  b.fork({ ...base, pid: 1, parent: 0, comm: 'init', threads: [thread('init', 1), thread('init-helper', 1)], vm: vm(1), emul: 'FreeBSD ELF64', exec: '/sbin/init' });
  let pid = 2;
  const perLeader = 100;
  while (pid < n) {
    const leader = pid++;
    b.fork({ ...base, pid: leader, parent: 1, comm: `sshd-${leader}`, threads: [thread('sshd', leader, leader % 50 === 0), thread('sshd-aux', leader)], vm: vm(leader),
      cred: { uid: 1000 + (leader % 500), ruid: 1000 + (leader % 500), svuid: 1000 + (leader % 500), gid: 20, rgid: 20, svgid: 20, groups: [0, 5], flags: 0, jail: 0, loginclass: 'default' } });
    b.setsid(leader, `proc ${leader}`);
    b.setlogin(leader, `user${leader % 500}`, `proc ${leader}`);
    b.reapAcquire(leader, `proc ${leader}`);
    for (let k = 1; k < perLeader && pid < n; k++, pid++) {
      b.fork({ ...base, pid, parent: leader, comm: ['sh', 'vim', 'make', 'cc', 'node'][pid % 5], threads: [thread('main', pid), thread('worker', pid)], vm: vm(pid) });
    }
  }
  void P_KPROC; void P_SYSTEM;
  b.check();
  return b.model;
}

interface WalkResult { mode: string; ms: number; procs: number; threads: number; records?: number; maxRssMB: number; sampledPeakMB: number; rssAtMB?: Record<string, number>; mem?: KernelReader['mem']['stats'] }

/** Runs in a child process: open the image, walk it one way, print JSON. */
function walkChild(vmcore: string, kernel: string, mode: string): WalkResult {
  const t0 = performance.now();
  const img = openImage(vmcore, kernel);
  let procs = 0, threads = 0, records = 0;
  const rssAt: Record<string, number> = {};
  let peak = 0;
  let mem: WalkResult['mem'];
  const mark = () => {
    if (procs % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (procs === 25_000 || procs === 50_000 || procs === 100_000) rssAt[procs] = Math.round(process.memoryUsage().rss / 1048576);
  };
  if (mode === 'walkThreads') {
    const w = walkThreads(img);
    procs = w.procs.length;
    threads = w.procs.reduce((n, p) => n + p.threads.length, 0);
  } else {
    const r = new KernelReader(img);
    const model = r.modelShell();
    const ctx = { model, rules: liveRules('fbsd15'), viewer: hostRootViewer(model), jobc: new Map<bigint, number>() };
    const native = getLayout('kinfo_proc', model.arch, 'fbsd15');
    for (const a of r.pidHashOrder()) {
      r.checkpoint();
      const p = r.proc(a);
      if (p.p_state === PRS_NEW) continue;
      procs++;
      if (mode === 'readProc') {
        threads += p.p_threads.length;
        void p.p_ucred.cr_prison.pr_name, p.p_ucred.cr_loginclass.lc_name, p.p_pgrp?.pg_session.s_login, p.p_vmspace?.vm_map_size, p.p_sigacts, p.p_stats.p_start, p.p_sysent?.sv_name;
      } else {
        kernProcOut(ctx, p, 0, { native }, () => {
          records++;
        });
        threads += p.p_threads.length;
      }
      mark();
    }
    mem = r.mem.stats;
  }
  const ms = Math.round(performance.now() - t0);
  img.close();
  peak = Math.max(peak, process.memoryUsage().rss);
  // ru_maxrss of a spawned child starts from the parent's RSS at fork on Linux, so the sampled peak is reported too.
  return { mode, ms, procs, threads, ...(records ? { records } : {}), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), sampledPeakMB: Math.round(peak / 1048576), ...(Object.keys(rssAt).length ? { rssAtMB: rssAt } : {}), ...(mem ? { mem } : {}) };
  void KERN_PROC_ALL;
}

function runChild(vmcore: string, kernel: string, mode: string): WalkResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', here, '--walk', vmcore, kernel, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`walk child failed (${mode}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as WalkResult;
}

async function run(): Promise<void> {
  const sizes = (process.env.KVMKIT_BENCH_IMAGE_SIZES ?? '25000,50000,100000').split(',').map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-bench-images-'));
  try {
    for (const n of sizes) {
      console.log(`\n== images: amd64 minidump v3, synthetic system of ${n} processes ==`);
      let t = performance.now();
      const model = syntheticModel(n);
      const modelMs = Math.round(performance.now() - t);
      const vmcore = path.join(dir, `vmcore.${n}`), kernel = path.join(dir, `kernel.${n}`);
      t = performance.now();
      const r = buildImage(model, { format: 'amd64-minidump', vmcore, kernel });
      const buildMs = Math.round(performance.now() - t);
      const size = fs.statSync(vmcore).size;
      console.log(`model: ${r.procs} procs, ${r.threads} threads, ${model.objects.length} objects (${modelMs} ms)`);
      console.log(`build: ${buildMs} ms, ${r.objects} kernel structs (${(r.bytes / 1048576).toFixed(0)} MiB), ${r.pages} pages, vmcore ${(size / 1048576).toFixed(0)} MiB; builder process peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
      for (const mode of ['walkThreads', 'readProc', 'exact']) {
        const w = runChild(vmcore, kernel, mode);
        console.log(`${mode.padEnd(12)} open+walk ${String(w.ms).padStart(6)} ms  ${w.procs} procs ${w.threads} threads${w.records ? ` ${w.records} kinfo_proc records` : ''}  RSS peak (sampled) ${w.sampledPeakMB} MB, ru_maxrss ${w.maxRssMB} MB${w.rssAtMB ? `  RSS at ${Object.entries(w.rssAtMB).map(([k, v]) => `${Number(k) / 1000}k: ${v} MB`).join(', ')}` : ''}${w.mem ? `  [${(w.mem.loads / w.procs).toFixed(1)} loads/proc, ${w.mem.chunkMisses} chunk reads, ${w.mem.translations} page translations]` : ''}`);
      }
      fs.rmSync(vmcore, { force: true });
    }
    console.log('targets for the full walk: <= 3 s and <= 300 MB');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const section = { name: 'images', run };

if (process.argv[2] === '--walk') {
  process.stdout.write(JSON.stringify(walkChild(process.argv[3], process.argv[4], process.argv[5])) + '\n');
}
