import { checkRange } from '../../base/bounds.ts';
import { followChain } from '../../base/chain.ts';
import { KvmkitError } from '../../base/errors.ts';
import { MAX_CHAIN } from '../layout.ts';
import type { CType, Member, StructType, TypeGraph, TypeId, TypeSource } from '../model.ts';
import { nameHashOf, type CtfContainer, type CtfLabel } from './container.ts';
import {
  CTF_ENCODING_SIZE, CTF_ENUM_SIZE, CTF_INT_BOOL, CTF_INT_CHAR, CTF_INT_SIGNED, CTF_K, functionArgBytes,
  splitEncoding, splitInfo,
} from './format.ts';

/**
 * The type section of a CTF container as a `TypeGraph`. One pass at open finds where each type
 * record starts (records vary in length by kind, so there is no other way in); a type is decoded
 * when asked for and kept. Type ids are CTF's own: the n-th record (from 1) is id n in a parent
 * container and n | child bit in a child (CTF_V*_INDEX_TO_TYPE); id 0 is void. A child's ids
 * without the child bit are its parent's, and are looked up there.
 */

interface RecordHead {
  kind: number;
  root: boolean;
  vlen: number;
  name: number;
  /** ctt_size or ctt_type (the same field). */
  sizeOrType: number;
  /** The long form's 64-bit size, when ctt_size is the sentinel. */
  size: number;
  /** Bytes of the record before its variable part (the stype or the long form). */
  headBytes: number;
}

export class CtfGraph implements TypeGraph {
  readonly source: TypeSource;
  readonly littleEndian: boolean;
  /** Data offset of the record of type index i (index 0 unused). */
  private readonly starts: Uint32Array;
  /** CTF kind of type index i, kept from the index pass (name lookups scan it). */
  private readonly kinds: Uint8Array;
  private readonly cache = new Map<number, CType>();
  private hashIndex?: { head: Map<number, number>; next: Uint32Array };

  constructor(
    readonly ctf: CtfContainer,
    readonly pointerSize: 4 | 8,
    file: string,
    /** The parent container's graph, for a child's references to parent type ids. */
    readonly parent?: TypeGraph,
  ) {
    this.littleEndian = ctf.littleEndian;
    const h = ctf.header;
    this.source = { format: 'ctf', file, detail: `${ctf.origin.section} (CTF v${h.version}${h.compressed ? ', zlib' : ''}${ctf.isChild ? `, child of ${ctf.parentName()}` : ''})` };
    if (parent && parent.pointerSize !== pointerSize) throw new KvmkitError(`the parent types have ${parent.pointerSize}-byte pointers, these ${pointerSize}`, ctf.dataAt(0, 'cth_parname'));
    [this.starts, this.kinds] = this.index();
  }

  /** Number of types in this container (not counting the parent's). */
  get count(): number { return this.starts.length - 1; }

  labels(): CtfLabel[] { return this.ctf.labels(); }

  /** The id of the n-th type of this container (from 1). */
  idOf(index: number): TypeId {
    return this.ctf.isChild ? (index | this.ctf.geometry.childBit) >>> 0 : index;
  }

  private index(): [Uint32Array, Uint8Array] {
    const { header: h, geometry: g } = this.ctf;
    // Every record is at least an stype, which bounds the count before anything is allocated.
    const max = Math.floor((h.stroff - h.typeoff) / g.stypeSize);
    const starts = new Uint32Array(max + 1);
    const kinds = new Uint8Array(max + 1);
    let n = 0;
    for (let p = h.typeoff; p < h.stroff;) {
      if (n >= max || n + 1 > (g.maxType & ~g.childBit)) throw new KvmkitError(`more types than CTF v${g.version} ids can number`, this.ctf.dataAt(p, 'type'));
      starts[++n] = p;
      const r = this.head(p, n);
      kinds[n] = r.kind;
      const bytes = r.headBytes + this.varBytes(r, p, n);
      // The Origin is built only when the check fails: this loop runs once per type of a kernel.
      if (bytes > h.stroff - p) checkRange(p, bytes, h.stroff, this.ctf.dataAt(p, `type ${n} (kind ${r.kind}, ${r.vlen} entries)`));
      p += bytes;
    }
    return [starts.subarray(0, n + 1), kinds.subarray(0, n + 1)];
  }

