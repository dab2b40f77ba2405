import { node } from '../../base/platform.ts';
import { KvmkitError } from '../../base/errors.ts';
import { archDef, type ArchDef } from '../../layout/defs.ts';
import type { KernelLayouts } from '../../layout/kernel.ts';
import { PRIMS, type FieldLayout, type StructLayout, type TypeLayout } from '../../layout/engine.ts';
import {
  CTF_ENCODING_SIZE, CTF_F_COMPRESS, CTF_HEADER_SIZE, CTF_INT_CHAR, CTF_INT_SIGNED, CTF_K, CTF_LABEL_SIZE, CTF_MAGIC,
  GEOMETRY, HDR, joinEncoding, joinInfo, type CtfGeometry,
} from './format.ts';

/**
 * A CTF writer: struct layouts (of layouts/ or of a TypeGraph) as a `.SUNW_ctf` container, so that
 * the kernel ELF `image build` writes carries its types as a GENERIC kernel does. It writes the
 * subset of CTF a C struct's layout needs — integers, pointers, arrays, typedefs, structs and
 * unions (small and large member records), forwards — in version 3 (FreeBSD 14+) or 2, either
 * byte order, optionally compressed.
 *
 * What a layout does not say is not invented: a pointer's target is the struct it names when that
 * struct is written too, else a forward declaration (or the named typedef of void); an integer
 * behind a typedef gets the C name of its size and signedness (`int`, `unsigned long long`).
 */

export interface CtfWriteOptions {
  version?: 2 | 3;
  littleEndian: boolean;
  compress?: boolean;
  /** A label covering every type (ctfmerge -L writes one, e.g. the kernel's version). */
  label?: string;
}

type Rec =
  | { kind: 'int'; name: string; size: number; encoding: number; bits: number; offset: number }
  | { kind: 'ref'; ctf: number; name: string; target: number }
  | { kind: 'array'; element: number; index: number; count: number }
  | { kind: 'forward'; name: string; of: number }
  | { kind: 'struct'; union: boolean; name: string; size: number; members: { name: string; type: number; bitOffset: number }[] };

class Types {
  readonly recs: Rec[] = [];
  private readonly keys = new Map<string, number>();
  readonly structIds = new Map<string, number>();
  constructor(private readonly structs: Map<string, StructLayout>, private readonly arch: ArchDef) {}

  /** A C integer type by name, at the arch's size (a pointer's target, an array's index). */
  private prim(name: string): number {
    const base = name.replace(/^(unsigned|signed) /, '');
    const isChar = base === 'char';
    const size = isChar ? 1 : this.arch.types[base][0];
    return this.int(name, size, name === 'char' ? this.arch.charSigned : !name.startsWith('unsigned'), isChar);
  }

  /** A type id (from 1: id 0 is CTF's void/unknown). */
  private add(key: string | undefined, r: Rec): number {
    if (key !== undefined) {
      const hit = this.keys.get(key);
      if (hit !== undefined) return hit;
    }
    this.recs.push(r);
    const id = this.recs.length;
    if (key !== undefined) this.keys.set(key, id);
    return id;
  }

  int(name: string, size: number, signed: boolean, char: boolean, bits = size * 8): number {
    const encoding = (signed ? CTF_INT_SIGNED : 0) | (char ? CTF_INT_CHAR : 0);
    return this.add(`int:${name}:${size}:${encoding}:${bits}`, { kind: 'int', name, size, encoding, bits, offset: 0 });
  }
  void(): number { return this.add('void', { kind: 'int', name: 'void', size: 0, encoding: 0, bits: 0, offset: 0 }); }
  ref(ctf: number, name: string, target: number): number { return this.add(`ref:${ctf}:${name}:${target}`, { kind: 'ref', ctf, name, target }); }
  array(element: number, count: number): number {
    const index = this.prim('long');
    return this.add(`array:${element}:${count}`, { kind: 'array', element, index, count });
  }
  forward(name: string, union: boolean): number {
    return this.add(`fwd:${union}:${name}`, { kind: 'forward', name, of: union ? CTF_K.UNION : CTF_K.STRUCT });
  }

  struct(l: StructLayout): number {
    const hit = this.structIds.get(l.struct);
    if (hit !== undefined) return hit;
    const r: Rec = { kind: 'struct', union: l.isUnion === true, name: l.struct, size: l.size, members: [] };
    const id = this.add(undefined, r);
    // Registered before its members so a member pointing back at the struct finds it.
    this.structIds.set(l.struct, id);
    for (const f of l.fields) r.members.push({ name: f.name, type: this.fieldType(f), bitOffset: f.bitField ? f.bitField.bitOffset : f.offset * 8 });
    return id;
  }

