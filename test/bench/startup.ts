import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CORPUS, REPO } from '../corpus.ts';

/**
 * CLI start-up, as a user of the installed package pays it: the compiled CLI (KVMKIT_DIST=1, built
 * first by `npm run build`), median of 5 wall-clock runs per command, against `node -e 0` in the
 * same run. Targets (issue 12): --version and --help ≤ 2.5× node, decode ≤ 4×.
 */
function median(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0 && !(args.includes('layout') && r.status === 1)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[2];
}

export const section = {
  name: 'startup',
  run: () => {
    const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('npm run build failed');
    const bin = path.join(REPO, 'bin', 'kvmkit');
    const core = path.join(CORPUS, 'user-cores', 'x86-64-freebsd.core');
    const base = median(process.execPath, ['-e', '0']);
    console.log(`\n== startup: compiled CLI (dist/), median of 5 ==\nnode -e 0                 ${base.toFixed(0).padStart(6)} ms`);
    const rows: [string, string[], number][] = [['--version', ['--version'], 2.5], ['--help', ['--help'], 2.5], ['layout list', ['layout', 'list'], 4]];
    if (fs.existsSync(core)) rows.push(['decode <core>', ['decode', core], 4]);
    for (const [label, args, target] of rows) {
      const ms = median(process.execPath, [bin, ...args], { KVMKIT_DIST: '1' });
      console.log(`kvmkit ${label.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / base).toFixed(2)}x node (target <= ${target}x)`);
    }
  },
};
