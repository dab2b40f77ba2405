import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldens, LIVE, manifest, SCHEMA_FILE, schemaText } from '../../dumps/generate-live.ts';

describe('dumps/live goldens (regenerated in memory by dumps/generate-live.ts)', () => {
  const gs = goldens();
  it('6 scenarios × (8 arches × 4 revisions + 4 compat arches × 4 revisions) = 288 goldens', () => expect(gs.length).toBe(288));
  it('every golden file equals the emulator output', () => {
    const bad = gs.filter((g) => {
      const f = path.join(LIVE, g.file);
      return !fs.existsSync(f) || !Buffer.from(g.bytes).equals(fs.readFileSync(f));
    });
    expect(bad.map((g) => g.file)).toEqual([]);
  });
  it('MANIFEST.json and scenario.schema.json are current', () => {
    expect(fs.readFileSync(path.join(LIVE, 'MANIFEST.json'), 'utf8')).toBe(manifest(gs));
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });
});
