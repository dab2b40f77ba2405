import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../corpus.ts';
import { cliArgs, makeCase, materialize } from './cases.ts';
import { prepareSeeds, type Seed } from './seeds.ts';

/**
 * The fuzz driver. Library cases run in a child process (runner.ts) under a heap cap, watched for
 * per-case time; CLI cases run bin/kvmkit in a fresh directory with its own TMPDIR, under a time
 * and heap cap. A case fails on: a thrown non-KvmkitError (library), an "internal error" or a stack
 * trace on stderr (CLI), a timeout (hang), a heap exhaustion or kill (runaway memory), or a file
 * left behind (a temp file anywhere, or any output after a failed command).
 */
export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Every n-th case runs through the CLI (0 = none). */
  cliEvery: number;
  timeoutMs: number;
  heapMb: number;
  /** Parallel children. */
  jobs: number;
  log?: (s: string) => void;
}

export interface Failure { index: number; seed: string; kind: 'crash' | 'hang' | 'memory' | 'stray'; cli: boolean; detail: string; mutation: unknown }
export interface FuzzSummary { cases: number; library: number; cli: number; failures: Failure[]; ms: number }

const TSX = path.join(REPO, 'node_modules/.bin/tsx');
const KVMKIT = path.join(REPO, 'bin/kvmkit');
/** The output names cliArgs gives (relative to a case's cwd). */
const CASE_OUTPUTS = ['out.bin', 'vmcore', 'kernel', 'diff.html', 'recs.bin'];

function failure(seeds: Seed[], o: FuzzOptions, index: number, kind: Failure['kind'], detail: string): Failure {
  const c = makeCase(seeds, o.seed, index, o.cliEvery);
  return { index, seed: c.seed.name, kind, cli: c.cli, detail: detail.slice(0, 2000), mutation: c.mutation };
}

