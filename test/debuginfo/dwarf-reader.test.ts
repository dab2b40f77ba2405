import { describe, expect, it } from 'vitest';
import { errorOf as error } from '../errors.ts';
import { AT, ATE, TAG } from '../../src/debuginfo/dwarf/constants.ts';
import { DwarfTypeGraph } from '../../src/debuginfo/dwarf/types.ts';
import { structLayoutFromGraph } from '../../src/debuginfo/layout.ts';
import { cu, int, loc, name, sections, size1, type, writeUnit, type DieSpec } from './dwarf-bytes.ts';

/**
 * The DWARF reader on hand-written DWARF bytes (test/debuginfo/dwarf-bytes.ts): what gcc on this
 * machine cannot produce — a big-endian unit, the clang-14 style DW_AT_bit_offset that is negative
 * (written as an unsigned 64-bit value), DW_FORM_strx1 through .debug_str_offsets in 64-bit DWARF —
 * and corrupt input. Every expected value is derived by hand in the comments.
 */
const member = (n: string, t: string, at: number): DieSpec => ({ tag: TAG.member, attrs: [name(n), type(t), loc(at)] });

describe('big-endian DWARF 4 (32-bit addresses, as powerpc)', () => {
  /*
   * struct be { int a; unsigned u1:3; unsigned u2:7; char name[4]; struct be *next; };
   * a at 0; u1, u2 in the 4-byte storage unit at 4: DW_AT_bit_offset counts from its most
   * significant bit, which big-endian numbering calls bit 32 of the struct: u1 is bits 32..34
   * (bit_offset 0), u2 bits 35..41 (bit_offset 3). name at 8 (4 bytes), next at 12 — its location
   * written as the DWARF 2 expression DW_OP_plus_uconst 12. Size 16.
   */
  const u = writeUnit({
    le: false, version: 4, addrSize: 4,
    root: cu([
      int('int', 'int', 4, ATE.signed), int('uint', 'unsigned int', 4, ATE.unsigned), int('char', 'char', 1, ATE.signed_char),
      { label: 'be', tag: TAG.structure_type, attrs: [name('be'), size1(16)], children: [
        member('a', 'int', 0),
        { tag: TAG.member, attrs: [name('u1'), type('uint'), size1(4), [AT.bit_size, { form: 'data1', v: 3 }], [AT.bit_offset, { form: 'data1', v: 0 }], loc(4)] },
        { tag: TAG.member, attrs: [name('u2'), type('uint'), size1(4), [AT.bit_size, { form: 'data1', v: 7 }], [AT.bit_offset, { form: 'data1', v: 3 }], loc(4)] },
        member('name', 'arr', 8),
        { tag: TAG.member, attrs: [name('next'), type('ptr'), [AT.data_member_location, { form: 'plus_uconst', v: 12 }]] },
      ] },
      { label: 'arr', tag: TAG.array_type, attrs: [type('char')], children: [{ tag: TAG.subrange_type, attrs: [[AT.upper_bound, { form: 'data1', v: 3 }]] }] },
      { label: 'ptr', tag: TAG.pointer_type, attrs: [size1(4), type('be')] },
    ]),
  });
  const g = DwarfTypeGraph.fromSections(sections(u, false));
  const l = structLayoutFromGraph(g, 'be', { arch: 'powerpc' });

  it('reads the unit in its byte order', () => {
    expect(g.littleEndian).toBe(false);
    expect(g.pointerSize).toBe(4);
    expect(l.size).toBe(16);
    expect(l.fields.map((f) => [f.name, f.offset, f.size])).toEqual([['a', 0, 4], ['u1', 4, 4], ['u2', 4, 4], ['name', 8, 4], ['next', 12, 4]]);
  });
  it('places DW_AT_bit_offset bit-fields by the big-endian rule', () => {
    expect(l.field('u1').bitField).toEqual({ bitOffset: 32, bitSize: 3 });
    expect(l.field('u2').bitField).toEqual({ bitOffset: 35, bitSize: 7 });
    expect(l.field('next').type.cname).toBe('struct be *');
    expect(l.field('name').isString).toBe(true);
  });
});