  private fieldType(f: FieldLayout): number {
    let t = f.bitField ? this.bitField(f.type, f.bitField.bitSize) : this.element(f);
    const dims = f.dims ?? (f.count !== undefined ? [f.count] : []);
    for (let i = dims.length - 1; i >= 0; i--) t = this.array(t, dims[i]);
    return t;
  }

  private bitField(t: TypeLayout, bits: number): number {
    if (t.kind !== 'int') throw new KvmkitError(`a bit-field of type ${t.cname} cannot be written as CTF`, { object: t.cname });
    return this.int(this.intName(t), t.size, t.signed, t.isChar, bits);
  }

  private intName(t: TypeLayout): string {
    if (PRIMS.includes(t.cname)) return t.cname;
    if (t.isChar) return t.isPlainChar ? 'char' : t.signed ? 'signed char' : 'unsigned char';
    const base = { 1: 'char', 2: 'short', 4: 'int', 8: 'long long' }[t.size];
    if (!base) throw new KvmkitError(`no C integer type has ${t.size} bytes (${t.cname})`, { object: t.cname });
    return `${t.signed ? '' : 'unsigned '}${base}`;
  }

  private element(f: FieldLayout): number {
    const t = f.type;
    switch (t.kind) {
      case 'int': {
        const base = this.int(this.intName(t), t.size, t.signed, t.isChar);
        return PRIMS.includes(t.cname) ? base : this.ref(CTF_K.TYPEDEF, t.cname, base);
      }
      case 'struct': {
        if (!t.struct) throw new KvmkitError(`member ${f.name} has no struct layout`, { field: f.name });
        const id = this.struct(t.struct);
        return /^(struct|union) /.test(t.cname) ? id : this.ref(CTF_K.TYPEDEF, t.cname, id);
      }
      case 'pointer': {
        const stars = Math.max(1, (f.decl.text.match(/\*/g) ?? []).length);
        let id = this.pointee(f.decl.type);
        for (let i = 0; i < stars; i++) id = this.ref(CTF_K.POINTER, '', id);
        return id;
      }
    }
  }

  private pointee(name: string): number {
    const m = /^(struct|union) (.+)$/.exec(name);
    if (m) {
      const known = this.structs.get(m[2]);
      return known ? this.struct(known) : this.forward(m[2], m[1] === 'union');
    }
    if (name === 'void') return this.void();
    if (PRIMS.includes(name)) return this.prim(name);
    return this.ref(CTF_K.TYPEDEF, name, this.void());
  }
}

class Strings {
  private readonly bytes: number[] = [0];
  private readonly at = new Map<string, number>([['', 0]]);
  ref(s: string): number {
    let o = this.at.get(s);
    if (o === undefined) {
      o = this.bytes.length;
      for (const c of Buffer.from(s, 'latin1')) this.bytes.push(c);
      this.bytes.push(0);
      this.at.set(s, o);
    }
    return o;
  }
  get data(): Uint8Array { return Uint8Array.from(this.bytes); }
}

/** The bytes of one CTF record, by kind. */
function recordSize(g: CtfGeometry, r: Rec): number {
  switch (r.kind) {
    case 'int': return g.stypeSize + CTF_ENCODING_SIZE;
    case 'ref': case 'forward': return g.stypeSize;
    case 'array': return g.stypeSize + g.arraySize;
    case 'struct': return (r.size > g.maxSize ? g.typeSize : g.stypeSize) + r.members.length * (r.size >= g.lstructThresh ? g.lmemberSize : g.memberSize);
  }
}

