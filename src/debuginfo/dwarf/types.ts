import type { CType, Member, TypeGraph, TypeId, TypeSource } from '../model.ts';
import { ATE, AT, FORM, TAG } from './constants.ts';
import { dwarfError } from './cursor.ts';
import { childOffsets, constBig, constNum, flag, formOf, has, memberLocation, readDie, ref, str, type Die } from './die.ts';
import { DwarfIndex } from './index.ts';
import type { DwarfSections } from './sections.ts';

/** The id of `void` (a DIE with no DW_AT_type means void); DIE offsets are never negative. */
export const VOID_ID = -1;

/** Members, enumerators or dimensions per DIE above this are corrupt input, not C. */
const MAX_CHILDREN = 1 << 20;

/**
 * DWARF DIEs as the one type model (model.ts). A type's id is its DIE's offset in `.debug_info`;
 * the inner dimensions of a multi-dimensional array (one DIE, several DW_TAG_subrange_type
 * children) get negative ids of their own. Types are decoded on first use and cached.
 */
export class DwarfTypeGraph implements TypeGraph {
  readonly source: TypeSource;
  readonly pointerSize: 4 | 8;
  readonly littleEndian: boolean;
  private readonly cache = new Map<TypeId, CType>();
  private nextSynthetic = -2;

  constructor(readonly index: DwarfIndex, pointerSize?: 4 | 8) {
    const s = index.sections;
    const versions = [...new Set(index.units.map((u) => u.header.version))].sort();
    const sizes = [...new Set(index.units.map((u) => u.header.offsetSize * 8))].sort();
    this.source = { format: 'dwarf', file: s.file, detail: `.debug_info (DWARF ${versions.join('/')}, ${sizes.join('/')}-bit, ${index.units.length} unit${index.units.length === 1 ? '' : 's'})` };
    const addr = index.units[0]?.header.addrSize;
    this.pointerSize = pointerSize ?? (addr === 4 ? 4 : 8);
    this.littleEndian = s.littleEndian;
    this.cache.set(VOID_ID, { kind: 'void' });
  }

  static fromSections(sections: DwarfSections, pointerSize?: 4 | 8): DwarfTypeGraph {
    return new DwarfTypeGraph(new DwarfIndex(sections), pointerSize);
  }

  findStruct(name: string, kind?: 'struct' | 'union'): TypeId | undefined {
    return this.index.find(name, kind);
  }
  findTypedef(name: string): TypeId | undefined {
    return this.index.typedefs.get(name);
  }
  structNames(): Iterable<{ name: string; kind: 'struct' | 'union'; id: TypeId }> {
    return this.index.defined;
  }

  type(id: TypeId): CType {
    const hit = this.cache.get(id);
    if (hit) return hit;
    if (id < 0) dwarfError(`no type ${id}`, this.index.ref, 0);
    const d = readDie(this.index.unitAt(id), id);
    if (!d) dwarfError(`type reference to ${id}, a null entry`, this.index.ref, id);
    const t = this.decode(d);
    this.cache.set(id, t);
    return t;
  }

  private target(d: Die): TypeId {
    return ref(d, AT.type) ?? VOID_ID;
  }

  private decode(d: Die): CType {
    const name = str(d, AT.name) ?? '';
    switch (d.tag) {
      case TAG.base_type: return this.baseType(d, name);
      case TAG.pointer_type: case TAG.reference_type: case TAG.rvalue_reference_type:
        return { kind: 'pointer', name: '', target: this.target(d) };
      case TAG.typedef: return { kind: 'typedef', name, target: this.target(d) };
      case TAG.const_type: return { kind: 'const', name: '', target: this.target(d) };
      case TAG.volatile_type: return { kind: 'volatile', name: '', target: this.target(d) };
      case TAG.restrict_type: return { kind: 'restrict', name: '', target: this.target(d) };
      case TAG.structure_type: case TAG.union_type: {
        const kind = d.tag === TAG.structure_type ? 'struct' : 'union';
        if (flag(d, AT.declaration)) return { kind: 'forward', name, of: kind };
        return { kind, name, size: this.byteSize(d), members: this.members(d) };
      }
      case TAG.enumeration_type: {
        if (flag(d, AT.declaration)) return { kind: 'forward', name, of: 'enum' };
        const values = this.children(d).filter((c) => c.tag === TAG.enumerator).map((c) => ({ name: str(c, AT.name) ?? '', value: Number(constBig(c, AT.const_value) ?? 0n) }));
        return { kind: 'enum', name, size: this.byteSize(d), values };
      }
      case TAG.array_type: return this.arrayType(d);
      case TAG.subroutine_type: {
        const kids = this.children(d);
        return { kind: 'function', ret: this.target(d), args: kids.filter((c) => c.tag === TAG.formal_parameter).map((c) => this.target(c)), variadic: kids.some((c) => c.tag === TAG.unspecified_parameters) };
      }
      default:
        return dwarfError(`DIE at ${d.offset} (tag 0x${d.tag.toString(16)}) is not a type kvmkit models`, this.index.ref, d.offset);
    }
  }

  private byteSize(d: Die): number {
    const n = constNum(d, AT.byte_size);
    if (n === undefined) dwarfError(`the type at ${d.offset} has no DW_AT_byte_size`, this.index.ref, d.offset);
    return n;
  }

