/**
 * Regenerates the live-path golden files: for each sample scenario in dumps/scenarios/, the bytes
 * of `sysctl kern.proc.all` for every arch × revision, plus the compat32 (kinfo_proc32) answer on
 * the four 64-bit arches that have one; and dumps/scenarios/scenario.schema.json from the schema
 * in src/kernel/scenario.ts. Run: npx tsx dumps/generate-live.ts [--check]
 * With --check nothing is written; differences are listed and the exit status is 1.
 * test/kernel/goldens.test.ts does the same comparison in memory.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCHES, archDef } from '../src/layout/index.ts';
import { KERN_PROC_ALL } from '../src/kernel/constants.ts';
import { liveRevisions } from '../src/kernel/rules.ts';
import { loadScenarioFile, scenarioJsonSchema } from '../src/kernel/scenario.ts';
import { sysctlKernProc } from '../src/kernel/sysctl.ts';

export const DUMPS = path.dirname(fileURLToPath(import.meta.url));
export const SCENARIOS = path.join(DUMPS, 'scenarios');
export const LIVE = path.join(DUMPS, 'live');
export const SCHEMA_FILE = path.join(SCENARIOS, 'scenario.schema.json');

export function sampleScenarios(): string[] {
  return fs.readdirSync(SCENARIOS).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json').sort();
}

export interface Golden { file: string; scenario: string; arch: string; revision: string; compat32: boolean; bytes: Uint8Array; records: number }

/** Every golden, computed in memory. */
export function goldens(): Golden[] {
  const out: Golden[] = [];
  for (const sf of sampleScenarios()) {
    const name = sf.replace(/\.json$/, '');
    for (const arch of ARCHES) {
      const model = loadScenarioFile(path.join(SCENARIOS, sf), arch);
      for (const revision of liveRevisions()) {
        for (const compat32 of archDef(arch).compat32 ? [false, true] : [false]) {
          const r = sysctlKernProc(model, { op: KERN_PROC_ALL, revision, compat32 });
          out.push({ file: `${name}.${arch}.${revision}${compat32 ? '.compat32' : ''}.kern.proc.all.bin`, scenario: sf, arch, revision, compat32, bytes: r.bytes, records: r.records.length });
        }
      }
    }
  }
  return out;
}

export function manifest(gs: Golden[]): string {
  const rows = gs.map((g) => ({ file: g.file, scenario: g.scenario, arch: g.arch, revision: g.revision, compat32: g.compat32, records: g.records, bytes: g.bytes.length, sha256: crypto.createHash('sha256').update(g.bytes).digest('hex') }));
  return JSON.stringify({ $comment: 'sysctl kern.proc.all answers of the sample scenarios (root on the host); regenerate with npx tsx dumps/generate-live.ts', goldens: rows }, null, 1) + '\n';
}

export function schemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const gs = goldens();
  const files: [string, string | Uint8Array][] = [[SCHEMA_FILE, schemaText()], [path.join(LIVE, 'MANIFEST.json'), manifest(gs)], ...gs.map((g) => [path.join(LIVE, g.file), g.bytes] as [string, Uint8Array])];
  let diffs = 0;
  if (!check) fs.mkdirSync(LIVE, { recursive: true });
  for (const [f, data] of files) {
    const want = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    const have = fs.existsSync(f) ? fs.readFileSync(f) : undefined;
    if (have && have.equals(want)) continue;
    diffs++;
    if (check) process.stdout.write(`differs: ${path.relative(DUMPS, f)}\n`);
    else fs.writeFileSync(f, want);
  }
  process.stdout.write(`${gs.length} goldens, ${diffs} file(s) ${check ? 'differ' : 'written'}\n`);
  if (check && diffs) process.exitCode = 1;
}
