import { AT, FORM, OP_plus_uconst } from './constants.ts';
import { dwarfError } from './cursor.ts';
import { skipForm } from './forms.ts';
import type { Abbrev } from './abbrev.ts';
import type { Unit } from './unit-context.ts';

/**
 * One DIE, decoded lazily: its abbrev and where each attribute's value starts. Values are read on
 * demand, in the form the producer chose, by the accessors below.
 */
export interface Die {
  offset: number;
  unit: Unit;
  abbrev: Abbrev;
  tag: number;
  /** Section offset of each attribute's value, in the abbrev's order. */
  valuePos: number[];
  /** The form of each value (DW_FORM_indirect resolved). */
  valueForm: number[];
  /** The first byte after the DIE's attributes (its first child when it has children). */
  next: number;
}

/** Reads the DIE at `offset` (a section offset inside `unit`); `undefined` for a null entry. */
export function readDie(unit: Unit, offset: number): Die | undefined {
  const c = unit.cursor(offset);
  const code = c.uleb();
  if (code === 0) return undefined;
  const ab = unit.abbrevs.get(code);
  if (!ab) dwarfError(`DIE at ${offset} uses abbrev code ${code}, which its unit's table (at ${unit.header.abbrevOffset}) does not have`, c.at, offset);
  const valuePos: number[] = [];
  const valueForm: number[] = [];
  for (let i = 0; i < ab.forms.length; i++) {
    let f = ab.forms[i];
    if (f === FORM.indirect) f = c.uleb();
    valuePos.push(c.pos);
    valueForm.push(f);
    skipForm(c, f, unit.header);
  }
  return { offset, unit, abbrev: ab, tag: ab.tag, valuePos, valueForm, next: c.pos };
}

function find(d: Die, at: number): number {
  return d.abbrev.attrs.indexOf(at);
}

export function has(d: Die, at: number): boolean {
  return find(d, at) >= 0;
}

/** A constant attribute as an exact signed 64-bit value (data8 and udata reinterpreted). */
export function constBig(d: Die, at: number): bigint | undefined {
  const i = find(d, at);
  if (i < 0) return undefined;
  const f = d.valueForm[i];
  const c = d.unit.cursor(d.valuePos[i]);
  switch (f) {
    case FORM.data1: return BigInt(c.u8());
    case FORM.data2: return BigInt(c.u16());
    case FORM.data4: return BigInt(c.u32());
    // data8 and udata carry whatever 64 bits the producer wrote; clang writes a negative
    // DW_AT_bit_offset as data8 0xffff…fffc, so these are read as two's complement.
    case FORM.data8: return BigInt.asIntN(64, c.u64());
    case FORM.udata: return BigInt.asIntN(64, c.ulebBig());
    case FORM.sdata: return BigInt(c.sleb());
    case FORM.implicit_const: return BigInt(d.abbrev.implicit.get(i) ?? 0);
    default: return dwarfError(`attribute 0x${at.toString(16)} of the DIE at ${d.offset} has form 0x${f.toString(16)}, not a constant`, c.at, d.valuePos[i]);
  }
}

/** A constant as a JS number, unsigned data forms kept unsigned (sizes, counts, bounds). */
export function constNum(d: Die, at: number): number | undefined {
  const i = find(d, at);
  if (i < 0) return undefined;
  const f = d.valueForm[i];
  const c = d.unit.cursor(d.valuePos[i]);
  let v: bigint;
  switch (f) {
    case FORM.data1: return c.u8();
    case FORM.data2: return c.u16();
    case FORM.data4: return c.u32();
    case FORM.data8: v = c.u64(); break;
    case FORM.udata: v = c.ulebBig(); break;
    default: return Number(constBig(d, at));
  }
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) dwarfError(`attribute 0x${at.toString(16)} value ${v} is beyond 2^53`, c.at, d.valuePos[i]);
  return Number(v);
}

/** A section offset (DW_FORM_sec_offset; DWARF 3 wrote data4/data8). */
export function secOffset(d: Die, at: number): number | undefined {
  const i = find(d, at);
  if (i < 0) return undefined;
  if (d.valueForm[i] !== FORM.sec_offset) return constNum(d, at);
  return d.unit.cursor(d.valuePos[i]).offset(d.unit.header.offsetSize, 'section offset');
}

/** The form of an attribute (to tell e.g. an all-ones data4 upper bound from 4294967295 elements). */
export function formOf(d: Die, at: number): number | undefined {
  const i = find(d, at);
  return i < 0 ? undefined : d.valueForm[i];
}