  private children(d: Die): Die[] {
    const offs = childOffsets(d);
    if (offs.length > MAX_CHILDREN) dwarfError(`DIE at ${d.offset} has ${offs.length} children (more than ${MAX_CHILDREN})`, this.index.ref, d.offset);
    return offs.map((o) => readDie(d.unit, o)!);
  }

  private baseType(d: Die, name: string): CType {
    const size = this.byteSize(d);
    const enc = constNum(d, AT.encoding) ?? 0;
    if (enc === ATE.float || enc === ATE.complex_float || enc === ATE.imaginary_float) return { kind: 'float', name, size };
    const signed = enc === ATE.signed || enc === ATE.signed_char;
    const char = enc === ATE.signed_char || enc === ATE.unsigned_char;
    return { kind: 'int', name, size, signed, char, bool: enc === ATE.boolean, bits: constNum(d, AT.bit_size) ?? size * 8, bitOffset: 0 };
  }

  private members(d: Die): Member[] {
    const out: Member[] = [];
    for (const m of this.children(d)) {
      // C++ static members are DW_TAG_member with DW_AT_declaration (DWARF 4) or DW_TAG_variable (5): not in the object.
      if (m.tag !== TAG.member || flag(m, AT.declaration) || flag(m, AT.external)) continue;
      out.push(this.member(m));
    }
    return out;
  }

  private member(m: Die): Member {
    const name = str(m, AT.name) ?? '';
    const type = this.target(m);
    const bitSize = constNum(m, AT.bit_size);
    if (bitSize === undefined) return { name, type, bitOffset: memberLocation(m) * 8 };
    return { name, type, bitOffset: this.bitFieldStart(m, type, bitSize), bitSize };
  }

  /**
   * A bit-field's first bit from the start of the struct, in either encoding:
   * - DW_AT_data_bit_offset (DWARF 4 and later): that number;
   * - DW_AT_bit_offset + DW_AT_byte_size (DWARF 2/3; clang 14 still writes it with -gdwarf-5): the
   *   storage unit of `byte_size` bytes at DW_AT_data_member_location, and the distance from that
   *   unit's most significant bit to the field's most significant bit. On a little-endian target
   *   the first bit is then location·8 + byte_size·8 − bit_offset − bit_size; big-endian,
   *   location·8 + bit_offset. A field straddling the unit's end has a negative bit_offset
   *   (written as an unsigned 64-bit value; constBig reads it back as negative).
   */
  private bitFieldStart(m: Die, type: TypeId, bitSize: number): number {
    if (has(m, AT.data_bit_offset)) return constNum(m, AT.data_bit_offset)!;
    const loc = memberLocation(m);
    if (!has(m, AT.bit_offset)) return loc * 8;
    const bitOffset = Number(constBig(m, AT.bit_offset)!);
    const storage = constNum(m, AT.byte_size) ?? this.sizeOf(type, m);
    const start = this.littleEndian ? loc * 8 + storage * 8 - bitOffset - bitSize : loc * 8 + bitOffset;
    if (start < 0) dwarfError(`bit-field ${str(m, AT.name) ?? ''} of the DIE at ${m.offset} starts at bit ${start}, before its struct`, this.index.ref, m.offset);
    return start;
  }

  /** The byte size of a bit-field's declared type (typedefs and qualifiers followed). */
  private sizeOf(id: TypeId, where: Die): number {
    for (let i = 0; i < 64; i++) {
      const t = this.type(id);
      if (t.kind === 'int' || t.kind === 'enum') return t.size;
      if (t.kind === 'typedef' || t.kind === 'const' || t.kind === 'volatile') { id = t.target; continue; }
      break;
    }
    return dwarfError(`bit-field of the DIE at ${where.offset} has no DW_AT_byte_size and a type without a size`, this.index.ref, where.offset);
  }

  private arrayType(d: Die): CType {
    const dims = this.children(d).filter((c) => c.tag === TAG.subrange_type).map((c) => this.dimension(c));
    if (dims.length === 0) dims.push(0);
    // Innermost first: array(d0, array(d1, … element)).
    let element = this.target(d);
    for (let i = dims.length - 1; i >= 1; i--) {
      const id = this.nextSynthetic--;
      this.cache.set(id, { kind: 'array', element, count: dims[i] });
      element = id;
    }
    return { kind: 'array', element, count: dims[0] };
  }

  /** Elements of one dimension: DW_AT_count, or upper − lower + 1; no bound (a flexible array) is 0. */
  private dimension(s: Die): number {
    if (has(s, AT.count)) return constNum(s, AT.count)!;
    if (!has(s, AT.upper_bound)) return 0;
    const f = formOf(s, AT.upper_bound)!;
    if (f !== FORM.sdata && f !== FORM.data1 && f !== FORM.data2 && f !== FORM.data4 && f !== FORM.data8 && f !== FORM.udata && f !== FORM.implicit_const) {
      // A bound computed at run time (a VLA's DW_FORM_exprloc or a reference to a variable).
      return 0;
    }
    const upper = constBig(s, AT.upper_bound)!;
    const lower = constBig(s, AT.lower_bound) ?? 0n;
    // gcc writes `[0]` / `[]` as an upper bound of −1 (all ones in a data form).
    const allOnes = f === FORM.data1 ? 0xffn : f === FORM.data2 ? 0xffffn : f === FORM.data4 ? 0xffffffffn : -1n;
    if (upper === allOnes || upper === -1n) return 0;
    const n = upper - lower + 1n;
    if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) dwarfError(`array dimension ${n} of the DIE at ${s.offset}`, this.index.ref, s.offset);
    return Number(n);
  }
}
