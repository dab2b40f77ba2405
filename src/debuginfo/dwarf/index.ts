import { checkCount } from '../../base/bounds.ts';
import { readAbbrevTable, type AbbrevTable } from './abbrev.ts';
import { AT, TAG } from './constants.ts';
import { Cursor, dwarfError, type SectionRef } from './cursor.ts';
import { flag, readDie, secOffset, str } from './die.ts';
import { skipForm } from './forms.ts';
import { SECTION_NAMES, StringSection, type DwarfSections } from './sections.ts';
import { Unit, type Strings } from './unit-context.ts';
import { readUnitHeader } from './units.ts';

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
    // Each unit header takes at least 11 bytes: this bounds the loop before it starts.
    checkCount(Math.floor(info.length / 11), 11, info.length, { file: sections.file, object: SECTION_NAMES.info, field: 'units', offset: 0 });
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
    for (;;) {
      if (c.pos >= c.end) dwarfError(`top-level DIEs of the unit at ${u.header.offset} run past its end (no null entry)`, this.ref, c.pos);
      const at = c.pos;
      const code = c.uleb();
      if (code === 0) return;
      const ab = u.abbrevs.get(code);
      if (!ab) dwarfError(`DIE at ${at} uses abbrev code ${code}, which its unit's table does not have`, this.ref, at);
      const tag = ab.tag;
      if (tag === TAG.structure_type || tag === TAG.union_type || tag === TAG.typedef) {
        const d = readDie(u, at)!;
        this.record(d.tag, str(d, AT.name), flag(d, AT.declaration), at);
        c.pos = u.skipChildren(d);
      } else if (ab.children) {
        c.pos = u.skipChildren(readDie(u, at)!);
      } else if (ab.fixedSize >= 0) {
        c.skip(ab.fixedSize, 'DIE attributes');
      } else {
        for (let i = 0; i < ab.forms.length; i++) skipForm(c, ab.forms[i], u.header);
      }
    }
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
