import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutJson } from '../../src/cli/commands/layout.ts';
import { archesFor, getLayout, revisionNames } from '../../src/layout/index.ts';
import { REPO } from '../corpus.ts';

describe('layout show --json for every (struct, arch, revision)', () => {
  it('32 kinfo_proc and 16 kinfo_proc32 layouts, each with the contract shape and a holding CTASSERT', () => {
    let n = { kinfo_proc: 0, kinfo_proc32: 0 } as Record<string, number>;
    for (const rev of revisionNames()) for (const s of ['kinfo_proc', 'kinfo_proc32']) for (const a of archesFor(rev, s)) {
      const j = layoutJson(getLayout(s, a, rev));
      expect(Object.keys(j)).toEqual(['struct', 'arch', 'revision', 'size', 'align', 'ctassert', 'fields', 'leaves']);
      expect(j.ctassert).toEqual({ expected: j.size, holds: true });
      // Fields tile the struct in order: each starts at or after the previous one's end.
      let end = 0;
      for (const f of j.fields) {
        expect(f.offset).toBeGreaterThanOrEqual(end);
        end = f.offset + f.size;
      }
      expect(end).toBeLessThanOrEqual(j.size);
      expect(j.leaves.every((l) => l.offset + l.size <= j.size)).toBe(true);
      n[s]++;
    }
    expect(n).toEqual({ kinfo_proc: 32, kinfo_proc32: 16 });
  });

  it('the CLI prints the same JSON', () => {
    const out = execFileSync(path.join(REPO, 'bin/kvmkit'), ['layout', 'show', 'kinfo_proc32', '--arch', 'arm64', '--rev', 'fbsd15-reaper', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(layoutJson(getLayout('kinfo_proc32', 'arm64', 'fbsd15-reaper')))));
    // Hand-derived: armv7's record puts ki_reaper after ki_sparestrings[46] at 442+46 = 488, and the
    // compat record on arm64 must reproduce that.
    expect(JSON.parse(out).fields.find((f: { name: string }) => f.name === 'ki_reaper').offset).toBe(488);
  });
});
