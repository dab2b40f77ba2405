import { runFuzz } from './harness.ts';

/**
 * `npm run fuzz -- --cases N [--seed S] [--cli-every K] [--jobs J] [--timeout MS] [--heap MB]`: a long
 * fuzz run. Prints a summary and every failure with what replays it; exits 1 when any case failed.
 */
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`fuzz: --${name} takes a non-negative integer, not "${args[i + 1]}"`);
    process.exit(2);
  }
  return v;
};
const o = { seed: opt('seed', 20261208), cases: opt('cases', 1000), cliEvery: opt('cli-every', 10), jobs: opt('jobs', 2), timeoutMs: opt('timeout', 20000), heapMb: opt('heap', 512), log: (s: string) => console.error(s) };
const s = await runFuzz(o);
console.log(`fuzz: seed ${o.seed}, ${s.cases} cases (${s.library} library, ${s.cli} CLI) in ${Math.round(s.ms / 1000)} s: ${s.failures.filter((f) => f.kind === 'crash').length} crashes, ${s.failures.filter((f) => f.kind === 'hang').length} hangs, ${s.failures.filter((f) => f.kind === 'memory').length} runaway memory, ${s.failures.filter((f) => f.kind === 'stray').length} stray files`);
for (const f of s.failures) console.log(`\n#${f.index} ${f.kind}${f.cli ? ' (CLI)' : ''} seed ${f.seed}\n  mutation ${JSON.stringify(f.mutation, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))}\n  ${f.detail.replace(/\n/g, '\n  ')}`);
process.exit(s.failures.length ? 1 : 0);