  private head(p: number, index: number): RecordHead {
    const c = this.ctf, g = c.geometry;
    const limit = c.header.stroff;
    if (g.stypeSize > limit - p) checkRange(p, g.stypeSize, limit, c.dataAt(p, `type ${index} record`));
    const info = g.version === 2 ? c.u16(p + 4) : c.u32(p + 4);
    const sizeOrType = g.version === 2 ? c.u16(p + 6) : c.u32(p + 8);
    const { kind, root, vlen } = splitInfo(g, info);
    let size = sizeOrType, headBytes = g.stypeSize;
    if (sizeOrType === g.lsizeSent) {
      if (g.typeSize > limit - p) checkRange(p, g.typeSize, limit, c.dataAt(p, `type ${index} long record`));
      const hi = c.u32(p + g.stypeSize), lo = c.u32(p + g.stypeSize + 4);
      size = hi * 2 ** 32 + lo;
      if (!Number.isSafeInteger(size)) throw new KvmkitError(`type ${index} claims a size of ${hi}:${lo} (hi:lo)`, c.dataAt(p, 'ctt_lsizehi'));
      headBytes = g.typeSize;
    }
    return { kind, root, vlen, name: c.u32(p), sizeOrType, size, headBytes };
  }

  /** Bytes after the record head, by kind (init_types' vbytes). */
  private varBytes(r: RecordHead, p: number, index: number): number {
    const g = this.ctf.geometry;
    switch (r.kind) {
      case CTF_K.INTEGER: case CTF_K.FLOAT: return CTF_ENCODING_SIZE;
      case CTF_K.ARRAY: return g.arraySize;
      case CTF_K.FUNCTION: return functionArgBytes(g, r.vlen);
      case CTF_K.STRUCT: case CTF_K.UNION: return r.vlen * (r.size >= g.lstructThresh ? g.lmemberSize : g.memberSize);
      case CTF_K.ENUM: return r.vlen * CTF_ENUM_SIZE;
      case CTF_K.UNKNOWN: case CTF_K.FORWARD: case CTF_K.POINTER: case CTF_K.TYPEDEF:
      case CTF_K.VOLATILE: case CTF_K.CONST: case CTF_K.RESTRICT: return 0;
      default: throw new KvmkitError(`type ${index} has kind ${r.kind}, which CTF does not define`, this.ctf.dataAt(p, 'ctt_info'));
    }
  }

  /** This container's index for an id, or undefined when the id is the parent's. */
  private ownIndex(id: TypeId): number | undefined {
    const child = this.ctf.isChild;
    const bit = this.ctf.geometry.childBit;
    const isChildId = id >= bit;
    if (child !== isChildId) return undefined;
    return child ? id - bit : id;
  }

  type(id: TypeId): CType {
    if (id === 0) return { kind: 'void' };
    const hit = this.cache.get(id);
    if (hit) return hit;
    const index = this.ownIndex(id);
    if (index === undefined) {
      if (this.parent) return this.parent.type(id);
      const why = this.ctf.isChild ? `a type of the parent container ${this.ctf.parentName()}, which was not loaded` : 'a child container\'s id, in a parent container';
      throw new KvmkitError(`type id ${id} is ${why}`, { file: this.source.file, object: this.ctf.origin.section, field: 'type id' });
    }
    if (index < 1 || index >= this.starts.length) {
      throw new KvmkitError(`type id ${id} is out of range (the container has ${this.count} types)`, { file: this.source.file, object: this.ctf.origin.section, field: 'type id' });
    }
    const t = this.decode(index);
    this.cache.set(id, t);
    return t;
  }

  /**
   * A type id read from a record: refused where it was read when it is one of this container's
   * and out of range (a parent's id is checked when the parent resolves it).
   */
  private ref(id: number, at: number, field: string): TypeId {
    const index = this.ownIndex(id);
    if (id !== 0 && index !== undefined && index >= this.starts.length) {
      throw new KvmkitError(`type id ${id} is out of range (the container has ${this.count} types)`, this.ctf.dataAt(at, field));
    }
    return id;
  }

