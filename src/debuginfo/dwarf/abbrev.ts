import { FORM, AT } from './constants.ts';
import { Cursor, dwarfError, type SectionRef } from './cursor.ts';
import { fixedFormSize, knownForm, type FormContext } from './forms.ts';

/** One abbreviation: a DIE's tag, whether it has children, and its (attribute, form) list. */
export interface Abbrev {
  code: number;
  tag: number;
  children: boolean;
  attrs: Uint32Array;
  forms: Uint32Array;
  /** DW_FORM_implicit_const values by attribute index (the value lives in the abbrev, not the DIE). */
  implicit: Map<number, number>;
  /** Bytes of a DIE's attributes when every form is fixed-size, else −1. */
  fixedSize: number;
  /** Byte offset of each attribute's value from the DIE's first attribute, when every form before it is fixed-size, else −1. */
  attrOffset: Int32Array;
  /** Each value's size when its form is fixed-size, else −1 (the indexer steps over fixed ones inline). */
  sizes: Int16Array;
}

export interface AbbrevTable {
  get(code: number): Abbrev | undefined;
}

/** Codes are dense small integers in practice (gcc and clang count from 1): an array up to here. */
const DENSE = 1 << 16;

/**
 * The abbreviation table at `offset` of `.debug_abbrev`, for units with these sizes. The table
 * ends at a zero code; one that runs to the end of the section instead, repeats a code or names
 * an unknown form is corrupt and reported at the byte.
 */
export function readAbbrevTable(bytes: Uint8Array, offset: number, u: FormContext, ref: SectionRef): AbbrevTable {
  if (offset >= bytes.length) dwarfError(`abbrev offset ${offset} is past the end of .debug_abbrev (${bytes.length} bytes)`, ref, offset);
  const c = new Cursor(bytes, true, ref, offset);
  const dense: (Abbrev | undefined)[] = [];
  const sparse = new Map<number, Abbrev>();
  for (;;) {
    const at = c.pos;
    if (c.pos >= c.end) dwarfError(`abbrev table at ${offset} has no terminating zero code before the end of .debug_abbrev`, ref, at);
    const code = c.uleb();
    if (code === 0) break;
    const tag = c.uleb();
    const children = c.u8() !== 0;
    const attrs: number[] = [], forms: number[] = [];
    const implicit = new Map<number, number>();
    let fixed = 0;
    const attrOffset: number[] = [];
    const sizes: number[] = [];
    for (;;) {
      const a = c.uleb(), f = c.uleb();
      if (a === 0 && f === 0) break;
      if (!knownForm(f)) dwarfError(`abbrev ${code}: unknown attribute form 0x${f.toString(16)}`, ref, c.pos);
      if (f === FORM.implicit_const) implicit.set(attrs.length, c.sleb());
      attrOffset.push(fixed);
      attrs.push(a);
      forms.push(f);
      const n = fixedFormSize(f, u);
      sizes.push(n);
      fixed = fixed < 0 || n < 0 ? -1 : fixed + n;
    }
    if ((code < DENSE ? dense[code] : sparse.get(code)) !== undefined) dwarfError(`abbrev code ${code} appears twice in the table at ${offset}`, ref, at);
    const ab: Abbrev = { code, tag, children, attrs: Uint32Array.from(attrs), forms: Uint32Array.from(forms), implicit, fixedSize: fixed, attrOffset: Int32Array.from(attrOffset), sizes: Int16Array.from(sizes) };
    if (code < DENSE) dense[code] = ab;
    else sparse.set(code, ab);
  }
  return { get: (code) => (code < DENSE ? dense[code] : sparse.get(code)) };
}

/** The index of DW_AT_sibling in an abbrev's attributes, or −1. */
export function siblingIndex(ab: Abbrev): number {
  return ab.attrs.indexOf(AT.sibling);
}
