import { readAbbrevTable, type Abbrev, type AbbrevTable } from './abbrev.ts';
import { AT, FORM, TAG } from './constants.ts';
import { Cursor, dwarfError, type SectionRef } from './cursor.ts';
import { flag, readDie, secOffset, str } from './die.ts';
import { skipForm, type FormContext } from './forms.ts';
import { SECTION_NAMES, StringSection, type DwarfSections } from './sections.ts';
import { Unit, type Strings } from './unit-context.ts';
import { readUnitHeader } from './units.ts';

// Module-local copies (a property read of an imported object per DIE is measurable at 10^7 DIEs).
const T_STRUCT = TAG.structure_type, T_UNION = TAG.union_type, T_TYPEDEF = TAG.typedef;
const A_SIBLING = AT.sibling, A_NAME = AT.name, A_DECL = AT.declaration;
const F_REF4 = FORM.ref4, F_STRP = FORM.strp, F_FLAG_PRESENT = FORM.flag_present;

/** Steps over the first `n` attribute values of a DIE: fixed-size ones by their size, the others by their form. */
function skipAttrs(c: Cursor, ab: Abbrev, n: number, h: FormContext): void {
  const sizes = ab.sizes;
  for (let i = 0; i < n; i++) {
    const sz = sizes[i];
    if (sz >= 0) c.skip(sz, 'attribute value');
    else skipForm(c, ab.forms[i], h);
  }
}

/** Where the definitions (and, failing those, the declarations) of one name are. */
interface NameEntry {
  struct?: number;
  union?: number;
  structDecl?: number;
  unionDecl?: number;
}

/**
 * The one pass over `.debug_info`: every unit's header, and for every struct, union and typedef
 * at a unit's top level, its name → DIE offset (the first definition in file order). Nothing else
 * is decoded: DIEs are stepped over by their abbrevs (in one step when all forms are fixed-size),
 * a function's body by its DW_AT_sibling. Types are then materialised only when asked for.
 */
export class DwarfIndex {
  readonly units: Unit[] = [];
  readonly names = new Map<string, NameEntry>();
  readonly typedefs = new Map<string, number>();
  /** Named struct/union definitions, first of each (kind, name), in file order. */
  readonly defined: { name: string; kind: 'struct' | 'union'; id: number }[] = [];
  readonly ref: SectionRef;

  constructor(readonly sections: DwarfSections) {
    this.ref = { file: sections.file, section: SECTION_NAMES.info };
    const strings: Strings = {
      str: new StringSection(sections.str, sections.file, SECTION_NAMES.str),
      lineStr: new StringSection(sections.lineStr, sections.file, SECTION_NAMES.lineStr),
      strOffsets: sections.strOffsets,
    };
    const info = sections.info;
    const c = new Cursor(info, sections.littleEndian, this.ref);
    const abbrevRef = { file: sections.file, section: SECTION_NAMES.abbrev };
    const tables = new Map<string, AbbrevTable>();
    let pos = 0;
    // Each unit is at least its 4-byte length plus a version (readUnitHeader refuses less), so the loop ends.
    while (pos < info.length) {
      const h = readUnitHeader(c, pos);
      const key = `${h.abbrevOffset}/${h.addrSize}/${h.offsetSize}/${h.version}`;
      let t = tables.get(key);
      if (!t) tables.set(key, (t = readAbbrevTable(sections.abbrev, h.abbrevOffset, h, abbrevRef)));
      const u = new Unit(h, t, strings, info, sections.littleEndian, this.ref);
      this.units.push(u);
      if (h.dieStart < h.end) this.indexUnit(u);
      pos = h.end;
    }
  }

