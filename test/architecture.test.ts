import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './corpus.ts';

/**
 * src/ has one folder per stage of the data's journey, and a stage imports only earlier stages
 * (or itself). This test reads every import and holds the line.
 */
const STAGES = ['base', 'layout', 'debuginfo', 'codec', 'compat', 'kernel', 'image', 'kstruct', 'kvm', 'analysis', 'cli'];

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

describe('stage order of src/', () => {
  const src = path.join(REPO, 'src');
  it('every folder of src/ is a known stage', () => {
    const dirs = fs.readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'types').map((e) => e.name);
    for (const d of dirs) expect(STAGES).toContain(d);
  });
  it('no stage imports a later one', () => {
    const bad: string[] = [];
    for (const f of files(src)) {
      const rel = path.relative(src, f);
      const stage = rel.split(path.sep)[0];
      if (!STAGES.includes(stage)) continue;
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
        const target = path.relative(src, path.resolve(path.dirname(f), m[1])).split(path.sep)[0];
        if (!STAGES.includes(target)) continue;
        if (STAGES.indexOf(target) > STAGES.indexOf(stage)) bad.push(`${rel} imports ${m[1]} (${stage} → ${target})`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('the library runs without Node built-ins until it touches a file', () => {
  // Only the CLI (and the one door, src/base/platform.ts) may import node:* statically; every other
  // module reaches files through `node.fs`, so a browser bundle of the library resolves.
  it('no library module imports node:* statically', () => {
    const src = path.join(REPO, 'src');
    const bad: string[] = [];
    for (const f of files(src)) {
      const rel = path.relative(src, f);
      if (rel.startsWith(`cli${path.sep}`) || rel === path.join('base', 'platform.ts')) continue;
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(?!\s+type\b)[^'"]*?from\s+['"]((?:node:)?(?:fs|os|path|child_process|zlib|url|stream|crypto|worker_threads)(?:\/[a-z]+)?)['"]/g)) bad.push(`${rel} imports ${m[2]}`);
      for (const m of text.matchAll(/\bimport\(\s*['"](node:[^'"]+)['"]\s*\)/g)) bad.push(`${rel} imports ${m[1]} dynamically`);
    }
    expect(bad).toEqual([]);
  });
});
