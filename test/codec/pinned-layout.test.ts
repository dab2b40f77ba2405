import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordsFile } from '../../src/codec/index.ts';
import { REPO } from '../corpus.ts';

/**
 * A layout pinned with --struct/--arch/--rev is checked against the bytes: amd64 records read as
 * powerpc64 (big-endian) have ki_structsize 1088 = 0x440 byte-swapped, i.e. 0x40040000 = 1074003968.
 */
describe('a pinned layout that the bytes contradict', () => {
  const file = path.join(REPO, 'dumps/live/traced.amd64.fbsd15.kern.proc.all.bin');
  const n = fs.statSync(file).size / 1088;
  it('is an error naming the record, the field and the offset', () => {
    expect(() => readRecordsFile(file, { struct: 'kinfo_proc', arch: 'powerpc64', rev: 'fbsd15' })).toThrow(/ki_structsize is 1074003968 \(1088 in the other byte order\).*record 0, field ki_structsize, offset 0/);
  });
  it('with force: decoded, one warning per record', () => {
    const r = readRecordsFile(file, { struct: 'kinfo_proc', arch: 'powerpc64', rev: 'fbsd15', force: true });
    expect(r.records).toHaveLength(n);
    expect(r.warnings).toHaveLength(n);
  });
  it('the right pin passes untouched', () => {
    expect(readRecordsFile(file, { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15' }).warnings).toEqual([]);
  });
});
