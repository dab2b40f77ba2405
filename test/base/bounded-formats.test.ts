/**
 * Issue 14 items 1–2, one regression per class: every size, count and offset read from a file is
 * checked before it is allocated or looped over, and records are streamed. Inputs are built here,
 * small: hand-made ELF headers, sparse files made with ftruncate (holes cost no disk). Expected
 * errors are derived by hand in each case.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfFile, MAX_NOTES } from '../../src/base/elf.ts';
import { KvmkitError, clipText } from '../../src/base/errors.ts';
import { BufferSource, FileSource, maxInflateBytes, openSource } from '../../src/base/source.ts';
import { jsonArrayItems, openRecordsFile, readProcstatNote, readRecordsFile, recordFromJson } from '../../src/codec/index.ts';
import { Amd64Minidump } from '../../src/image/amd64-minidump.ts';
import { buildKernelElf } from '../../src/image/kernel-elf.ts';
import { KernelSymbols } from '../../src/image/symbols.ts';
import { getLayout } from '../../src/layout/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-bounded-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const GiB = 2 ** 30;

function errorOf(f: () => unknown): KvmkitError {
  try {
    f();
  } catch (e) {
    if (e instanceof KvmkitError) return e;
    throw new Error(`expected a KvmkitError, got ${String(e)}`);
  }
  throw new Error('expected an error, got none');
}

/**
 * A little-endian ELF64 ET_CORE with one PT_NOTE program header: Elf64_Ehdr is 64 bytes, the
 * program header table (one 56-byte Elf64_Phdr) follows at 64, the notes at 120.
 */
const NOTES_AT = 120;
function coreHeader(filesz: number): Buffer {
  const b = Buffer.alloc(NOTES_AT);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 9]);
  b.writeUInt16LE(4, 16); // ET_CORE
  b.writeUInt16LE(62, 18); // EM_X86_64
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(1, 56); // e_phnum
  b.writeUInt32LE(4, 64); // p_type PT_NOTE
  b.writeBigUInt64LE(BigInt(NOTES_AT), 64 + 8); // p_offset
  b.writeBigUInt64LE(BigInt(filesz), 64 + 32); // p_filesz
  return b;
}
/** Elf_Note: namesz, descsz, type, then name and desc each padded to 4. */
function note(name: string, type: number, desc: Uint8Array, namesz = name.length + 1): Buffer {
  const n = Buffer.alloc(Math.ceil((name.length + 1) / 4) * 4);
  n.write(name, 'latin1');
  const d = Buffer.alloc(Math.ceil(desc.length / 4) * 4);
  d.set(desc);
  const h = Buffer.alloc(12);
  h.writeUInt32LE(namesz, 0);
  h.writeUInt32LE(desc.length, 4);
  h.writeUInt32LE(type, 8);
  return Buffer.concat([h, n, d]);
}
/** NT_PROCSTAT_PROC's descriptor: an int structsize, then `count` 1088-byte amd64 records (ki_structsize 1088, ki_pid 100+i). */
function procstatDesc(count: number): Buffer {
  const L = getLayout('kinfo_proc', 'amd64', 'fbsd15');
  const d = Buffer.alloc(4 + count * L.size);
  d.writeInt32LE(L.size, 0);
  const pidOff = L.leaves().find((l) => l.path === 'ki_pid')!.offset;
  for (let i = 0; i < count; i++) {
    d.writeInt32LE(L.size, 4 + i * L.size);
    d.writeInt32LE(100 + i, 4 + i * L.size + pidOff);
  }
  return d;
}
function sparseFile(name: string, head: Uint8Array, size: number): string {
  const f = path.join(dir, name);
  const fd = fs.openSync(f, 'w');
  fs.writeSync(fd, head, 0, head.length, 0);
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
  return f;
}
function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