describe('DWARF 5, 64-bit, little-endian, names through DW_FORM_strx1', () => {
  /*
   * struct __attribute__((packed)) straddle { char c; int x:31; char d; short m[2][3]; enum e k; };
   * x occupies bits 8..38: it straddles the 4-byte storage unit at 0 that a DWARF 2 producer
   * describes it in (byte_size 4, location 0). DW_AT_bit_offset is the distance from that unit's
   * most significant bit (bit 31) down to the field's (bit 38): 31 − 38 = −7, written as data8
   * 0xffff_ffff_ffff_fff9 as clang 14 does. Little-endian first bit = 0·8 + 4·8 − (−7) − 31 = 8.
   * d is at byte 5 (bit 40), m at 6 (12 bytes: two DW_AT_count subranges), k (4 bytes) at 18; size 22.
   * The strings: .debug_str "\0straddle\0x\0c\0" (offsets 1, 10, 12) and .debug_str_offsets
   * with an 16-byte DWARF 5 header (64-bit) then 8-byte entries; DW_AT_str_offsets_base = 16.
   */
  const str = Buffer.from('\0straddle\0x\0c\0', 'latin1');
  const strOffsets = new Uint8Array(16 + 3 * 8);
  const dv = new DataView(strOffsets.buffer);
  [1, 10, 12].forEach((o, i) => dv.setBigUint64(16 + i * 8, BigInt(o), true));
  const sx = (i: number) => [AT.name, { form: 'strx1', v: i }] as [number, { form: 'strx1'; v: number }];
  const u = writeUnit({
    le: true, version: 5, offset64: true,
    root: cu([
      int('int', 'int', 4, ATE.signed), int('char', 'char', 1, ATE.signed_char), int('short', 'short', 2, ATE.signed),
      { label: 'e', tag: TAG.enumeration_type, attrs: [name('e'), size1(4)], children: [
        { tag: TAG.enumerator, attrs: [name('NEG'), [AT.const_value, { form: 'sdata', v: -2 }]] },
      ] },
      { tag: TAG.structure_type, attrs: [sx(0), size1(22)], children: [
        { tag: TAG.member, attrs: [sx(2), type('char'), loc(0)] },
        { tag: TAG.member, attrs: [sx(1), type('int'), size1(4), [AT.bit_size, { form: 'data1', v: 31 }], [AT.bit_offset, { form: 'data8', v: 0xfffffffffffffff9n }], loc(0)] },
        member('d', 'char', 5),
        member('m', 'm23', 6),
        member('k', 'e', 18),
      ] },
      { label: 'm23', tag: TAG.array_type, attrs: [type('short')], children: [
        { tag: TAG.subrange_type, attrs: [[AT.count, { form: 'data1', v: 2 }]] },
        { tag: TAG.subrange_type, attrs: [[AT.count, { form: 'udata', v: 3 }]] },
      ] },
    ], [name('hand.c'), [AT.str_offsets_base, { form: 'sec_offset', v: 16 }]]),
  });
  const g = DwarfTypeGraph.fromSections(sections(u, true, { str, strOffsets }));
  const l = structLayoutFromGraph(g, 'straddle', { arch: 'amd64' });

  it('reads names through .debug_str_offsets', () => {
    expect([...g.structNames()].map((s) => s.name)).toEqual(['straddle']);
    expect(g.source.detail).toBe('.debug_info (DWARF 5, 64-bit, 1 unit)');
    expect(l.fields.map((f) => f.name)).toEqual(['c', 'x', 'd', 'm', 'k']);
  });
  it('a negative DW_AT_bit_offset (straddling its storage unit) gives the right first bit', () => {
    expect(l.field('x').bitField).toEqual({ bitOffset: 8, bitSize: 31 });
    expect(l.field('x').offset).toBe(1);
    expect(l.align).toBe(1); // packed: x's storage is off its alignment… and d, m sit unaligned
  });
  it('multi-dimensional arrays from DW_AT_count, signed enums', () => {
    expect(l.field('m')).toMatchObject({ offset: 6, size: 12, count: 6, dims: [2, 3] });
    expect(l.field('k')).toMatchObject({ offset: 18, size: 4 });
    expect(l.field('k').type.signed).toBe(true);
  });
});

/** A valid little unit to corrupt: struct s { int a; int v[4]; } (size 20). */
function good(over: Partial<Parameters<typeof writeUnit>[0]> = {}, kids?: DieSpec[]) {
  return writeUnit({
    le: true, version: 4,
    root: cu(kids ?? [
      int('int', 'int', 4, ATE.signed),
      { label: 's', tag: TAG.structure_type, attrs: [name('s'), size1(20)], children: [member('a', 'int', 0), member('v', 'arr', 4)] },
      { label: 'arr', tag: TAG.array_type, attrs: [type('int')], children: [{ tag: TAG.subrange_type, attrs: [[AT.count, { form: 'data1', v: 4 }]] }] },
    ]),
    ...over,
  });
}

