import * as fs from 'node:fs';
import { makeCase, materialize, runLibrary } from './cases.ts';
import type { Seed } from './seeds.ts';

/**
 * The child side of the library fuzz pass: runs cases [start, end) of a run in this process and
 * reports each as a JSON line on stdout ({"start":i} before, {"done":i,...} after), so the parent
 * can tell which case hung or blew the heap when this process stops answering or dies.
 * argv: seeds.json runSeed start end workdir cliEvery
 */
const [seedsFile, runSeed, start, end, workdir, cliEvery] = process.argv.slice(2);
const seeds = JSON.parse(fs.readFileSync(seedsFile, 'utf8')) as Seed[];
for (let i = Number(start); i < Number(end); i++) {
  const c = makeCase(seeds, Number(runSeed), i, Number(cliEvery));
  if (c.cli) continue;
  process.stdout.write(JSON.stringify({ start: i }) + '\n');
  const file = materialize(c, workdir);
  let crash: string | undefined;
  try {
    await runLibrary(c, file);
  } catch (e) {
    crash = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n')}` : String(e);
  }
  fs.rmSync(file, { force: true });
  process.stdout.write(JSON.stringify({ done: i, crash }) + '\n');
}
