import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/base/elf.ts';
import { KvmkitError } from '../../src/base/errors.ts';
import { BufferSource } from '../../src/base/source.ts';
import { parseCtf, readCtfGraph } from '../../src/debuginfo/ctf/index.ts';
import { graphLayouts, structLayoutFromGraph } from '../../src/debuginfo/layout.ts';
import type { TypeGraph } from '../../src/debuginfo/model.ts';
import { holes } from '../../src/layout/engine.ts';
import { buildKernelElf } from '../../src/image/kernel-elf.ts';
import { body, container, Bytes, Strtab, Types, type Container } from './ctf-bytes.ts';

const K = { INT: 1, FLOAT: 2, PTR: 3, STRUCT: 6, UNION: 7, ENUM: 8, FWD: 9, TYPEDEF: 10, VOLATILE: 11, CONST: 12, RESTRICT: 13 };

/*
 * The sample container. The C it stands for, laid out by hand for amd64 (LP64):
 *   struct s {
 *     int a;                  //  0, 4
 *     unsigned int f1 : 3;    //  bits 32..34
 *     unsigned int f2 : 13;   //  bits 35..47
 *     char name[5];           //  6, 5      (bytes 11..15: padding)
 *     struct s *next;         // 16, 8
 *     const volatile int *cv; // 24, 8      size 32
 *   };
 *   typedef struct s s_t;  enum color { RED = 0, BLUE = -1 };  union later;  int (*)(int, char, ...);
 *   double;  union u { int i; char c; };  struct s *restrict
 * Type ids, in record order from 1:
 *   1 int "int" (signed, 32 bits)   2 int "unsigned int" (3 bits)   3 int "unsigned int" (13 bits)
 *   4 int "char" (char|signed, 8)   5 array of 4 [5] index 1       6 pointer -> 7
 *   7 struct s                      8 volatile -> 1                 9 const -> 8
 *  10 pointer -> 9                 11 typedef s_t -> 7             12 enum color
 *  13 forward union later          14 function (1; 1, 4, ...)      15 float double
 *  16 union u                      17 restrict -> 6
 */
function sample(version: 2 | 3, le: boolean, flags = 0): { c: Container; strs: Strtab } {
  const s = new Strtab();
  const t = new Types(version, le);
  t.int(s.ref('int'), 4, 1, 32)
    .int(s.ref('unsigned int'), 4, 0, 3)
    .int(s.ref('unsigned int'), 4, 0, 13)
    .int(s.ref('char'), 1, 3, 8)
    .array(4, 1, 5)
    .ref(K.PTR, 0, 7)
    .head(s.ref('s'), K.STRUCT, 6, 32)
    .member(s.ref('a'), 1, 0).member(s.ref('f1'), 2, 32).member(s.ref('f2'), 3, 35)
    .member(s.ref('name'), 5, 48).member(s.ref('next'), 6, 128).member(s.ref('cv'), 10, 192)
    .ref(K.VOLATILE, 0, 1)
    .ref(K.CONST, 0, 8)
    .ref(K.PTR, 0, 9)
    .ref(K.TYPEDEF, s.ref('s_t'), 7)
    .head(s.ref('color'), K.ENUM, 2, 4).enumValue(s.ref('RED'), 0).enumValue(s.ref('BLUE'), -1)
    .ref(K.FWD, s.ref('later'), K.UNION)
    .func(1, [1, 4, 0])
    .float(s.ref('double'), 8, 2, 64)
    .head(s.ref('u'), K.UNION, 2, 4).member(s.ref('i'), 1, 0).member(s.ref('c'), 4, 0)
    .ref(K.RESTRICT, 0, 6);
  const labels = new Bytes(le).u32(s.ref('base')).u32(17).bytes();
  return { c: { version, le, flags, labels, types: t.bytes(), strings: s.bytes() }, strs: s };
}

function open(bytes: Uint8Array, parent?: TypeGraph): ReturnType<typeof parseCtf> {
  return parseCtf(bytes, { file: 'test.ko', pointerSize: 8, parent });
}