describe('ELF notes are walked header by header', () => {
  it('a namesz of 0xfffffff4 is an error naming n_namesz at the note (it used to wrap negative and loop)', () => {
    const body = Buffer.concat([note('FreeBSD', 1, new Uint8Array(8)), note('FreeBSD', 8, new Uint8Array(8), 0xfffffff4)]);
    const src = new BufferSource(Buffer.concat([coreHeader(body.length), body]), 'wrap.core');
    const e = errorOf(() => [...new ElfFile(src).notes()]);
    // The first note is 12 + 8 + 8 = 28 bytes, so the second's header is at 120 + 28 = 148.
    expect(e.message).toMatch(/note namesz 4294967284 is not a note name size/);
    expect(e.context).toMatchObject({ file: 'wrap.core', offset: 148, field: 'n_namesz' });
  });

  it('a descsz running past its segment names the note and the field', () => {
    const n = note('FreeBSD', 8, new Uint8Array(8));
    n.writeUInt32LE(0xfffffff0, 4);
    const e = errorOf(() => [...new ElfFile(new BufferSource(Buffer.concat([coreHeader(n.length), n]), 'd.core')).notes()]);
    // 4294967280 bytes at 0 of the 28 - 12 - 8 = 8 bytes left after the name.
    expect(e.message).toMatch(/note \(type 8\) descriptor \(n_descsz\): 4294967280 bytes at 0 run past the end of the 8-byte region/);
    expect(e.context.offset).toBe(NOTES_AT + 4);
  });

  it('a 5 GiB PT_NOTE in a sparse file: the records are found and streamed in flat memory', () => {
    const desc = procstatDesc(3);
    const head = Buffer.concat([coreHeader(5 * GiB), note('FreeBSD', 8, desc)]);
    const f = sparseFile('big-note.core', head, NOTES_AT + 5 * GiB);
    const before = rssMiB();
    const s = openRecordsFile(f, { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15' });
    try {
      expect(s.kind).toBe('core');
      expect(s.count).toBe(3);
      // ehdr + phdr (120) + note header (12) + "FreeBSD\0" (8) + the structsize word (4).
      expect(s.offset).toBe(144);
      expect([...s.chunks(2)].map((c) => [c.first, c.bytes.length])).toEqual([[0, 2 * 1088], [2, 1088]]);
    } finally {
      s.close();
    }
    expect(readRecordsFile(f).records.map((r) => r.ki_pid)).toEqual([100, 101, 102]);
    expect(rssMiB() - before).toBeLessThan(200);
  });

  it('a note missing from 5 GiB of empty notes stops at MAX_NOTES instead of walking 447 million', () => {
    const f = sparseFile('empty-notes.core', coreHeader(5 * GiB), NOTES_AT + 5 * GiB);
    const elf = new ElfFile(new FileSource(f));
    const e = errorOf(() => elf.findNote('FreeBSD', 8));
    expect(e.message).toMatch(new RegExp(`more than ${MAX_NOTES} notes`));
    // The (MAX_NOTES + 1)th 12-byte empty note starts at 120 + 12 * MAX_NOTES.
    expect(e.context.offset).toBe(NOTES_AT + 12 * MAX_NOTES);
    elf.src.close();
  });

  it('a PT_NOTE claiming more bytes than the file holds', () => {
    const e = errorOf(() => [...new ElfFile(new BufferSource(coreHeader(5 * GiB), 'short.core')).notes()]);
    expect(e.message).toMatch(/PT_NOTE segment .*: 5368709120 bytes at 120 run past the end of the 120-byte region/);
  });

  it('program headers past the end, and e_phentsize too small', () => {
    const h = coreHeader(0);
    h.writeUInt16LE(65535, 56); // e_phnum 65535 × 56 bytes at 64 > 120
    expect(errorOf(() => new ElfFile(new BufferSource(h, 'ph.core')).programHeaders()).message).toMatch(/program headers: 3669960 bytes at 64 run past the end of the 120-byte region/);
    const k = coreHeader(0);
    k.writeUInt16LE(8, 54);
    expect(errorOf(() => new ElfFile(new BufferSource(k, 'ph.core')).programHeaders()).message).toMatch(/program headers entry size 8 is smaller than the 56 bytes/);
    const o = coreHeader(0);
    o.writeBigUInt64LE(0xffffffffffffffffn, 32);
    expect(errorOf(() => new ElfFile(new BufferSource(o, 'ph.core'))).message).toMatch(/e_phoff 18446744073709551615 cannot be a size or offset/);
  });
});

describe('byte sources: files over 2 GiB, reads over MAX_READ', () => {
  it('reads beyond 2 GiB work; negative and oversized reads are refused by name', () => {
    const f = sparseFile('3g.bin', Buffer.from('x'), 3 * GiB);
    const src = new FileSource(f);
    try {
      expect(src.size).toBe(3 * GiB);
      expect([...src.read(2.5 * GiB, 4)]).toEqual([0, 0, 0, 0]);
      expect(errorOf(() => src.read(0, -4096)).message).toMatch(/read size -4096 cannot be a size or offset/);
      expect(errorOf(() => src.read(0, 1.5 * GiB)).message).toMatch(/1610612736 bytes is more than kvmkit reads at once \(1073741824\)/);
      expect(errorOf(() => src.read(3 * GiB - 2, 4)).message).toMatch(/4 bytes at 3221225470 run past the end of the 3221225472-byte region/);
    } finally {
      src.close();
    }
  });

  it('a records file over 1 GiB is streamed, and the in-memory reader refuses it by name', () => {
    const L = 1088;
    const n = Math.ceil(1.1 * GiB / L);
    const head = Buffer.alloc(L);
    head.writeInt32LE(L, 0);
    const f = sparseFile('big.bin', head, n * L);
    const s = openRecordsFile(f, { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15' });
    expect(s.count).toBe(n);
    s.close();
    expect(errorOf(() => readRecordsFile(f, { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15' })).message).toMatch(/more than kvmkit decodes in one go \(1 GiB\); stream them/);
  });
});

describe('minidumps: region sizes are checked before allocation', () => {
  it('a bitmapsize of 0xfffff000 in a sparse 6 GiB dump is refused, not allocated', () => {
    // amd64 minidump header: magic at 0, version at 24, msgbufsize 28, bitmapsize 32, pmapsize 36.
    const h = Buffer.alloc(4096);
    h.write('minidump FreeBSD/amd64', 'latin1');
    h.writeUInt32LE(2, 24);
    h.writeUInt32LE(0xfffff000, 32);
    const f = sparseFile('bitmap.vmcore', h, 6 * GiB);
    const src = new FileSource(f);
    // Regions follow the header page: msgbuf 0, dump_avail none (v2), so the bitmap is at 4096.
    const e = errorOf(() => new Amd64Minidump(src));
    src.close();
    expect(e.message).toMatch(/bitmapsize: 4294963200 bytes is more than kvmkit reads at once/);
    expect(e.context).toMatchObject({ field: 'bitmapsize', offset: 4096 });
  });
});

describe('kernel symbol tables', () => {
  it('a table claiming 2^31 entries is an error naming the count', () => {
    const k = Buffer.from(buildKernelElf({ arch: 'amd64', symbols: [{ name: 'allproc', value: 0xffffffff81000000n }] }));
    // Section 2 is .symtab (see buildKernelElf); sh_size is at +32 of its 64-byte header.
    const shoff = Number(k.readBigUInt64LE(40));
    k.writeBigUInt64LE(2n ** 31n * 24n, shoff + 2 * 64 + 32);
    const e = errorOf(() => new KernelSymbols(new BufferSource(k, 'kernel')).lookup('allproc'));
    // 2^31 is past the 2^28 cap before the bytes are even compared with the file.
    expect(e.message).toMatch(/symbol count \(sh_size \/ sh_entsize\) 2147483648 is more than the 268435456 kvmkit accepts/);
    k.writeBigUInt64LE(2n ** 20n * 24n, shoff + 2 * 64 + 32); // 2^20 entries: under the cap, past the file
    expect(errorOf(() => new KernelSymbols(new BufferSource(k, 'kernel')).lookup('allproc')).message).toMatch(/1048576 entries of 24 bytes need 25165824 bytes, only \d+ are there/);
  });

  it('2^16 symbols: lookups find the right ones without indexing the table', () => {
    const N = 1 << 16;
    const symbols = Array.from({ length: N }, (_, i) => ({ name: `sym_${i}`, value: 0xffffffff80000000n + BigInt(i) * 16n }));
    const ks = new KernelSymbols(new BufferSource(buildKernelElf({ arch: 'amd64', symbols }), 'kernel'));
    const t = performance.now();
    expect(ks.value('sym_65535')).toBe(0xffffffff80000000n + 65535n * 16n);
    expect(ks.nlist(['_sym_7', 'nosuch']).map((e) => [e.found, e.value])).toEqual([[true, 0xffffffff80000070n], [false, 0n]]);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe('gzip input is checked before it is inflated', () => {
  const withTmp = <T>(f: () => T): T => {
    const t = fs.mkdtempSync(path.join(dir, 'tmp-'));
    const old = process.env.TMPDIR;
    process.env.TMPDIR = t;
    try {
      return f();
    } finally {
      if (old === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = old;
      expect(fs.readdirSync(t)).toEqual([]); // nothing left behind
    }
  };

  it('a bomb of zeros is refused from its first bytes, nothing is written', () => {
    const f = path.join(dir, 'bomb.gz');
    fs.writeFileSync(f, zlib.gzipSync(Buffer.alloc(64 << 20), { level: 9 }));
    const e = withTmp(() => errorOf(() => openSource(f)));
    expect(e.message).toMatch(/gzip content is not a dump or kernel \(ELF or minidump\): it starts 00 00 00 00/);
    expect(errorOf(() => openRecordsFile(f)).message).toMatch(/is not a FreeBSD core or a records file/);
  });

  it('KVMKIT_MAX_INFLATE caps what a plausible file may inflate to', () => {
    const f = path.join(dir, 'big-elf.gz');
    fs.writeFileSync(f, zlib.gzipSync(Buffer.concat([coreHeader(0), Buffer.alloc(4 << 20)])));
    process.env.KVMKIT_MAX_INFLATE = '1M';
    try {
      const e = withTmp(() => errorOf(() => openSource(f)));
      expect(e.message).toMatch(/gzip data inflates to more than 1048576 bytes \(the KVMKIT_MAX_INFLATE limit\)/);
    } finally {
      delete process.env.KVMKIT_MAX_INFLATE;
    }
    expect(maxInflateBytes('8G')).toBe(8 * GiB);
    expect(maxInflateBytes(undefined)).toBe(64 * GiB);
    expect(errorOf(() => maxInflateBytes('lots')).message).toMatch(/KVMKIT_MAX_INFLATE=lots is not a byte count/);
  });
});

describe('JSON records are read one element at a time', () => {
  const items = (text: string, max?: number) => [...jsonArrayItems(new BufferSource(Buffer.from(text), 'r.json'), max)];

  it('splits an array across window boundaries and strings with brackets and escapes', () => {
    const big = 'x'.repeat((1 << 20) + 10); // forces an element across the 1 MiB window edge
    const got = items(` [ {"a":"]\\"[,"}, [1,[2]], 3 ,"${big}" ]\n`, 2 << 20);
    expect(got.map((g) => g.value)).toEqual([{ a: ']"[,' }, [1, [2]], 3, big]);
    // ' [ ' is 3 bytes; {"a":"]\"[,"} is 13 (3..15); ', ' then [1,[2]] at 18 (7 bytes); ', ' then 3 at 27; ' ,' then the string at 30.
    expect(got.map((g) => g.offset)).toEqual([3, 18, 27, 30]);
    expect(items('[]')).toEqual([]);
  });

  it('not an array, unclosed, trailing text, an empty slot, an oversized element: errors with offsets', () => {
    expect(errorOf(() => items('{"ki_pid":1}')).message).toMatch(/expected a JSON array of records; the file starts with "\{".*offset 0/);
    expect(errorOf(() => items('[{"a":1},')).message).toMatch(/the JSON array is not closed: the file ends inside record 1/);
    expect(errorOf(() => items('[1] 2')).message).toMatch(/text after the end of the JSON array.*offset 4/);
    expect(errorOf(() => items('[1,,2]')).message).toMatch(/expected a record, found ",".*record 1.*offset 3/);
    expect(errorOf(() => items('[1, {"a": ' + '1'.repeat(100) + '}]', 64)).message).toMatch(/record 1 is more than 64 bytes of JSON.*offset 4/);
    expect(errorOf(() => items('[{"a":tru}]')).message).toMatch(/record 0 is not valid JSON/);
  });

  it('error messages quote at most 80 characters of the input', () => {
    const L = getLayout('kinfo_proc', 'amd64', 'fbsd15');
    const huge = 'A'.repeat(19 << 20);
    const e = errorOf(() => recordFromJson(L, { ki_structsize: huge }, 0));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain(`(${19 * 2 ** 20 - 80} more characters)`);
    expect(clipText('abc', 2)).toBe('ab… (1 more characters)');
  });
});