describe('corrupt DWARF is an error naming the file, the section and the byte', () => {
  const open = (u: { info: Uint8Array; abbrev: Uint8Array }) => DwarfTypeGraph.fromSections(sections(u, true));
  const layout = (u: { info: Uint8Array; abbrev: Uint8Array }, s = 's') => structLayoutFromGraph(open(u), s, { arch: 'amd64' });

  it('the good unit is good', () => {
    expect(layout(good()).fields.map((f) => [f.name, f.offset, f.size])).toEqual([['a', 0, 4], ['v', 4, 16]]);
  });
  it('a truncated unit', () => {
    const u = good();
    const e = error(() => open({ ...u, info: u.info.subarray(0, u.info.length - 5) }));
    expect(e.message).toMatch(/unit_length.*run past the end/);
    expect(e.context).toMatchObject({ file: 'hand.o', object: '.debug_info', offset: 0 });
  });
  it('a unit_length larger than the section', () => {
    const e = error(() => open(good({ unitLength: 0x7fff_0000 })));
    expect(e.message).toMatch(/run past the end/);
    expect(e.message).toContain('.debug_info');
  });
  it('a reserved unit_length and an unknown version', () => {
    expect(error(() => open(good({ unitLength: 0xfffffff5 }))).message).toMatch(/reserved value/);
    const u = good();
    const info = Uint8Array.from(u.info);
    info[4] = 9;
    expect(error(() => open({ ...u, info })).message).toMatch(/unit version 9/);
  });
  it('an abbrev table that never ends', () => {
    const u = good();
    const e = error(() => open({ ...u, abbrev: u.abbrev.subarray(0, u.abbrev.length - 1) }));
    expect(e.message).toMatch(/no terminating zero code|past the end/);
    expect(e.context.object).toBe('.debug_abbrev');
  });
  it('an abbrev offset past .debug_abbrev', () => {
    const u = good();
    const info = Uint8Array.from(u.info);
    new DataView(info.buffer).setUint32(6, 5000, true);
    const e = error(() => open({ ...u, info }));
    expect(e.message).toMatch(/abbrev offset 5000 is past the end/);
  });
  it('a DIE naming an abbrev code the table lacks', () => {
    const u = good();
    const info = Uint8Array.from(u.info);
    info[11] = 0x7f; // the first DIE's code (the header is 11 bytes)
    const e = error(() => open({ ...u, info }));
    expect(e.message).toMatch(/abbrev code 127/);
    expect(e.context.offset).toBe(11);
  });
  it('a DW_AT_sibling that points backwards (a loop) is refused, not followed', () => {
    const u = good({}, [
      int('int', 'int', 4, ATE.signed),
      { label: 'f', tag: TAG.subprogram, attrs: [name('f'), [AT.sibling, { form: 'ref4', v: 'f' }]], children: [int('x', 'x', 4, ATE.signed)] },
    ]);
    expect(error(() => open(u)).message).toMatch(/DW_AT_sibling .* not forward/);
  });
  it('a reference past the section', () => {
    const u = good({}, [{ label: 's', tag: TAG.structure_type, attrs: [name('s'), size1(4)], children: [{ tag: TAG.member, attrs: [name('a'), [AT.type, { form: 'ref4', v: 'nowhere' }], loc(0)] }] }]);
    // The member's ref4 is the last 4 bytes before its data1 location and the two null entries (s's, the CU's).
    const info = Uint8Array.from(u.info);
    new DataView(info.buffer).setUint32(info.length - 7, 0x10000, true);
    const e = error(() => layout({ ...u, info }));
    expect(e.message).toMatch(/reference to 65536 is past the end of .debug_info \(\d+ bytes\)/);
    expect(e.context).toMatchObject({ file: 'hand.o', object: '.debug_info', offset: info.length - 7 });
  });
  it('a huge element count: an error, not an allocation', () => {
    const u = good({}, [
      int('int', 'int', 4, ATE.signed),
      { label: 's', tag: TAG.structure_type, attrs: [name('s'), size1(20)], children: [member('v', 'arr', 0)] },
      { label: 'arr', tag: TAG.array_type, attrs: [type('int')], children: [{ tag: TAG.subrange_type, attrs: [[AT.count, { form: 'data8', v: 1n << 40n }]] }] },
    ]);
    expect(error(() => layout(u)).message).toMatch(/ends at .* past the struct's 20 bytes/);
    const v = good({}, [
      int('int', 'int', 4, ATE.signed),
      { label: 's', tag: TAG.structure_type, attrs: [name('s'), size1(20)], children: [member('v', 'arr', 0)] },
      { label: 'arr', tag: TAG.array_type, attrs: [type('int')], children: [{ tag: TAG.subrange_type, attrs: [[AT.count, { form: 'data8', v: 1n << 62n }]] }] },
    ]);
    expect(error(() => layout(v)).message).toMatch(/beyond 2\^53/);
  });
  it('a typedef cycle', () => {
    const u = good({}, [
      { label: 'a', tag: TAG.typedef, attrs: [name('a'), type('b')] },
      { label: 'b', tag: TAG.typedef, attrs: [name('b'), type('a')] },
      { label: 's', tag: TAG.structure_type, attrs: [name('s'), size1(4)], children: [member('x', 'a', 0)] },
    ]);
    expect(error(() => layout(u)).message).toMatch(/a cycle\?/);
  });
  it('a LEB128 longer than 10 bytes', () => {
    const u = good();
    const abbrev = new Uint8Array([...Array(12).fill(0x80), 0x00]);
    expect(error(() => open({ ...u, abbrev })).message).toMatch(/longer than 10 bytes/);
  });
});