  private decode(index: number): CType {
    const c = this.ctf, g = c.geometry;
    const p = this.starts[index];
    const r = this.head(p, index);
    const name = () => c.name(r.name, p, `type ${index} ctt_name`);
    const v = p + r.headBytes;
    const target = () => this.ref(r.sizeOrType, p, `type ${index} ctt_type`);
    switch (r.kind) {
      case CTF_K.UNKNOWN: return { kind: 'void' };
      case CTF_K.INTEGER: {
        const e = splitEncoding(c.u32(v));
        // The intrinsic `void` as an integer of no size and no bits: how ctfconvert writes it is
        // unverified here (its source was not read); kvmkit's writer writes it so.
        if (r.size === 0 && e.bits === 0) return { kind: 'void' };
        return { kind: 'int', name: name(), size: r.size, signed: (e.encoding & CTF_INT_SIGNED) !== 0, char: (e.encoding & CTF_INT_CHAR) !== 0, bool: (e.encoding & CTF_INT_BOOL) !== 0, bits: e.bits, bitOffset: e.offset };
      }
      case CTF_K.FLOAT: return { kind: 'float', name: name(), size: r.size };
      case CTF_K.POINTER: return { kind: 'pointer', name: name(), target: target() };
      case CTF_K.TYPEDEF: return { kind: 'typedef', name: name(), target: target() };
      case CTF_K.VOLATILE: return { kind: 'volatile', name: '', target: target() };
      case CTF_K.CONST: return { kind: 'const', name: '', target: target() };
      case CTF_K.RESTRICT: return { kind: 'restrict', name: '', target: target() };
      case CTF_K.ARRAY:
        return g.version === 2
          ? { kind: 'array', element: this.ref(c.u16(v), v, `type ${index} cta_contents`), count: c.u32(v + 4) }
          : { kind: 'array', element: this.ref(c.u32(v), v, `type ${index} cta_contents`), count: c.u32(v + 8) };
      case CTF_K.FUNCTION: {
        const args: TypeId[] = [];
        for (let i = 0; i < r.vlen; i++) args.push(this.ref(g.idWidth === 2 ? c.u16(v + 2 * i) : c.u32(v + 4 * i), v, `type ${index} argument ${i}`));
        // A trailing 0 argument marks a variadic function: libctf's convention (ctf_lookup.c
        // ctf_func_info), unverified here — that file was not read; only `variadic` depends on it.
        const variadic = args.length > 0 && args[args.length - 1] === 0;
        if (variadic) args.pop();
        return { kind: 'function', ret: target(), args, variadic };
      }
      case CTF_K.STRUCT: case CTF_K.UNION: return this.decodeStruct(r, index, p, v);
      case CTF_K.ENUM: {
        const values: { name: string; value: number }[] = [];
        for (let i = 0; i < r.vlen; i++) {
          const q = v + i * CTF_ENUM_SIZE;
          values.push({ name: c.name(c.u32(q), q, `type ${index} cte_name`), value: c.i32(q + 4) });
        }
        return { kind: 'enum', name: name(), size: r.size, values };
      }
      case CTF_K.FORWARD: {
        // ctt_type holds the tag's kind; an unknown one is a struct (init_types does the same).
        const of = r.sizeOrType === CTF_K.UNION ? 'union' : r.sizeOrType === CTF_K.ENUM ? 'enum' : 'struct';
        return { kind: 'forward', name: name(), of };
      }
      default: throw new KvmkitError(`type ${index} has kind ${r.kind}`, c.dataAt(p, 'ctt_info'));
    }
  }

  private decodeStruct(r: RecordHead, index: number, p: number, v: number): StructType {
    const c = this.ctf, g = c.geometry;
    const large = r.size >= g.lstructThresh;
    const members: Member[] = [];
    for (let i = 0; i < r.vlen; i++) {
      const q = v + i * (large ? g.lmemberSize : g.memberSize);
      const name = c.name(c.u32(q), q, `type ${index} member ${i} name`);
      let type: number, bitOffset: number;
      if (g.version === 2) {
        type = c.u16(q + 4);
        bitOffset = large ? c.u32(q + 8) * 2 ** 32 + c.u32(q + 12) : c.u16(q + 6);
      } else {
        type = c.u32(q + 4);
        bitOffset = large ? c.u32(q + 8) * 2 ** 32 + c.u32(q + 12) : c.u32(q + 8);
      }
      if (!Number.isSafeInteger(bitOffset)) throw new KvmkitError(`member ${name} has an absurd offset`, c.dataAt(q, 'ctlm_offsethi'));
      members.push(this.member(name, this.ref(type, q, `type ${index} member ${name || i} ctm_type`), bitOffset, q));
    }
    return { kind: r.kind === CTF_K.UNION ? 'union' : 'struct', name: c.name(r.name, p, `type ${index} ctt_name`), size: r.size, members };
  }

