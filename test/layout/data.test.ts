import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_FILES, REVISION_FILES } from '../../src/layout/data.ts';

const root = new URL('../../layouts/', import.meta.url);
const jsonNames = (dir: string) => fs.readdirSync(new URL(dir, root)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

describe('the layouts/ registry', () => {
  it('registers every revision file and only those', () => {
    expect(Object.keys(REVISION_FILES).sort()).toEqual(jsonNames('revisions/'));
  });
  it('registers every kernel layout set and only those', () => {
    expect(Object.keys(KERNEL_FILES).sort()).toEqual(jsonNames('kernel/'));
  });
  it('holds exactly what is on disk', () => {
    for (const f of [...Object.values(REVISION_FILES), ...Object.values(KERNEL_FILES)]) {
      expect(f.data).toEqual(JSON.parse(fs.readFileSync(new URL(`../${f.path}`, root), 'utf8')));
    }
  });
});
