import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from 'yargs';

/**
 * Run by `npm run build` on the compiled CLI: writes commands.json beside main.js — each command's
 * name and one-line description — so `kvmkit --help` (and a bare `kvmkit`) can list the commands
 * without importing them all, and with them the whole library.
 */
export interface ManifestEntry { file: string; command: string; describe: string }

const here = path.dirname(fileURLToPath(import.meta.url));
const entries: ManifestEntry[] = [];
for (const file of fs.readdirSync(path.join(here, 'commands')).filter((f) => f.endsWith('.js')).sort()) {
  const mod = (await import(pathToFileURL(path.join(here, 'commands', file)).href)) as { command?: CommandModule; commands?: CommandModule[] };
  for (const c of [...(mod.command ? [mod.command] : []), ...(mod.commands ?? [])]) {
    entries.push({ file, command: String(c.command), describe: String(c.describe ?? '') });
  }
}
fs.writeFileSync(path.join(here, 'commands.json'), JSON.stringify(entries, null, 1) + '\n');

// The top-level help text itself (as yargs renders it at full width), so bin/kvmkit can print it
// without loading yargs: `kvmkit --help` then costs what `kvmkit --version` does.
const help = spawnSync(process.execPath, [path.join(here, 'main.js'), '--help'], { encoding: 'utf8' });
if (help.status !== 0) throw new Error(`kvmkit --help failed while building: ${help.stderr}`);
fs.writeFileSync(path.join(here, 'help.txt'), help.stdout);