  /**
   * CTF has no bit-field flag on a member: a bit-field's type is an integer whose encoding is
   * narrower than its size (ctf_open.c init_types: integer names are "re-used with different
   * encodings for bit-fields"), and the encoding's offset says where in its bytes the value starts.
   * A byte-aligned `_Bool` is left alone: whether ctfconvert writes it one bit wide is unverified,
   * and either way it is a whole byte.
   */
  private member(name: string, type: TypeId, bitOffset: number, q: number): Member {
    const base = this.resolveRefs(type, q);
    // Only an integer is decoded here: decoding a struct member's struct would recurse (and loop
    // on a corrupt struct that contains itself).
    const t = base !== 0 && this.isInteger(base) ? this.type(base) : undefined;
    if (t?.kind === 'int' && t.bits !== t.size * 8 && !(t.bool && bitOffset % 8 === 0 && t.bitOffset === 0)) {
      return { name, type, bitOffset: bitOffset + t.bitOffset, bitSize: t.bits };
    }
    return { name, type, bitOffset };
  }

  private isInteger(id: TypeId): boolean {
    const index = this.ownIndex(id);
    if (index === undefined || index < 1 || index >= this.starts.length) return this.cache.get(id)?.kind === 'int' || (index === undefined && this.parent?.type(id).kind === 'int');
    return this.head(this.starts[index], index).kind === CTF_K.INTEGER;
  }

  /** Follows typedefs and qualifiers to the type they name; a cycle is an error where it closes. */
  private resolveRefs(id: TypeId, q: number): TypeId {
    const chain = followChain<TypeId>(id, (k) => {
      const t = this.type(k);
      return t.kind === 'typedef' || t.kind === 'volatile' || t.kind === 'const' || t.kind === 'restrict' ? t.target : undefined;
    }, { what: `typedef/qualifier chain from type ${id}`, limit: MAX_CHAIN, context: this.ctf.dataAt(q, 'ctm_type') });
    return chain[chain.length - 1];
  }

  /**
   * Struct and union ids by a hash of their name's bytes: a kernel has tens of thousands of types
   * and the walker asks for a handful, so names are not decoded into strings to find them.
   */
  private byHash(): { head: Map<number, number>; next: Uint32Array } {
    if (this.hashIndex) return this.hashIndex;
    // A chained hash: head maps a hash to its latest index, next[i] to the one before (0 ends it).
    const head = new Map<number, number>();
    const next = new Uint32Array(this.starts.length);
    for (let i = this.starts.length - 1; i >= 1; i--) {
      const kind = this.kinds[i];
      if (kind !== CTF_K.STRUCT && kind !== CTF_K.UNION) continue;
      const h = this.ctf.nameHash(this.ctf.u32(this.starts[i]));
      next[i] = head.get(h) ?? 0;
      head.set(h, i);
    }
    return (this.hashIndex = { head, next });
  }

  findStruct(name: string, kind?: 'struct' | 'union'): TypeId | undefined {
    if (!name) return undefined;
    const want = kind === 'union' ? CTF_K.UNION : CTF_K.STRUCT;
    let own: number | undefined, other: number | undefined;
    const { head, next } = this.byHash();
    // Built from the end, so the chain runs in file order: the first definition wins.
    for (let i = head.get(nameHashOf(name)) ?? 0; i !== 0; i = next[i]) {
      const p = this.starts[i];
      if (this.ctf.name(this.ctf.u32(p), p, `type ${i} ctt_name`) !== name) continue;
      if (this.kinds[i] === want) { own ??= i; break; }
      other ??= i;
    }
    const index = own ?? (kind ? undefined : other);
    return index !== undefined ? this.idOf(index) : this.parent?.findStruct(name, kind);
  }

  *structNames(): Iterable<{ name: string; kind: 'struct' | 'union'; id: TypeId }> {
    if (this.parent) yield* this.parent.structNames();
    const seen = new Set<string>();
    for (let i = 1; i < this.starts.length; i++) {
      const kind = this.kinds[i];
      if (kind !== CTF_K.STRUCT && kind !== CTF_K.UNION) continue;
      const p = this.starts[i];
      const name = this.ctf.name(this.ctf.u32(p), p, `type ${i} ctt_name`, false);
      const k = kind === CTF_K.STRUCT ? 'struct' : 'union';
      // The first definition of a name is the one findStruct gives.
      if (!name || seen.has(`${k} ${name}`)) continue;
      seen.add(`${k} ${name}`);
      yield { name, kind: k, id: this.idOf(i) };
    }
  }

  findTypedef(name: string): TypeId | undefined {
    for (let i = 1; i < this.starts.length; i++) {
      const p = this.starts[i];
      if (this.kinds[i] === CTF_K.TYPEDEF && this.ctf.name(this.ctf.u32(p), p, `type ${i} ctt_name`, false) === name) return this.idOf(i);
    }
    return this.parent?.findTypedef?.(name);
  }
}
