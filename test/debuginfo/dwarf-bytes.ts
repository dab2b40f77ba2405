import { AT, FORM, TAG } from '../../src/debuginfo/dwarf/constants.ts';
import type { DwarfSections } from '../../src/debuginfo/dwarf/sections.ts';

/**
 * A small DWARF writer for the tests: abbrev tables and units written byte by byte, so the tests
 * can say exactly what a producer wrote (big-endian units, 64-bit DWARF, DW_FORM_strx1, a clang-14
 * style negative DW_AT_bit_offset, corrupt headers) — what gcc on this machine cannot make.
 * References are to labels, resolved to CU-relative ref4 values.
 */
export type Val =
  | { form: 'data1' | 'data2' | 'data4' | 'flag' | 'strx1'; v: number }
  | { form: 'data8'; v: bigint }
  | { form: 'udata' | 'sdata'; v: number | bigint }
  | { form: 'string'; v: string }
  | { form: 'ref4'; v: string }
  | { form: 'sec_offset' | 'strp'; v: number }
  | { form: 'plus_uconst'; v: number }
  | { form: 'flag_present' };

export interface DieSpec { label?: string; tag: number; attrs: [number, Val][]; children?: DieSpec[] }

const FORMS: Record<Val['form'], number> = {
  data1: FORM.data1, data2: FORM.data2, data4: FORM.data4, data8: FORM.data8, flag: FORM.flag, strx1: FORM.strx1,
  udata: FORM.udata, sdata: FORM.sdata, string: FORM.string, ref4: FORM.ref4, sec_offset: FORM.sec_offset, strp: FORM.strp,
  plus_uconst: FORM.block1, flag_present: FORM.flag_present,
};

export class Bytes {
  readonly b: number[] = [];
  constructor(readonly le: boolean) {}
  u8(v: number): this { this.b.push(v & 0xff); return this; }
  int(v: number | bigint, n: number): this {
    let x = BigInt.asUintN(n * 8, BigInt(v));
    const out: number[] = [];
    for (let i = 0; i < n; i++) { out.push(Number(x & 0xffn)); x >>= 8n; }
    this.b.push(...(this.le ? out : out.reverse()));
    return this;
  }
  uleb(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    do { let byte = Number(x & 0x7fn); x >>= 7n; if (x) byte |= 0x80; this.b.push(byte); } while (x);
    return this;
  }
  sleb(v: number | bigint): this {
    let x = BigInt(v);
    for (;;) {
      const byte = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && !(byte & 0x40)) || (x === -1n && byte & 0x40)) { this.b.push(byte); return this; }
      this.b.push(byte | 0x80);
    }
  }
  str(s: string): this { this.b.push(...Buffer.from(s, 'latin1'), 0); return this; }
  get length(): number { return this.b.length; }
  bytes(): Uint8Array { return Uint8Array.from(this.b); }
}

export interface UnitSpec {
  le: boolean;
  version: 4 | 5;
  offset64?: boolean;
  addrSize?: 4 | 8;
  root: DieSpec;
  /** Override the unit_length written (corrupt-input tests). */
  unitLength?: number | bigint;
}

/** Writes one unit's abbrev table and `.debug_info` bytes (each DIE gets its own abbrev code). */
export function writeUnit(u: UnitSpec): { info: Uint8Array; abbrev: Uint8Array; labels: Map<string, number> } {
  const abbrev = new Bytes(u.le);
  const dies: { spec: DieSpec; code: number }[] = [];
  const walk = (d: DieSpec) => { dies.push({ spec: d, code: dies.length + 1 }); d.children?.forEach(walk); };
  walk(u.root);
  for (const { spec, code } of dies) {
    abbrev.uleb(code).uleb(spec.tag).u8(spec.children ? 1 : 0);
    for (const [at, v] of spec.attrs) abbrev.uleb(at).uleb(FORMS[v.form]);
    abbrev.uleb(0).uleb(0);
  }
  abbrev.uleb(0);
  const off = u.offset64 ? 8 : 4;
  const headerSize = (u.offset64 ? 12 : 4) + 2 + (u.version === 5 ? 2 : 1) + off;
  const codes = new Map(dies.map((d) => [d.spec, d.code]));
  // Pass 1: offsets of every DIE (sizes do not depend on label values: refs are 4 bytes).
  const labels = new Map<string, number>();
  const emit = (w: Bytes, d: DieSpec, base: number) => {
    if (d.label) labels.set(d.label, base + w.length);
    w.uleb(codes.get(d)!);
    for (const [, v] of d.attrs) writeVal(w, v, labels, off);
    if (d.children) { for (const c of d.children) emit(w, c, base); w.uleb(0); }
  };
  emit(new Bytes(u.le), u.root, headerSize);
  const body = new Bytes(u.le);
  emit(body, u.root, headerSize);
  const info = new Bytes(u.le);
  const length = headerSize - (u.offset64 ? 12 : 4) + body.length;
  if (u.offset64) info.int(0xffffffff, 4).int(u.unitLength ?? length, 8);
  else info.int(u.unitLength ?? length, 4);
  info.int(u.version, 2);
  if (u.version === 5) info.u8(1).u8(u.addrSize ?? 8).int(0, off);
  else info.int(0, off).u8(u.addrSize ?? 8);
  info.b.push(...body.b);
  return { info: info.bytes(), abbrev: abbrev.bytes(), labels };
}

function writeVal(w: Bytes, v: Val, labels: Map<string, number>, off: number): void {
  switch (v.form) {
    case 'data1': case 'flag': case 'strx1': w.u8(v.v); return;
    case 'data2': w.int(v.v, 2); return;
    case 'data4': w.int(v.v, 4); return;
    case 'data8': w.int(v.v, 8); return;
    case 'udata': w.uleb(v.v); return;
    case 'sdata': w.sleb(v.v); return;
    case 'string': w.str(v.v); return;
    case 'ref4': w.int(labels.get(v.v) ?? 0, 4); return;
    case 'sec_offset': case 'strp': w.int(v.v, off); return;
    case 'plus_uconst': { const e = new Bytes(w.le).u8(0x23).uleb(v.v); w.u8(e.length); w.b.push(...e.b); return; }
    case 'flag_present': return;
  }
}

export function sections(u: { info: Uint8Array; abbrev: Uint8Array }, le: boolean, extra: Partial<DwarfSections> = {}): DwarfSections {
  return { file: 'hand.o', littleEndian: le, info: u.info, abbrev: u.abbrev, ...extra };
}

// Shorthands for DIE specs.
export const name = (s: string): [number, Val] => [AT.name, { form: 'string', v: s }];
export const size1 = (n: number): [number, Val] => [AT.byte_size, { form: 'data1', v: n }];
export const type = (label: string): [number, Val] => [AT.type, { form: 'ref4', v: label }];
export const loc = (n: number): [number, Val] => [AT.data_member_location, { form: 'data1', v: n }];
export const int = (label: string, n: string, bytes: number, enc: number): DieSpec => ({ label, tag: TAG.base_type, attrs: [name(n), size1(bytes), [AT.encoding, { form: 'data1', v: enc }]] });
export const cu = (children: DieSpec[], attrs: [number, Val][] = [name('hand.c')]): DieSpec => ({ tag: TAG.compile_unit, attrs, children });
