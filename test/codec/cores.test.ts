import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../src/base/source.ts';
import { encodeRecords, readProcstatNote, readRecordsFile, detect } from '../../src/codec/index.ts';
import { corpusFile, HAVE_CORPUS, REPO } from '../corpus.ts';

const cores = (f: string) => corpusFile('user-cores', f);
const CLI = path.join(REPO, 'bin/kvmkit');

/** Values FreeBSD wrote, as listed in ../shared/corpus/README.md. */
describe.skipIf(!HAVE_CORPUS)('real FreeBSD process cores (NT_PROCSTAT_PROC)', () => {
  it('x86-64-freebsd.core: one amd64 kinfo_proc', () => {
    const r = readRecordsFile(cores('x86-64-freebsd.core'));
    expect(r.kind).toBe('core');
    expect([r.layout.struct, r.layout.arch, r.layout.size]).toEqual(['kinfo_proc', 'amd64', 1088]);
    expect(r.records).toHaveLength(1);
    const k = r.records[0];
    expect(k).toMatchObject({ ki_structsize: 1088, ki_pid: 786, ki_ppid: 774, ki_comm: 'a.out', ki_login: 'mgorny', ki_emul: 'FreeBSD ELF64' });
    expect(typeof k.ki_paddr).toBe('bigint');
    expect((k.ki_paddr as bigint) >= 0xffff800000000000n).toBe(true); // an amd64 kernel address
  });

  it('x86-64-freebsd-multithread.core: pid 802, one record per thread', () => {
    const r = readRecordsFile(cores('x86-64-freebsd-multithread.core'));
    expect(r.records.map((k) => k.ki_pid)).toEqual([802, 802, 802, 802]);
    expect(r.records.map((k) => k.ki_tid)).toEqual([100720, 100744, 100745, 100746]);
    expect(r.records.every((k) => k.ki_numthreads === 4)).toBe(true);
  });

  it('x86-32-freebsd.core: a kinfo_proc32 compat record with every kernel pointer 0', () => {
    const r = readRecordsFile(cores('x86-32-freebsd.core'));
    expect([r.layout.struct, r.layout.arch, r.layout.revision, r.layout.size]).toEqual(['kinfo_proc32', 'amd64', 'fbsd14', 768]);
    const k = r.records[0];
    expect(k).toMatchObject({ ki_structsize: 768, ki_pid: 796, ki_emul: 'FreeBSD ELF32', ki_comm: 'a.out', ki_login: 'mgorny' });
    for (const p of ['ki_args', 'ki_paddr', 'ki_addr', 'ki_tracep', 'ki_textvp', 'ki_fd', 'ki_vmspace', 'ki_wchan', 'ki_pcb', 'ki_kstack', 'ki_tdaddr']) expect(k[p]).toBe(0);
    // The same process's flags as the native record would carry them: PS_INMEM in ki_sflag.
    expect(k.ki_sflag).toBe(1);
    // Detection also names the i386 native record as a (worse) candidate instead of hiding it.
    expect(r.candidates!.some((c) => c.struct === 'kinfo_proc' && c.arch === 'i386')).toBe(true);
  });

  for (const f of ['x86-64-freebsd.core', 'x86-64-freebsd-multithread.core', 'x86-32-freebsd.core']) {
    it(`${f}: re-encoding gives the note's bytes back exactly`, () => {
      const r = readRecordsFile(cores(f));
      const src = openSource(cores(f));
      const note = readProcstatNote(src);
      src.close();
      expect(note.records.length).toBe(r.records.length * r.layout.size);
      expect(Buffer.from(encodeRecords(r.layout, r.records)).equals(Buffer.from(note.records))).toBe(true);
    });
  }

  it('CLI decode --json of a core, and encode of that JSON, round-trip the bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-test-'));
    const json = execFileSync(CLI, ['decode', cores('x86-64-freebsd-multithread.core'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const arr = JSON.parse(json);
    expect(arr).toHaveLength(4);
    expect(arr[0].ki_paddr).toMatch(/^0xfffff/);
    expect(arr[0].ki_pid).toBe(802);
    expect(arr[0].ki_rusage.ru_utime).toEqual({ tv_sec: expect.any(Number), tv_usec: expect.any(Number) });
    fs.writeFileSync(path.join(dir, 'r.json'), json);
    execFileSync(CLI, ['encode', path.join(dir, 'r.json'), '--struct', 'kinfo_proc', '--arch', 'amd64', '--rev', 'fbsd14', '-o', path.join(dir, 'r.bin')], { stdio: 'pipe' });
    const src = openSource(cores('x86-64-freebsd-multithread.core'));
    const note = readProcstatNote(src);
    src.close();
    expect(fs.readFileSync(path.join(dir, 'r.bin')).equals(Buffer.from(note.records))).toBe(true);
    // A truncated raw file: an error naming file, record and offset; --partial keeps the whole ones.
    fs.writeFileSync(path.join(dir, 'cut.bin'), fs.readFileSync(path.join(dir, 'r.bin')).subarray(0, 1088 * 2 + 500));
    const bad = spawnSync(CLI, ['decode', path.join(dir, 'cut.bin'), '--struct', 'kinfo_proc', '--arch', 'amd64', '--rev', 'fbsd14'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/input ends inside record 2: 2 whole 1088-byte records, then 500 trailing bytes/);
    expect(bad.stderr).toMatch(/cut\.bin.*record 2.*offset 2176/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const part = spawnSync(CLI, ['decode', path.join(dir, 'cut.bin'), '--struct', 'kinfo_proc', '--arch', 'amd64', '--rev', 'fbsd14', '--partial', '--json'], { encoding: 'utf8' });
    expect(part.status).toBe(0);
    expect(JSON.parse(part.stdout)).toHaveLength(2);
    expect(part.stderr).toMatch(/2 whole records decoded/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('detection without flags', () => {
  it('reports every candidate for a zeroed 816-byte record instead of guessing silently', () => {
    const b = new Uint8Array(816);
    new DataView(b.buffer).setInt32(0, 816, false); // big-endian structsize: powerpc (native) or powerpc64 (compat)
    const c = detect(b);
    const names = new Set(c.map((x) => `${x.struct}/${x.arch}`));
    expect(names).toEqual(new Set(['kinfo_proc/powerpc', 'kinfo_proc32/powerpc64']));
  });
  it('finds nothing for bytes no layout fits', () => {
    expect(detect(new Uint8Array(1000))).toEqual([]);
  });
});
