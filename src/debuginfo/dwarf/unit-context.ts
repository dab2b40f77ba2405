import { AT, FORM } from './constants.ts';
import { Cursor, dwarfError, type SectionRef } from './cursor.ts';
import { skipForm } from './forms.ts';
import type { AbbrevTable } from './abbrev.ts';
import type { Die } from './die.ts';
import type { StringSection } from './sections.ts';
import type { UnitHeader } from './units.ts';

/** The string sections every unit of a file shares. */
export interface Strings {
  str: StringSection;
  lineStr: StringSection;
  /** `.debug_str_offsets`, for DW_FORM_strx*. */
  strOffsets: Uint8Array | undefined;
}

/** DIEs nested deeper than this are corrupt input (C nests types a handful deep, scopes a few dozen). */
export const MAX_DIE_DEPTH = 1024;

/** A unit with what reading its DIEs needs: the header, its abbrev table, the strings. */
export class Unit {
  /** Set from the unit DIE's DW_AT_str_offsets_base (DWARF 5). */
  strOffsetsBase: number | undefined;
  constructor(
    readonly header: UnitHeader,
    readonly abbrevs: AbbrevTable,
    readonly strings: Strings,
    private readonly info: Uint8Array,
    readonly le: boolean,
    readonly ref: SectionRef,
  ) {}

  get sectionSize(): number { return this.info.length; }

  /** A cursor at `pos`, bounded by the unit's end. */
  cursor(pos: number): Cursor {
    if (pos < this.header.dieStart || pos >= this.header.end) dwarfError(`offset ${pos} is outside its unit [${this.header.dieStart}, ${this.header.end})`, this.ref, pos);
    return new Cursor(this.info, this.le, this.ref, pos, this.header.end);
  }

  /** String number `index` of this unit's `.debug_str_offsets` contribution. */
  strx(index: number, from: number): string {
    const so = this.strings.strOffsets;
    const base = this.strOffsetsBase;
    if (!so) dwarfError(`DW_FORM_strx without a .debug_str_offsets section`, this.ref, from);
    if (base === undefined) dwarfError(`DW_FORM_strx in a unit without DW_AT_str_offsets_base`, this.ref, from);
    const size = this.header.offsetSize;
    const at = base + index * size;
    const soRef = { file: this.ref.file, section: '.debug_str_offsets' };
    if (at + size > so.length) dwarfError(`string index ${index} (entry at ${at}) is past the end of .debug_str_offsets (${so.length} bytes)`, this.ref, from);
    const c = new Cursor(so, this.le, soRef, at);
    return this.strings.str.at(c.offset(size, 'string offset'), soRef, at);
  }

  /**
   * The offset after a DIE and all its descendants. DW_AT_sibling jumps there at once when the
   * producer wrote one (checked to lie forward, inside the unit); otherwise the subtree is walked,
   * depth-counted, each DIE stepped over by its abbrev.
   */
  skipChildren(d: Die): number {
    if (!d.abbrev.children) return d.next;
    const si = d.abbrev.attrs.indexOf(AT.sibling);
    if (si >= 0) {
      const f = d.valueForm[si];
      const c = new Cursor(this.info, this.le, this.ref, d.valuePos[si], this.header.end);
      const rel = f === FORM.ref4 ? c.u32() : f === FORM.ref2 ? c.u16() : f === FORM.ref1 ? c.u8() : f === FORM.ref_udata ? c.uleb() : f === FORM.ref8 ? c.u64n('sibling') : -1;
      if (rel >= 0) {
        const target = this.header.offset + rel;
        if (target <= d.offset || target > this.header.end) dwarfError(`DW_AT_sibling of the DIE at ${d.offset} points to ${target}, not forward inside its unit (a loop?)`, this.ref, d.valuePos[si]);
        return target;
      }
    }
    return this.skipTree(d.next, 1);
  }

  /** Walks DIEs from `pos` until `depth` levels of children have been closed by null entries. */
  skipTree(pos: number, depth: number): number {
    const c = new Cursor(this.info, this.le, this.ref, pos, this.header.end);
    while (depth > 0) {
      if (c.pos >= c.end) dwarfError(`DIE tree runs past the end of its unit (a missing null entry)`, this.ref, c.pos);
      const at = c.pos;
      const code = c.uleb();
      if (code === 0) { depth--; continue; }
      const ab = this.abbrevs.get(code);
      if (!ab) dwarfError(`DIE at ${at} uses abbrev code ${code}, which its unit's table does not have`, this.ref, at);
      if (ab.fixedSize >= 0) c.skip(ab.fixedSize, 'DIE attributes');
      else for (let i = 0; i < ab.forms.length; i++) skipForm(c, ab.forms[i], this.header);
      if (ab.children && ++depth > MAX_DIE_DEPTH) dwarfError(`DIEs nested more than ${MAX_DIE_DEPTH} deep`, this.ref, at);
    }
    return c.pos;
  }
}