  private indexUnit(u: Unit): void {
    const top = readDie(u, u.header.dieStart);
    if (!top) return;
    const base = secOffset(top, AT.str_offsets_base);
    if (base !== undefined) u.strOffsetsBase = base;
    if (!top.abbrev.children) return;
    const c = new Cursor(this.sections.info, u.le, this.ref, top.next, u.header.end);
    const bytes = this.sections.info;
    const h = u.header;
    for (;;) {
      if (c.pos >= c.end) dwarfError(`top-level DIEs of the unit at ${h.offset} run past its end (no null entry)`, this.ref, c.pos);
      const at = c.pos;
      const code = c.uleb();
      if (code === 0) return;
      const ab = u.abbrevs.get(code);
      if (!ab) dwarfError(`DIE at ${at} uses abbrev code ${code}, which its unit's table does not have`, this.ref, at);
      const tag = ab.tag;
      if (tag === T_STRUCT || tag === T_UNION || tag === T_TYPEDEF) {
        const fast = this.fastNameAndDecl(u, ab, c.pos);
        if (fast) this.record(tag, fast.name, fast.decl, at);
        else {
          const d = readDie(u, at)!;
          this.record(d.tag, str(d, AT.name), flag(d, AT.declaration), at);
        }
      }
      if (!ab.children) {
        if (ab.fixedSize >= 0) c.skip(ab.fixedSize, 'DIE attributes');
        else skipAttrs(c, ab, ab.forms.length, h);
        continue;
      }
      // A DIE with children (a function, a struct): jump to its DW_AT_sibling when the producer
      // wrote one at a fixed place, as gcc and clang do; otherwise decode it and walk the subtree.
      const si = ab.attrs.indexOf(A_SIBLING);
      if (si >= 0 && ab.forms[si] === F_REF4) {
        let p = ab.attrOffset[si];
        if (p >= 0) p += c.pos;
        else {
          // Forms of variable size before the sibling (gcc puts DW_AT_frame_base's exprloc there): step over them.
          const save = c.pos;
          skipAttrs(c, ab, si, h);
          p = c.pos;
          c.pos = save;
        }
        if (p + 4 > c.end) dwarfError(`DW_AT_sibling at ${p} runs past the end of its unit`, this.ref, p);
        const rel = u.le ? (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) + bytes[p + 3] * 0x1000000 : bytes[p] * 0x1000000 + ((bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]);
        const target = h.offset + rel;
        if (target <= at || target > h.end) dwarfError(`DW_AT_sibling of the DIE at ${at} points to ${target}, not forward inside its unit (a loop?)`, this.ref, p);
        c.pos = target;
      } else {
        c.pos = u.skipChildren(readDie(u, at)!);
      }
    }
  }

  /**
   * A struct/union/typedef DIE's name and declaration flag read straight from its bytes, when its
   * abbrev puts DW_AT_name (as strp, or line_strp) at a fixed place; undefined for the general path.
   */
  private fastNameAndDecl(u: Unit, ab: Abbrev, attrs: number): { name: string | undefined; decl: boolean } | undefined {
    const ni = ab.attrs.indexOf(A_NAME);
    const di = ab.attrs.indexOf(A_DECL);
    let decl = false;
    if (di >= 0) {
      if (ab.forms[di] === F_FLAG_PRESENT) decl = true;
      else return undefined;
    }
    if (ni < 0) return { name: undefined, decl };
    const off = ab.attrOffset[ni];
    if (off < 0 || ab.forms[ni] !== F_STRP) return undefined;
    const p = attrs + off;
    const b = this.sections.info;
    if (p + u.header.offsetSize > u.header.end) dwarfError(`DW_AT_name at ${p} runs past the end of its unit`, this.ref, p);
    let strp: number;
    if (u.header.offsetSize === 8) strp = u.cursor(p).u64n('strp');
    else strp = u.le ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000 : b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    return { name: u.strings.str.at(strp, this.ref, p), decl };
  }

  private record(tag: number, name: string | undefined, decl: boolean, at: number): void {
    if (!name) return;
    if (tag === TAG.typedef) {
      if (!this.typedefs.has(name)) this.typedefs.set(name, at);
      return;
    }
    const kind = tag === TAG.structure_type ? 'struct' : 'union';
    let e = this.names.get(name);
    if (!e) this.names.set(name, (e = {}));
    if (decl) {
      if (kind === 'struct') e.structDecl ??= at;
      else e.unionDecl ??= at;
    } else if (e[kind] === undefined) {
      e[kind] = at;
      this.defined.push({ name, kind, id: at });
    }
  }

  /** The unit holding a section offset (binary search over the unit list). */
  unitAt(offset: number): Unit {
    const us = this.units;
    let lo = 0, hi = us.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const h = us[mid].header;
      if (offset < h.offset) hi = mid - 1;
      else if (offset >= h.end) lo = mid + 1;
      else return us[mid];
    }
    return dwarfError(`offset ${offset} is in no unit of .debug_info`, this.ref, offset);
  }

  find(name: string, kind?: 'struct' | 'union'): number | undefined {
    const e = this.names.get(name);
    if (!e) return undefined;
    if (kind === 'struct') return e.struct ?? e.structDecl;
    if (kind === 'union') return e.union ?? e.unionDecl;
    return e.struct ?? e.union ?? e.structDecl ?? e.unionDecl;
  }
}