export function flag(d: Die, at: number): boolean {
  const i = find(d, at);
  if (i < 0) return false;
  const f = d.valueForm[i];
  if (f === FORM.flag_present) return true;
  if (f === FORM.flag) return d.unit.cursor(d.valuePos[i]).u8() !== 0;
  return (constBig(d, at) ?? 0n) !== 0n;
}

/** A reference attribute as a `.debug_info` section offset (CU-relative forms rebased). */
export function ref(d: Die, at: number): number | undefined {
  const i = find(d, at);
  if (i < 0) return undefined;
  const f = d.valueForm[i];
  const pos = d.valuePos[i];
  const c = d.unit.cursor(pos);
  const base = d.unit.header.offset;
  let target: number;
  switch (f) {
    case FORM.ref1: target = base + c.u8(); break;
    case FORM.ref2: target = base + c.u16(); break;
    case FORM.ref4: target = base + c.u32(); break;
    case FORM.ref8: target = base + c.u64n('ref8'); break;
    case FORM.ref_udata: target = base + c.uleb(); break;
    case FORM.ref_addr: target = d.unit.header.version <= 2 ? (d.unit.header.addrSize === 8 ? c.u64n('ref_addr') : c.u32()) : c.offset(d.unit.header.offsetSize, 'ref_addr'); break;
    default: return dwarfError(`attribute 0x${at.toString(16)} of the DIE at ${d.offset} has form 0x${f.toString(16)}, which kvmkit does not follow (type units, supplementary files)`, c.at, pos);
  }
  if (target >= d.unit.sectionSize) dwarfError(`reference to ${target} is past the end of .debug_info (${d.unit.sectionSize} bytes)`, c.at, pos);
  return target;
}

/** A string attribute (inline, .debug_str, .debug_line_str or through .debug_str_offsets). */
export function str(d: Die, at: number): string | undefined {
  const i = find(d, at);
  if (i < 0) return undefined;
  const f = d.valueForm[i];
  const pos = d.valuePos[i];
  const u = d.unit;
  const c = u.cursor(pos);
  switch (f) {
    case FORM.string: return c.cstr();
    case FORM.strp: return u.strings.str.at(c.offset(u.header.offsetSize, 'strp'), c.at, pos);
    case FORM.line_strp: return u.strings.lineStr.at(c.offset(u.header.offsetSize, 'line_strp'), c.at, pos);
    case FORM.strx: case FORM.GNU_str_index: return u.strx(c.uleb(), pos);
    case FORM.strx1: return u.strx(c.u8(), pos);
    case FORM.strx2: return u.strx(c.u16(), pos);
    case FORM.strx3: return u.strx(c.u24(), pos);
    case FORM.strx4: return u.strx(c.u32(), pos);
    default: return dwarfError(`attribute 0x${at.toString(16)} of the DIE at ${d.offset} has form 0x${f.toString(16)}, not a string kvmkit can read`, c.at, pos);
  }
}

/**
 * DW_AT_data_member_location in bytes: a constant (DWARF 3 and later), or the DWARF 2 location
 * expression `DW_OP_plus_uconst n` that older producers write. Absent means 0 (union members).
 */
export function memberLocation(d: Die): number {
  const i = find(d, AT.data_member_location);
  if (i < 0) return 0;
  const f = d.valueForm[i];
  if (f !== FORM.exprloc && f !== FORM.block1 && f !== FORM.block && f !== FORM.block2 && f !== FORM.block4) return constNum(d, AT.data_member_location)!;
  const c = d.unit.cursor(d.valuePos[i]);
  const len = f === FORM.block1 ? c.u8() : f === FORM.block2 ? c.u16() : f === FORM.block4 ? c.u32() : c.uleb();
  const start = c.pos;
  const op = c.u8();
  if (op !== OP_plus_uconst) dwarfError(`member location of the DIE at ${d.offset} is a DWARF expression (op 0x${op.toString(16)}) other than DW_OP_plus_uconst`, c.at, start);
  const v = c.uleb();
  if (c.pos !== start + len) dwarfError(`member location of the DIE at ${d.offset} is more than one DW_OP_plus_uconst`, c.at, start);
  return v;
}

/** Section offsets of a DIE's direct children (grandchildren stepped over), in order. */
export function childOffsets(d: Die): number[] {
  const out: number[] = [];
  if (!d.abbrev.children) return out;
  const u = d.unit;
  let pos = d.next;
  for (;;) {
    if (pos >= u.header.end) dwarfError(`children of the DIE at ${d.offset} run past the end of their unit (no null entry)`, u.ref, pos);
    const child = readDie(u, pos);
    if (!child) return out;
    out.push(pos);
    pos = u.skipChildren(child);
  }
}

