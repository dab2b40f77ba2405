import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { KERN_PROC_PID } from '../kernel/constants.ts';
import { pidHashBuckets, pidhashlockFor } from '../kernel/pidhash.ts';
import type { PidHash, ProcessSource, WalkError } from './source.ts';
import {
  emitter, exactWalk, repeatError, result, visitProc, type Emitter, type ExactWalk, type GetProcsOptions, type GetProcsResult,
} from './walk.ts';

/**
 * The exact-mode walk of a large dump on several threads, with the same result as the serial walk
 * (./walk.ts), record for record and error for error.
 *
 * The pid hash's buckets, in the live sysctl's visit order, are cut into blocks. Threads claim the
 * lowest unclaimed block (an atomic compare-and-swap on a shared claim table), walk it with the
 * same visitProc over their own reader of the same files, and hand it over whole: the addresses
 * visited, the records each produced and the errors met (collectBlock). This thread replays the
 * blocks strictly in order, applying the serial walk's one cross-process rule — a process reached
 * twice is listed the first time only — as it goes; so the caller sees one ordered stream of
 * onRecord calls, from this thread. This thread claims blocks too: until a worker has started (it
 * loads its modules and opens the dump itself, ~0.5 s) it walks alone, and while it waits for a
 * worker's block it walks the next ones.
 *
 * Memory stays bounded: nobody claims a block more than WINDOW blocks past the replay. A worker
 * that fails (cannot start, throws, stops answering) is dropped and the blocks it claimed are
 * walked here: a slower walk, never a different one.
 */

/** Buckets per block: ~1500 processes at 10⁵ processes in 2¹⁷ buckets, ~3 MB of records. */
const BLOCK_BUCKETS = 2048;
/** How many blocks past the replay may be claimed. */
export const WINDOW = 4;
/** A worker silent for this long while its block is awaited is taken for dead. */
const STALL_MS = 30_000;
/** Below this many processes a worker's start-up costs more than it saves. */
const MIN_PROCS = 20_000;

/** The files a worker reopens (its own reader: readers are not shared between threads). */
export interface WalkFiles {
  core: string;
  kernel: string;
}

export interface ParallelOptions {
  /** @internal tests: smaller blocks, no size threshold, and the main thread walking only what a dead worker left. */
  blockBuckets?: number;
  minProcs?: number;
  workersOnly?: boolean;
}

/** Shared control words: [0] blocks replayed, [1] messages posted; then the claim table (rank + 1 per block). */
export const CONSUMED = 0, POSTED = 1, CLAIMS = 2;

/** One block, as collectBlock makes it. */
export interface BlockMessage {
  block: number;
  /** Per visit, in order: the address, and the number of records (-1: a bucket list's errors, no address). */
  paddr: BigUint64Array;
  nrec: Int32Array;
  /** Per visit index with errors or unavailable fields. */
  extras: Record<number, { errors?: WalkError[]; unavailable?: string[] }>;
  /** Per record. */
  bytes: Uint8Array;
  pid: Int32Array;
  tid: Int32Array;
  tdaddr: BigUint64Array;
}

export interface WorkerData {
  files: WalkFiles;
  revision: string;
  op: number;
  arg: number;
  opts: Pick<GetProcsOptions, 'threads' | 'compat32'>;
  blockBuckets: number;
  rank: number;
  control: SharedArrayBuffer;
  port: MessagePort;
  entry: string;
  tsx?: string;
}

/** The bucket indexes in visit order. */
export function bucketOrder(hash: PidHash): Int32Array {
  const pidhash = hash.buckets - 1;
  const out = new Int32Array(hash.buckets);
  let k = 0;
  for (const j of pidHashBuckets(pidhash, pidhashlockFor(pidhash))) out[k++] = j;
  return out;
}

/**
 * Walk block `b` of the bucket order on this thread's reader and package it (see BlockMessage).
 * Nothing is skipped or stopped here: repeats and --strict are the replay's business.
 */