function expectSample(g: ReturnType<typeof parseCtf>): void {
  expect(g.count).toBe(17);
  expect(g.type(0)).toEqual({ kind: 'void' });
  expect(g.type(1)).toEqual({ kind: 'int', name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
  expect(g.type(4)).toMatchObject({ kind: 'int', name: 'char', size: 1, signed: true, char: true, bits: 8 });
  expect(g.type(5)).toEqual({ kind: 'array', element: 4, count: 5 });
  expect(g.type(6)).toEqual({ kind: 'pointer', name: '', target: 7 });
  expect(g.type(7)).toEqual({
    kind: 'struct', name: 's', size: 32, members: [
      { name: 'a', type: 1, bitOffset: 0 },
      { name: 'f1', type: 2, bitOffset: 32, bitSize: 3 },
      { name: 'f2', type: 3, bitOffset: 35, bitSize: 13 },
      { name: 'name', type: 5, bitOffset: 48 },
      { name: 'next', type: 6, bitOffset: 128 },
      { name: 'cv', type: 10, bitOffset: 192 },
    ],
  });
  expect(g.type(8)).toEqual({ kind: 'volatile', name: '', target: 1 });
  expect(g.type(9)).toEqual({ kind: 'const', name: '', target: 8 });
  expect(g.type(11)).toEqual({ kind: 'typedef', name: 's_t', target: 7 });
  expect(g.type(12)).toEqual({ kind: 'enum', name: 'color', size: 4, values: [{ name: 'RED', value: 0 }, { name: 'BLUE', value: -1 }] });
  expect(g.type(13)).toEqual({ kind: 'forward', name: 'later', of: 'union' });
  expect(g.type(14)).toEqual({ kind: 'function', ret: 1, args: [1, 4], variadic: true });
  // Read after the function's padded argument list: the padding was skipped right.
  expect(g.type(15)).toEqual({ kind: 'float', name: 'double', size: 8 });
  expect(g.type(16)).toEqual({ kind: 'union', name: 'u', size: 4, members: [{ name: 'i', type: 1, bitOffset: 0 }, { name: 'c', type: 4, bitOffset: 0 }] });
  expect(g.type(17)).toEqual({ kind: 'restrict', name: '', target: 6 });
  expect(g.labels()).toEqual([{ name: 'base', typeIndex: 17 }]);
  expect(g.findStruct('s')).toBe(7);
  expect(g.findStruct('u')).toBe(16);
  expect(g.findStruct('later')).toBeUndefined();
  expect(g.findTypedef('s_t')).toBe(11);
  expect([...g.structNames()]).toEqual([{ name: 's', kind: 'struct', id: 7 }, { name: 'u', kind: 'union', id: 16 }]);

  const l = structLayoutFromGraph(g, 's', { arch: 'amd64' });
  expect(l.size).toBe(32);
  expect(l.align).toBe(8);
  expect(l.fields.map((f) => [f.name, f.offset, f.size])).toEqual([['a', 0, 4], ['f1', 4, 4], ['f2', 4, 4], ['name', 6, 5], ['next', 16, 8], ['cv', 24, 8]]);
  expect(l.field('f1').bitField).toEqual({ bitOffset: 32, bitSize: 3 });
  expect(l.field('f2').bitField).toEqual({ bitOffset: 35, bitSize: 13 });
  expect(l.field('name').isString).toBe(true);
  expect(l.field('next').type.cname).toBe('struct s *');
  expect(holes(l).map((h) => [h.offset, h.size, h.kind])).toEqual([[11, 5, 'padding']]);
}

describe('CTF reader: hand-assembled containers (sys/sys/ctf.h)', () => {
  for (const version of [2, 3] as const) {
    for (const le of [true, false]) {
      it(`v${version} ${le ? 'little' : 'big'}-endian: every kind, bit-fields, labels, layout`, () => {
        const g = open(container(sample(version, le).c));
        expect(g.littleEndian).toBe(le);
        expect(g.source.detail).toBe(`.SUNW_ctf (CTF v${version})`);
        expectSample(g);
      });
      it(`v${version} ${le ? 'little' : 'big'}-endian, zlib-compressed (CTF_F_COMPRESS)`, () => {
        const { c } = sample(version, le, 1);
        const g = open(container(c, new Uint8Array(deflateSync(body(c)))));
        expect(g.source.detail).toBe(`.SUNW_ctf (CTF v${version}, zlib)`);
        expectSample(g);
      });
    }
  }

  it('a literal v2 big-endian container, byte by byte', () => {
    // struct p { int x; }: strings "\0int\0p\0x\0" (int at 1, p at 5, x at 7), types 28 bytes.
    const hex = 'cff10200' + '00000000'.repeat(6) + '0000001c' + '00000009'
      + '00000001' + '0c00' + '0004' + '01000020' // int "int": kind 1 << 11 | root, size 4, signed 32 bits
      + '00000005' + '3401' + '0004' + '00000007' + '0001' + '0000' // struct p: kind 6 << 11 | root | 1 member
      + '00' + '696e7400' + '7000' + '7800';
    const g = open(Uint8Array.from(Buffer.from(hex, 'hex')));
    expect(g.littleEndian).toBe(false);
    expect(g.type(1)).toEqual({ kind: 'int', name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
    expect(g.type(2)).toEqual({ kind: 'struct', name: 'p', size: 4, members: [{ name: 'x', type: 1, bitOffset: 0 }] });
  });

  // struct big { char pad[70000]; int tail; }: 70004 bytes is over CTF_V2_MAX_SIZE (long form) and
  // over CTF_V2_LSTRUCT_THRESH (lmembers); in v3 both fit the short forms.
  for (const version of [2, 3] as const) {
    it(`v${version}: a 70004-byte struct (${version === 2 ? 'long size and large member records' : 'short records'})`, () => {
      const s = new Strtab();
      const t = new Types(version, true);
      t.int(s.ref('int'), 4, 1, 32).array(3, 1, 70000).int(s.ref('char'), 1, 3, 8);
      if (version === 2) t.longHead(s.ref('big'), K.STRUCT, 2, 70004).lmember(s.ref('pad'), 2, 0).lmember(s.ref('tail'), 1, 560000);
      else t.head(s.ref('big'), K.STRUCT, 2, 70004).member(s.ref('pad'), 2, 0).member(s.ref('tail'), 1, 560000);
      const g = open(container({ version, le: true, types: t.bytes(), strings: s.bytes() }));
      expect(g.type(4)).toEqual({ kind: 'struct', name: 'big', size: 70004, members: [{ name: 'pad', type: 2, bitOffset: 0 }, { name: 'tail', type: 1, bitOffset: 560000 }] });
      const l = structLayoutFromGraph(g, 'big', { arch: 'amd64' });
      expect(l.fields.map((f) => [f.name, f.offset, f.size])).toEqual([['pad', 0, 70000], ['tail', 70000, 4]]);
    });
  }

  it('v3: a 2^29 + 4-byte struct uses large member records with a high offset word', () => {
    // struct huge { char a[1 << 29]; int z; }: z at bit 2^32 = offsethi 1, offsetlo 0.
    const s = new Strtab();
    const t = new Types(3, false);
    t.int(s.ref('int'), 4, 1, 32).array(3, 1, 2 ** 29).int(s.ref('char'), 1, 3, 8)
      .head(s.ref('huge'), K.STRUCT, 2, 2 ** 29 + 4).lmember(s.ref('a'), 2, 0).lmember(s.ref('z'), 1, 2 ** 32);
    const g = open(container({ version: 3, le: false, types: t.bytes(), strings: s.bytes() }));
    expect(g.type(4)).toEqual({ kind: 'struct', name: 'huge', size: 2 ** 29 + 4, members: [{ name: 'a', type: 2, bitOffset: 0 }, { name: 'z', type: 1, bitOffset: 2 ** 32 }] });
  });

  /*
   * A kernel (parent: 1 int, 2 struct proc { int p_pid; int p_flag; }) and a module (child, parent
   * name "kernel": its own ids carry the child bit, 0x8000 in v2 and 0x80000000 in v3):
   *   child 1 pointer -> parent 2;  child 2 struct mod { struct proc *p; int n; }  (amd64: p 0, n 8, size 16)
   */
  for (const version of [2, 3] as const) {
    it(`v${version}: a child container resolves the parent's type ids`, () => {
      const bit = version === 2 ? 0x8000 : 0x80000000;
      const ps = new Strtab();
      const pt = new Types(version, true);
      pt.int(ps.ref('int'), 4, 1, 32).head(ps.ref('proc'), K.STRUCT, 2, 8).member(ps.ref('p_pid'), 1, 0).member(ps.ref('p_flag'), 1, 32);
      const parent = open(container({ version, le: true, types: pt.bytes(), strings: ps.bytes() }));
      const cs = new Strtab();
      const ct = new Types(version, true);
      ct.ref(K.PTR, 0, 2).head(cs.ref('mod'), K.STRUCT, 2, 16).member(cs.ref('p'), (bit | 1) >>> 0, 0).member(cs.ref('n'), 1, 64);
      const parname = cs.ref('kernel');
      const childBytes = container({ version, le: true, parname, types: ct.bytes(), strings: cs.bytes() });

      const child = open(childBytes, parent);
      expect(child.source.detail).toBe(`.SUNW_ctf (CTF v${version}, child of kernel)`);
      expect(child.findStruct('mod')).toBe((bit | 2) >>> 0);
      expect(child.findStruct('proc')).toBe(2);
      expect(child.type((bit | 1) >>> 0)).toEqual({ kind: 'pointer', name: '', target: 2 });
      const l = structLayoutFromGraph(child, 'mod', { arch: 'amd64' });
      expect(l.fields.map((f) => [f.name, f.offset, f.size, f.type.cname])).toEqual([['p', 0, 8, 'struct proc *'], ['n', 8, 4, 'int']]);
      expect(structLayoutFromGraph(child, 'proc', { arch: 'amd64' }).field('p_flag').offset).toBe(4);

      const orphan = open(childBytes);
      expect(() => structLayoutFromGraph(orphan, 'mod', { arch: 'amd64' })).toThrow(/type id 1 is a type of the parent container kernel, which was not loaded/);
    });
  }

  it('names in the ELF string table (CTF_STRTAB_1), found through .SUNW_ctf in the section headers', () => {
    // buildKernelElf's .strtab is "\0allproc\0": the name at ELF string offset 1.
    const s = new Strtab();
    const t = new Types(3, true);
    t.int((0x80000000 | 1) >>> 0, 4, 1, 32).head(s.ref('w'), K.STRUCT, 1, 4).member(s.ref('x'), 1, 0)
      .int((0x80000000 | 0x100) >>> 0, 4, 1, 32);
    const ctf = container({ version: 3, le: true, types: t.bytes(), strings: s.bytes() });
    const elf = new ElfFile(new BufferSource(buildKernelElf({ arch: 'amd64', symbols: [{ name: 'allproc', value: 0x1000n }], ctf }), 'kernel'));
    const g = readCtfGraph(elf, 'kernel')!;
    expect(g.type(1)).toMatchObject({ kind: 'int', name: 'allproc' });
    expect(() => g.type(3)).toThrow(/name offset 256 is past the 9-byte ELF string table/);
    expect(readCtfGraph(new ElfFile(new BufferSource(buildKernelElf({ arch: 'amd64', symbols: [] }))), 'k')).toBeUndefined();
  });
});

function expectCtfError(f: () => unknown, message: RegExp, offset?: number): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KvmkitError);
    const k = e as KvmkitError;
    expect(k.message).toMatch(message);
    expect(k.context.file).toBe('test.ko');
    expect(String(k.context.object)).toMatch(/\.SUNW_ctf/);
    if (offset !== undefined) expect(k.context.offset).toBe(offset);
    return;
  }
  throw new Error('no error');
}

describe('CTF reader: corrupt containers end in an error naming file, section and offset', () => {
  const good = (): Uint8Array => container(sample(3, true).c);
  const patch32 = (b: Uint8Array, at: number, v: number): Uint8Array => { const c = b.slice(); new DataView(c.buffer).setUint32(at, v >>> 0, true); return c; };

  it('bad magic, unknown version, truncated header', () => {
    expectCtfError(() => open(Uint8Array.from([0x12, 0x34, 3, 0, 0, 0])), /bad CTF magic 0x3412/, 0);
    const v4 = good(); v4[2] = 4;
    expectCtfError(() => open(v4), /CTF version 4 is not supported/, 2);
    expectCtfError(() => open(good().subarray(0, 20)), /cannot hold the 36-byte CTF header/, 0);
  });
  it('section offsets out of order, past the data or misaligned; data shorter than the header says', () => {
    const stroff = new DataView(good().buffer).getUint32(28, true);
    expectCtfError(() => open(patch32(good(), 24, stroff + 4)), /cth_typeoff \d+ is after cth_stroff/, 24);
    expectCtfError(() => open(patch32(good(), 24, 0x7fff0000)), /cth_typeoff 2147418112 lies past the \d+ bytes of CTF data/, 24);
    expectCtfError(() => open(patch32(good(), 24, 10)), /misaligned/);
    expectCtfError(() => open(good().subarray(0, 100)), /CTF data: .* bytes at 36 run past the end/, 36);
    expectCtfError(() => open(patch32(good(), 32, 0x7fffffff)), /more than the 268435456 kvmkit accepts/, 32);
  });
  it('a kind CTF does not define, a record running into the string table, an absurd member count', () => {
    // Type 1's info word (data offset 8 + 4, file offset 36 + 8 + 4): kind 20.
    expectCtfError(() => open(patch32(good(), 48, ((20 << 26) | (1 << 25)) >>> 0)), /type 1 has kind 20, which CTF does not define/, 44);
    // Struct s (type 7) claims 0xffffff members.
    const t7 = 36 + 8 + 4 * 16 + 2 * 12 + 12;
    expectCtfError(() => open(patch32(good(), t7 + 4, ((6 << 26) | (1 << 25) | 0xffffff) >>> 0)), /type 7 .* run past the end/, t7);
  });
  it('names past or running off the string table', () => {
    expectCtfError(() => open(patch32(good(), 44, 5000)).type(1), /name offset 5000 is past the \d+-byte CTF string table/, 44);
    const { c } = sample(3, true);
    const unterminated = { ...c, strings: c.strings.subarray(0, c.strings.length - 1) };
    expectCtfError(() => open(container(unterminated)).labels(), /runs off the end of the CTF string table/);
  });
  it('out-of-range type ids and a typedef cycle', () => {
    const s = new Strtab();
    const t = new Types(3, true);
    t.ref(K.TYPEDEF, s.ref('a'), 2).ref(K.TYPEDEF, s.ref('b'), 1)
      .head(s.ref('loop'), K.STRUCT, 1, 4).member(s.ref('x'), 1, 0)
      .head(s.ref('dangling'), K.STRUCT, 1, 4).member(s.ref('y'), 99, 0);
    const g = open(container({ version: 3, le: true, types: t.bytes(), strings: s.bytes() }));
    expect(() => g.type(3)).toThrow(/typedef\/qualifier chain from type 1 is a cycle: it comes back to 1 after 2 step/);
    // Types 1, 2: 12-byte stypes; type 3: stype + one 12-byte member; type 4 at data offset 48, its member at 60.
    expectCtfError(() => structLayoutFromGraph(g, 'dangling', { arch: 'amd64' }), /type id 99 is out of range \(the container has 4 types\)/, 36 + 60);
    expect(() => g.type(5)).toThrow(/type id 5 is out of range/);
  });
  it('compressed data that does not inflate, inflates short, or inflates past the header\'s size (a bomb)', () => {
    const { c } = sample(3, true, 1);
    const withBody = (b: Uint8Array) => container(c, b);
    expectCtfError(() => open(withBody(Uint8Array.from([1, 2, 3, 4]))), /does not inflate/, 36);
    expectCtfError(() => open(withBody(new Uint8Array(deflateSync(body(c).subarray(0, 50))))), /inflates to 50 bytes, the header gives/, 36);
    // 8 MiB of zeros in 8 KiB: the reader stops at the header's few hundred bytes.
    expectCtfError(() => open(withBody(new Uint8Array(deflateSync(new Uint8Array(8 << 20))))), /more than the \d+ bytes its header gives \(a decompression bomb\?\)/, 36);
  });
  it('a .SUNW_ctf section past the end of the file', () => {
    const img = buildKernelElf({ arch: 'amd64', symbols: [], ctf: good() });
    const elf = new ElfFile(new BufferSource(img.subarray(0, img.length), 'kernel'));
    const sec = elf.sectionHeaders().find((x) => x.name === '.SUNW_ctf')!;
    const cut = new ElfFile(new BufferSource(img, 'kernel'));
    (cut.sectionHeaders().find((x) => x.name === '.SUNW_ctf')! as { size: number }).size = img.length;
    expect(() => readCtfGraph(cut, 'kernel')).toThrow(new RegExp(`\\.SUNW_ctf section: ${img.length} bytes at ${sec.offset} run past the end`));
  });
});

describe('CTF of the kernels image build writes', () => {
  it('the committed sample kernel (dumps/sample) carries CTF v3 whose proc and thread sit at the exported offsets', () => {
    const file = path.join(import.meta.dirname, '../../dumps/sample/login-session.amd64.kernel');
    const g = readCtfGraph(new ElfFile(new BufferSource(fs.readFileSync(file), file)), file)!;
    expect(g.source.detail).toBe('.SUNW_ctf (CTF v3)');
    expect(g.labels()).toHaveLength(1);
    expect(g.labels()[0]).toMatchObject({ name: expect.stringMatching(/^kvmkit-/), typeIndex: g.count });
    const gl = graphLayouts(g, { arch: 'amd64' });
    const proc = gl.byName('proc')!, thread = gl.byName('thread')!;
    // The sample is a FreeBSD 15.0 kernel: the offsets issue 11 gives for real 15.0 amd64 (p_comm 992, td_name 732, td_oncpu 1788).
    expect([proc.field('p_list').offset, proc.field('p_threads').offset, proc.leaf('p_pid').offset, proc.leaf('p_comm').offset]).toEqual([0, 16, 196, 992]);
    expect([thread.leaf('td_name').offset, thread.leaf('td_oncpu').offset]).toEqual([732, 1788]);
    expect(proc.field('p_comm').isString).toBe(true);
  });
});
