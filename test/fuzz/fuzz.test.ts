import { describe, expect, it } from 'vitest';
import { runFuzz } from './harness.ts';

/**
 * The short deterministic fuzz pass of `npm test` (fixed seed): mutated copies of every seed kind
 * through the library and, every 8th case, through the CLI. Long runs: `npm run fuzz -- --cases N`.
 */
describe('fuzz (short deterministic pass)', () => {
  it('no crash, hang, runaway memory or stray file on 48 mutated inputs', async () => {
    const s = await runFuzz({ seed: 14, cases: 48, cliEvery: 8, jobs: 2, timeoutMs: 30000, heapMb: 512 });
    expect(s.library + s.cli).toBe(48);
    expect(s.cli).toBe(6);
    expect(s.failures.map((f) => `#${f.index} ${f.kind} ${f.seed}: ${f.detail.split('\n').slice(0, 3).join(' | ')}`)).toEqual([]);
  }, 300_000);
});