export function collectBlock(w: ExactWalk, hash: PidHash, order: Int32Array, b: number, blockBuckets: number): BlockMessage {
  const size = w.layout.size;
  const paddr: bigint[] = [];
  const nrec: number[] = [];
  const extras: BlockMessage['extras'] = {};
  let bytes = new Uint8Array(size * 1024);
  const pid: number[] = [];
  const tid: number[] = [];
  const tdaddr: bigint[] = [];
  const end = Math.min(order.length, (b + 1) * blockBuckets);
  for (let k = b * blockBuckets; k < end; k++) {
    const list = hash.bucket(order[k]);
    if (list.errors.length) {
      extras[nrec.length] = { errors: list.errors };
      paddr.push(0n);
      nrec.push(-1);
    }
    for (const addr of list.addrs) {
      const errors: WalkError[] = [];
      let unavailable: string[] | undefined;
      let n = 0;
      visitProc(w, addr, errors, noop, (p, t, tda, rec, unav) => {
        const r = pid.length;
        if ((r + 1) * size > bytes.length) {
          const grown = new Uint8Array(bytes.length * 2);
          grown.set(bytes);
          bytes = grown;
        }
        bytes.set(rec, r * size);
        pid.push(p.p_pid);
        tid.push(t);
        tdaddr.push(tda);
        if (unav.length) unavailable = unav;
        n++;
      });
      if (errors.length || unavailable) extras[nrec.length] = { ...(errors.length ? { errors } : {}), ...(unavailable ? { unavailable } : {}) };
      paddr.push(addr);
      nrec.push(n);
    }
  }
  return {
    block: b, paddr: BigUint64Array.from(paddr), nrec: Int32Array.from(nrec), extras, bytes: bytes.slice(0, pid.length * size),
    pid: Int32Array.from(pid), tid: Int32Array.from(tid), tdaddr: BigUint64Array.from(tdaddr),
  };
}

const noop = () => {};

/**
 * Claim the lowest unclaimed block for `rank`, if it is within WINDOW of the replay; -1 when
 * every block is claimed, -2 when the window is full.
 */
export function claim(ctl: Int32Array, nblocks: number, rank: number): number {
  const consumed = Atomics.load(ctl, CONSUMED);
  for (let b = consumed; b < nblocks; b++) {
    if (Atomics.load(ctl, CLAIMS + b) !== 0) continue;
    if (b >= consumed + WINDOW) return -2;
    if (Atomics.compareExchange(ctl, CLAIMS + b, 0, rank + 1) === 0) return b;
  }
  return -1;
}