/** Struct layouts (and every struct they contain) as CTF bytes. */
export function buildCtf(layouts: readonly StructLayout[], o: CtfWriteOptions): Uint8Array {
  const g = GEOMETRY[o.version ?? 3];
  const le = o.littleEndian;
  if (!layouts.length) throw new KvmkitError('no struct layouts to write as CTF');
  const types = new Types(new Map(layouts.map((l) => [l.struct, l])), archDef(layouts[0].arch));
  for (const l of layouts) types.struct(l);
  if (types.recs.length > (g.maxType & ~g.childBit)) throw new KvmkitError(`${types.recs.length} types are more than CTF v${g.version} can number`);
  const strs = new Strings();
  const labels = o.label ? CTF_LABEL_SIZE : 0;
  const typeBytes = types.recs.reduce((n, r) => n + recordSize(g, r), 0);
  // Names first, so the string table's size is known before the data is laid out.
  const names = types.recs.map((r) => ('name' in r ? strs.ref(r.name) : 0));
  const memberNames = types.recs.map((r) => (r.kind === 'struct' ? r.members.map((m) => strs.ref(m.name)) : []));
  const labelName = o.label ? strs.ref(o.label) : 0;
  const str = strs.data;
  const typeoff = labels, stroff = typeoff + typeBytes;
  const data = new Uint8Array(stroff + str.length);
  const v = new DataView(data.buffer);
  const u16 = (p: number, x: number) => v.setUint16(p, x, le);
  const u32 = (p: number, x: number) => v.setUint32(p, x >>> 0, le);
  const id = (p: number, x: number) => (g.idWidth === 2 ? u16(p, x) : u32(p, x));
  if (o.label) { u32(0, labelName); u32(4, types.recs.length); }
  let p = typeoff;
  types.recs.forEach((r, i) => {
    const head = (kind: number, vlen: number, sizeOrType: number, long = false): number => {
      if (vlen > g.maxVlen) throw new KvmkitError(`${vlen} members or values are more than CTF v${g.version} records hold`, { object: 'name' in r ? r.name : `type ${i + 1}` });
      u32(p, names[i]);
      const info = joinInfo(g, kind, true, vlen);
      if (g.version === 2) { u16(p + 4, info); u16(p + 6, long ? g.lsizeSent : sizeOrType); } else { u32(p + 4, info); u32(p + 8, long ? g.lsizeSent : sizeOrType); }
      if (!long) return p + g.stypeSize;
      u32(p + g.stypeSize, Math.floor(sizeOrType / 2 ** 32));
      u32(p + g.stypeSize + 4, sizeOrType % 2 ** 32);
      return p + g.typeSize;
    };
    switch (r.kind) {
      case 'int': u32(head(CTF_K.INTEGER, 0, r.size), joinEncoding(r.encoding, r.offset, r.bits)); break;
      case 'ref': head(r.ctf, 0, r.target); break;
      case 'forward': head(CTF_K.FORWARD, 0, r.of); break;
      case 'array': {
        const q = head(CTF_K.ARRAY, 0, 0);
        if (g.version === 2) { u16(q, r.element); u16(q + 2, r.index); u32(q + 4, r.count); } else { u32(q, r.element); u32(q + 4, r.index); u32(q + 8, r.count); }
        break;
      }
      case 'struct': {
        const large = r.size >= g.lstructThresh;
        let q = head(r.union ? CTF_K.UNION : CTF_K.STRUCT, r.members.length, r.size, r.size > g.maxSize);
        r.members.forEach((m, k) => {
          u32(q, memberNames[i][k]);
          id(q + 4, m.type);
          if (large) { u32(q + 8, Math.floor(m.bitOffset / 2 ** 32)); u32(q + 12, m.bitOffset % 2 ** 32); q += g.lmemberSize; return; }
          if (g.version === 2) u16(q + 6, m.bitOffset); else u32(q + 8, m.bitOffset);
          q += g.memberSize;
        });
        break;
      }
    }
    p += recordSize(g, r);
  });
  data.set(str, stroff);
  const body = o.compress ? new Uint8Array(node.zlib.deflateSync(data)) : data;
  const out = new Uint8Array(CTF_HEADER_SIZE + body.length);
  const h = new DataView(out.buffer);
  h.setUint16(HDR.magic, CTF_MAGIC, le);
  h.setUint8(HDR.version, g.version);
  h.setUint8(HDR.flags, o.compress ? CTF_F_COMPRESS : 0);
  // parlabel, parname 0 (a parent container); labels at 0, no object or function sections.
  for (const [k, x] of [[HDR.lbloff, 0], [HDR.objtoff, labels], [HDR.funcoff, labels], [HDR.typeoff, typeoff], [HDR.stroff, stroff], [HDR.strlen, str.length]] as const) h.setUint32(k, x, le);
  out.set(body, CTF_HEADER_SIZE);
  return out;
}

const kernelCtfCache = new WeakMap<KernelLayouts, Uint8Array>();

/**
 * The `.SUNW_ctf` of a simulated kernel: its kernel-struct layouts as CTF v3 in the arch's byte
 * order, labelled with the layout set and revision (FreeBSD 14+ GENERIC kernels carry v3). Not
 * compressed: the sample kernel in dumps/ is a golden file, and deflate's bytes may differ between
 * zlib versions (the reader's zlib path is tested on its own). Cached per layout set: every image
 * of one (arch, revision) has the same types.
 */
export function kernelLayoutsCtf(kl: KernelLayouts): Uint8Array {
  let hit = kernelCtfCache.get(kl);
  if (!hit) {
    hit = buildCtf(Object.values(kl.structs), { version: 3, littleEndian: kl.littleEndian, label: `kvmkit-${kl.set}-${kl.revision}` });
    kernelCtfCache.set(kl, hit);
  }
  return hit;
}
