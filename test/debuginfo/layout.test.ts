import { describe, expect, it } from 'vitest';
import { structLayoutFromGraph } from '../../src/debuginfo/layout.ts';
import type { CType, TypeGraph, TypeId } from '../../src/debuginfo/model.ts';
import { holes } from '../../src/layout/engine.ts';

/** A type graph held in an array: the test writes the types a compiler would have recorded. */
function graph(types: CType[], opts: { pointerSize?: 4 | 8; littleEndian?: boolean } = {}): TypeGraph {
  return {
    source: { format: 'ctf', file: 'test.o', detail: '.SUNW_ctf (hand-made)' },
    pointerSize: opts.pointerSize ?? 8,
    littleEndian: opts.littleEndian ?? true,
    type: (id: TypeId) => {
      const t = types[id];
      if (!t) throw new Error(`no type ${id}`);
      return t;
    },
    findStruct: (name) => {
      const i = types.findIndex((t) => (t.kind === 'struct' || t.kind === 'union') && t.name === name);
      return i < 0 ? undefined : i;
    },
    *structNames() {
      for (const [id, t] of types.entries()) if ((t.kind === 'struct' || t.kind === 'union') && t.name) yield { name: t.name, kind: t.kind, id };
    },
  };
}

const int = (name: string, size: number, signed = true, char = false): CType => ({ kind: 'int', name, size, signed, char, bool: false, bits: size * 8, bitOffset: 0 });

/*
 * The C the types stand for, laid out by hand for amd64 (LP64, int64 8-aligned):
 *   struct u { int a; char b[3]; };                      union: size 4
 *   typedef unsigned int u_int;
 *   struct s {
 *     char c;              //  0, 1
 *     u_int f1 : 3;        //  bits 8..10   (byte 1)
 *     u_int f2 : 13;       //  bits 11..23  (bytes 1-2)
 *     long long x;         //  8, 8         (bytes 3..7 padding)
 *     union u u;           // 16, 4
 *     struct s *next;      // 24, 8
 *     char name[5];        // 32, 5
 *     short m[2][3];       // 38, 12        (byte 37 padding)
 *   };                     // size 56 (50 + 6 tail), align 8
 */
const T: CType[] = [
  int('char', 1, true, true), //                                        0
  int('int', 4), //                                                     1
  int('unsigned int', 4, false), //                                     2
  { kind: 'typedef', name: 'u_int', target: 2 }, //                     3
  int('long long', 8), //                                               4
  { kind: 'array', element: 0, count: 3 }, //                           5
  { kind: 'union', name: 'u', size: 4, members: [{ name: 'a', type: 1, bitOffset: 0 }, { name: 'b', type: 5, bitOffset: 0 }] }, // 6
  { kind: 'pointer', name: '', target: 8 }, //                          7
  {
    kind: 'struct', name: 's', size: 56, members: [
      { name: 'c', type: 0, bitOffset: 0 },
      { name: 'f1', type: 3, bitOffset: 8, bitSize: 3 },
      { name: 'f2', type: 3, bitOffset: 11, bitSize: 13 },
      { name: 'x', type: 4, bitOffset: 64 },
      { name: 'u', type: 6, bitOffset: 128 },
      { name: 'next', type: 7, bitOffset: 192 },
      { name: 'name', type: 9, bitOffset: 256 },
      { name: 'm', type: 12, bitOffset: 304 },
    ],
  }, //                                                                 8
  { kind: 'array', element: 0, count: 5 }, //                           9
  int('short', 2), //                                                   10
  { kind: 'array', element: 10, count: 3 }, //                          11
  { kind: 'array', element: 11, count: 2 }, //                          12
];

describe('TypeGraph → StructLayout', () => {
  const l = structLayoutFromGraph(graph(T), 's', { arch: 'amd64' });

  it('takes offsets and sizes from the types, bit-fields by bit', () => {
    expect(l.size).toBe(56);
    expect(l.align).toBe(8);
    expect(l.fields.map((f) => [f.name, f.offset, f.size])).toEqual([
      ['c', 0, 1], ['f1', 1, 4], ['f2', 1, 4], ['x', 8, 8], ['u', 16, 4], ['next', 24, 8], ['name', 32, 5], ['m', 38, 12],
    ]);
    expect(l.field('f2').bitField).toEqual({ bitOffset: 11, bitSize: 13 });
    expect(l.field('f1').type.cname).toBe('u_int');
    expect(l.field('next').type.cname).toBe('struct s *');
    expect(l.field('name').isString).toBe(true);
    expect(l.field('m').dims).toEqual([2, 3]);
    expect(l.field('m').count).toBe(6);
    expect(l.field('u').type.struct!.isUnion).toBe(true);
  });

  it('finds the holes a compiler leaves: bytes 3..7, 20..23, 37, and 6 bytes of tail', () => {
    // f2 ends at bit 24, so byte 3 is the first free one; the union ends at 20; name ends at 37.
    expect(holes(l).map((h) => [h.offset, h.size, h.kind])).toEqual([[3, 5, 'padding'], [20, 4, 'padding'], [37, 1, 'padding'], [50, 6, 'tail']]);
  });

  it('gives leaves through the union and bit-fields with absolute bits', () => {
    expect(l.leaf('u.b').offset).toBe(16);
    expect(l.leaf('u.a').offset).toBe(16);
    expect(l.leaf('f2').bitField).toEqual({ bitOffset: 11, bitSize: 13 });
  });

  it('uses the arch for in-struct alignment: on i386 an 8-byte integer aligns to 4', () => {
    const i = structLayoutFromGraph(graph(T, { pointerSize: 4 }), 's', { arch: 'i386' });
    expect(i.field('x').align).toBe(4);
  });

  it('refuses corrupt graphs with the file and type named', () => {
    const cyc: CType[] = [{ kind: 'typedef', name: 'a', target: 1 }, { kind: 'typedef', name: 'b', target: 0 }, { kind: 'struct', name: 'z', size: 4, members: [{ name: 'm', type: 0, bitOffset: 0 }] }];
    expect(() => structLayoutFromGraph(graph(cyc), 'z', { arch: 'amd64' })).toThrow(/longer than 256.*file test\.o/);
    const self: CType[] = [{ kind: 'struct', name: 'z', size: 4, members: [{ name: 'm', type: 0, bitOffset: 0 }] }];
    expect(() => structLayoutFromGraph(graph(self), 'z', { arch: 'amd64' })).toThrow(/contains itself/);
    const past: CType[] = [int('int', 4), { kind: 'struct', name: 'z', size: 4, members: [{ name: 'm', type: 0, bitOffset: 32 }] }];
    expect(() => structLayoutFromGraph(graph(past), 'z', { arch: 'amd64' })).toThrow(/past the struct's 4 bytes/);
    expect(() => structLayoutFromGraph(graph(past), 'nope', { arch: 'amd64' })).toThrow(/no definition of struct nope/);
  });
});