/** Where the worker entry lives, and tsx's loader for it when the code runs as TypeScript. */
function workerEntry(): { entry: string; tsx?: string } | undefined {
  const url = new URL(`./walk-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  if (url.protocol !== 'file:' || !fs.existsSync(fileURLToPath(url))) return undefined;
  if (!url.pathname.endsWith('.ts')) return { entry: url.href };
  try {
    // tsx's ESM build: its CommonJS build registers the loader relative to the caller, which an eval'd worker does not have.
    const api = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
    return fs.existsSync(api) ? { entry: url.href, tsx: pathToFileURL(api).href } : undefined;
  } catch {
    return undefined;
  }
}

const BOOT = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
(async () => {
  try {
    if (workerData.tsx) (await import(workerData.tsx)).register();
    await import(workerData.entry);
  } catch (e) {
    try { workerData.port.postMessage({ failed: String((e && e.stack) || e) }); } catch {}
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
})();
`;

/** Threads when the caller does not say. */
const DEFAULT_JOBS = 1;

/** How many threads a walk of this source would use (1 = serial). */
export function plannedJobs(src: ProcessSource, files: WalkFiles | undefined, op: number, opts: GetProcsOptions & ParallelOptions): number {
  const want = opts.jobs ?? DEFAULT_JOBS;
  if (want <= 1 || !files || (opts.mode ?? 'exact') !== 'exact' || opts.strict || opts.viewer) return 1;
  if ((op & ~0x10) === KERN_PROC_PID) return 1;
  const n = src.nprocs?.() ?? 0;
  if (n < (opts.minProcs ?? MIN_PROCS)) return 1;
  return workerEntry() ? want : 1;
}

/** The exact-mode walk on `jobs` threads (see the module comment). */
export function parallelGetProcs(src: ProcessSource, files: WalkFiles, op: number, arg: number, opts: GetProcsOptions & ParallelOptions, jobs: number): GetProcsResult {
  const w = exactWalk(src, op, arg, opts);
  const hash = src.pidhash();
  if (!hash) throw new Error('parallelGetProcs needs the pid hash');
  const order = bucketOrder(hash);
  const B = opts.blockBuckets ?? BLOCK_BUCKETS;
  const nblocks = Math.ceil(order.length / B);
  const errors: WalkError[] = [];
  const em = emitter(w.layout, opts);
  const seen = new Set<bigint>();
  const total = opts.onProgress ? src.nprocs?.() ?? 0 : 0;
  let done = 0;
  const progress = () => {
    if (opts.onProgress && ++done % 1024 === 0) opts.onProgress(done, Math.max(total, done));
  };

  const control = new SharedArrayBuffer(4 * (CLAIMS + nblocks));
  const ctl = new Int32Array(control);
  const loader = workerEntry()!;
  const workers: Helper[] = [];
  for (let rank = 1; rank < jobs; rank++) {
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = { files, revision: src.revision, op, arg, opts: { threads: opts.threads, compat32: opts.compat32 }, blockBuckets: B, rank, control, port: port2, ...loader };
    const worker = new Worker(BOOT, { eval: true, workerData: data, transferList: [port2], stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
    worker.unref();
    workers.push({ worker, port: port1, rank, alive: true, lastHeard: Date.now() });
  }
  const byThread = new Array<number>(jobs).fill(0);
  const notes: string[] = [];
  /** Blocks walked (by anyone) and not yet replayed. */
  const ready = new Map<number, BlockMessage>();
  const drain = () => {
    for (const wk of workers) {
      if (!wk.alive) continue;
      for (let m = receiveMessageOnPort(wk.port); m; m = receiveMessageOnPort(wk.port)) {
        const msg = m.message as BlockMessage | { failed: string };
        if ('failed' in msg) {
          wk.alive = false;
          notes.push(`walk thread ${wk.rank} failed (its blocks were walked on the main thread): ${msg.failed.split('\n')[0]}`);
          break;
        }
        wk.lastHeard = Date.now();
        ready.set(msg.block, msg);
        byThread[wk.rank]++;
      }
    }
  };
  try {
    for (let e = 0; e < nblocks;) {
      drain();
      const msg = ready.get(e);
      if (msg) {
        ready.delete(e);
        replay(msg, w.layout.size, em, errors, seen, progress);
        e++;
        Atomics.store(ctl, CONSUMED, e);
        Atomics.notify(ctl, CONSUMED);
        continue;
      }
      const owner = Atomics.load(ctl, CLAIMS + e) - 1;
      const wk = owner > 0 ? workers[owner - 1] : undefined;
      if (wk && (!wk.alive || Date.now() - wk.lastHeard > STALL_MS)) {
        // Its worker is gone: walk the block here (a late answer for it is then ignored).
        if (wk.alive) notes.push(`walk thread ${wk.rank} stopped answering for ${STALL_MS / 1000} s: its blocks were walked on the main thread`);
        wk.alive = false;
        void wk.worker.terminate();
        ready.set(e, collectBlock(w, hash, order, e, B));
        byThread[0]++;
        continue;
      }
      if (opts.workersOnly && workers.some((x) => x.alive)) {
        // (tests) leave every block to the workers while one is alive.
      } else {
        // Unclaimed, or a live worker is walking e: walk the lowest unclaimed block meanwhile.
        const b = claim(ctl, nblocks, 0);
        if (b >= 0) {
          ready.set(b, collectBlock(w, hash, order, b, B));
          byThread[0]++;
          continue;
        }
        if (owner < 0) continue;
      }
      const posted = Atomics.load(ctl, POSTED);
      drain();
      if (!ready.has(e)) Atomics.wait(ctl, POSTED, posted, 50);
    }
  } finally {
    for (const wk of workers) {
      wk.port.close();
      void wk.worker.terminate();
    }
  }
  opts.onProgress?.(done, done);
  return { ...result('exact', op, arg, w.layout, 'pidhash', em, errors, notes), threads: { jobs, blocks: byThread } };
}

interface Helper { worker: Worker; port: MessagePort; rank: number; alive: boolean; lastHeard: number }

/**
 * A worker's heap: a smaller young generation than V8's default (more, cheaper scavenges; the
 * walk's garbage dies young), so two threads stay within the memory one used to.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** Apply a block to the walk's stream, as the serial walk would have produced it. */
function replay(msg: BlockMessage, size: number, em: Emitter, errors: WalkError[], seen: Set<bigint>, progress: () => void): void {
  let r = 0;
  for (let e = 0; e < msg.nrec.length; e++) {
    const n = msg.nrec[e];
    const extra = msg.extras[e];
    if (n < 0) {
      errors.push(...(extra?.errors ?? []));
      continue;
    }
    const addr = msg.paddr[e];
    progress();
    if (seen.has(addr)) {
      errors.push(repeatError(addr));
      r += n;
      continue;
    }
    seen.add(addr);
    if (extra?.errors) errors.push(...extra.errors);
    const unavailable = extra?.unavailable ?? NONE;
    for (let i = 0; i < n; i++, r++) em.emit(msg.pid[r], addr, msg.tid[r], msg.tdaddr[r], msg.bytes.subarray(r * size, (r + 1) * size), unavailable);
  }
}

const NONE: string[] = [];