/** Library cases [start, end) in children, restarted after a case that killed one. */
async function libraryRange(seedsFile: string, seeds: Seed[], o: FuzzOptions, start: number, end: number, work: string): Promise<{ ran: number; failures: Failure[] }> {
  const failures: Failure[] = [];
  let ran = 0;
  let from = start;
  while (from < end) {
    const r = await new Promise<{ next: number }>((resolve) => {
      const child = spawn(TSX, [path.join(REPO, 'test/fuzz/runner.ts'), seedsFile, String(o.seed), String(from), String(end), work, String(o.cliEvery)], {
        cwd: work, env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${o.heapMb}` }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let current: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      let buf = '';
      let stderr = '';
      let reason: 'hang' | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          reason = 'hang';
          child.kill('SIGKILL');
        }, o.timeoutMs);
      };
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const m = JSON.parse(buf.slice(0, nl)) as { start?: number; done?: number; crash?: string };
          buf = buf.slice(nl + 1);
          if (m.start !== undefined) {
            current = m.start;
            arm();
          } else if (m.done !== undefined) {
            clearTimeout(timer);
            ran++;
            current = undefined;
            if (m.crash) failures.push(failure(seeds, o, m.done, 'crash', m.crash));
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (current === undefined) {
          // The runner itself failed (not a case): report it rather than count nothing.
          if (code !== 0) failures.push({ index: from, seed: '-', kind: 'crash', cli: false, detail: `fuzz runner exited ${code}: ${stderr}`, mutation: null });
          return resolve({ next: end });
        }
        ran++;
        const oom = /heap out of memory|Allocation failed/i.test(stderr);
        failures.push(failure(seeds, o, current, reason === 'hang' ? 'hang' : oom ? 'memory' : 'crash', reason === 'hang' ? `no answer after ${o.timeoutMs} ms` : stderr));
        for (const f of fs.readdirSync(work)) fs.rmSync(path.join(work, f), { recursive: true, force: true });
        resolve({ next: current + 1 });
      });
    });
    from = r.next;
  }
  return { ran, failures };
}

/** One CLI case in its own directory. */
function cliCase(seeds: Seed[], o: FuzzOptions, index: number, root: string): Failure | undefined {
  const c = makeCase(seeds, o.seed, index, o.cliEvery);
  const cwd = fs.mkdtempSync(path.join(root, `cli-${index}-`));
  const tmp = path.join(cwd, '.tmp');
  fs.mkdirSync(tmp);
  const input = materialize(c, tmp);
  const moved = path.join(root, path.basename(cwd) + path.extname(input));
  fs.renameSync(input, moved); // the input lives outside the case's cwd, so everything in cwd is the command's
  const args = cliArgs(c, moved);
  const t0 = Date.now();
  const r = spawnSync(KVMKIT, args, { cwd, env: { ...process.env, TMPDIR: tmp, NODE_OPTIONS: `--max-old-space-size=${o.heapMb}`, KVMKIT_DEBUG: '' }, timeout: o.timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 64 << 20 });
  const fail = (kind: Failure['kind'], detail: string) => failure(seeds, o, index, kind, `kvmkit ${args.join(' ')}\n${detail}`);
  try {
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return fail('hang', `no exit after ${Date.now() - t0} ms`);
    if (r.signal) return fail(/heap out of memory/i.test(r.stderr) ? 'memory' : 'crash', `killed by ${r.signal}\n${r.stderr.slice(-2000)}`);
    if (/heap out of memory/i.test(r.stderr)) return fail('memory', r.stderr.slice(-2000));
    if (/internal error|\n\s+at .*\(.*:\d+:\d+\)/.test(r.stderr)) return fail('crash', r.stderr.slice(0, 2000));
    const lines = r.stderr.trim().split('\n').filter((l) => l && !/^writing .*%|^walking/.test(l));
    if ((r.status ?? 1) & 3 && lines.length === 0) return fail('crash', `exit ${r.status} without a message`);
    const left = fs.readdirSync(cwd).filter((f) => f !== '.tmp');
    const tmpLeft = fs.readdirSync(tmp).filter((f) => !/^tsx-\d+$/.test(f)); // tsx's own compile cache (bin/kvmkit's loader)
    if (tmpLeft.length) return fail('stray', `left in TMPDIR: ${tmpLeft.join(', ')}`);
    if (left.some((f) => f.includes('.partial'))) return fail('stray', `temporary left: ${left.join(', ')}`);
    if ((r.status ?? 1) & 3 && left.length) return fail('stray', `exit ${r.status} but output left: ${left.join(', ')}`);
    return undefined;
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.rmSync(moved, { force: true });
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-fuzz-'));
  const before = new Set(fs.readdirSync(REPO));
  try {
    const seeds = prepareSeeds(path.join(root, 'seeds'));
    const seedsFile = path.join(root, 'seeds.json');
    fs.writeFileSync(seedsFile, JSON.stringify(seeds));
    const failures: Failure[] = [];
    // Library cases: the range split across `jobs` children.
    const per = Math.ceil(o.cases / o.jobs);
    const libs = await Promise.all(Array.from({ length: o.jobs }, (_x, j) => {
      const work = path.join(root, `lib-${j}`);
      fs.mkdirSync(work);
      return libraryRange(seedsFile, seeds, o, j * per, Math.min(o.cases, (j + 1) * per), work);
    }));
    let library = 0;
    for (const l of libs) {
      library += l.ran;
      failures.push(...l.failures);
    }
    let cli = 0;
    for (let i = 0; i < o.cases; i++) {
      if (!makeCase(seeds, o.seed, i, o.cliEvery).cli) continue;
      cli++;
      const f = cliCase(seeds, o, i, root);
      if (f) failures.push(f);
      if (o.log && cli % 10 === 0) o.log(`cli ${cli} cases, ${failures.length} failures`);
    }
    // Only names a case could write (other test files may run beside this one in the same root).
    const strays = fs.readdirSync(REPO).filter((f) => !before.has(f) && (f.includes('.partial') || CASE_OUTPUTS.includes(f)));
    if (strays.length) failures.push({ index: -1, seed: '-', kind: 'stray', cli: false, detail: `left in the project root: ${strays.join(', ')}`, mutation: null });
    failures.sort((a, b) => a.index - b.index);
    return { cases: o.cases, library, cli, failures, ms: Date.now() - t0 };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
