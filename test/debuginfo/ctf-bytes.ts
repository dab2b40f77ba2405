/**
 * CTF containers assembled by hand for the tests, field by field from sys/sys/ctf.h
 * (freebsd/freebsd-src e4452d45ec5ae661364f6a442ce1392a831bb9b5) — deliberately not through
 * src/debuginfo/ctf/format.ts, so that a wrong constant there cannot make its own test pass:
 *
 *   header        u16 magic 0xcff1, u8 version, u8 flags, then u32 parlabel, parname, lbloff,
 *                 objtoff, funcoff, typeoff, stroff, strlen (36 bytes; offsets count after it)
 *   v2 stype      u32 name, u16 info (kind << 11 | root << 10 | vlen), u16 size/type (8 bytes)
 *   v3 stype      u32 name, u32 info (kind << 26 | root << 25 | vlen), u32 size/type (12 bytes)
 *   long form     size/type = 0xffff (v2) / 0xffffffff (v3), then u32 lsizehi, u32 lsizelo
 *   member        v2: u32 name, u16 type, u16 offset; v3: three u32 — when size < 8192 (v2) / 2^29 (v3)
 *   lmember       v2: u32 name, u16 type, u16 pad, u32 offhi, u32 offlo; v3: u32 name, u32 type, u32 offhi, u32 offlo
 *   array         v2: u16 contents, u16 index, u32 nelems; v3: three u32
 *   function      the return type in size/type, vlen argument ids (u16 in v2, u32 in v3), padded to 4 bytes
 *   enum          vlen × (u32 name, i32 value); integer/float: one u32 encoding (enc << 24 | off << 16 | bits)
 *   kinds         1 int, 2 float, 3 pointer, 4 array, 5 function, 6 struct, 7 union, 8 enum, 9 forward,
 *                 10 typedef, 11 volatile, 12 const, 13 restrict
 */

export class Bytes {
  readonly b: number[] = [];
  constructor(readonly le: boolean) {}
  u8(x: number): this { this.b.push(x & 0xff); return this; }
  u16(x: number): this { return this.le ? this.u8(x).u8(x >>> 8) : this.u8(x >>> 8).u8(x); }
  u32(x: number): this { return this.le ? this.u16(x & 0xffff).u16(x >>> 16) : this.u16(x >>> 16).u16(x & 0xffff); }
  get length(): number { return this.b.length; }
  bytes(): Uint8Array { return Uint8Array.from(this.b); }
}

/** A string table built in order, giving each string's offset. */
export class Strtab {
  readonly text: string[] = [''];
  private len = 1;
  readonly at = new Map<string, number>([['', 0]]);
  ref(s: string): number {
    const hit = this.at.get(s);
    if (hit !== undefined) return hit;
    const o = this.len;
    this.at.set(s, o);
    this.text.push(s);
    this.len += s.length + 1;
    return o;
  }
  bytes(): Uint8Array { return Uint8Array.from(Buffer.from(this.text.join('\0') + '\0', 'latin1')); }
}

export interface Container {
  version: 2 | 3;
  le: boolean;
  flags?: number;
  parname?: number;
  parlabel?: number;
  labels?: Uint8Array;
  types: Uint8Array;
  strings: Uint8Array;
}

/** Header + (labels, types, strings); flags as given (the caller compresses the body itself). */
export function header(c: Container, sizes: { lbl: number; types: number; str: number }): Uint8Array {
  const h = new Bytes(c.le).u16(0xcff1).u8(c.version).u8(c.flags ?? 0)
    .u32(c.parlabel ?? 0).u32(c.parname ?? 0)
    .u32(0) // lbloff
    .u32(sizes.lbl).u32(sizes.lbl) // objtoff, funcoff: no object or function sections
    .u32(sizes.lbl) // typeoff
    .u32(sizes.lbl + sizes.types).u32(sizes.str);
  return h.bytes();
}

export function body(c: Container): Uint8Array {
  const l = c.labels ?? new Uint8Array();
  const out = new Uint8Array(l.length + c.types.length + c.strings.length);
  out.set(l, 0);
  out.set(c.types, l.length);
  out.set(c.strings, l.length + c.types.length);
  return out;
}

export function container(c: Container, compressedBody?: Uint8Array): Uint8Array {
  const h = header(c, { lbl: c.labels?.length ?? 0, types: c.types.length, str: c.strings.length });
  const b = compressedBody ?? body(c);
  const out = new Uint8Array(h.length + b.length);
  out.set(h, 0);
  out.set(b, h.length);
  return out;
}

/** Type records, spelled out per version. */
export class Types {
  readonly t: Bytes;
  constructor(readonly version: 2 | 3, le: boolean) { this.t = new Bytes(le); }
  /** The stype: name, info, size-or-type. */
  head(name: number, kind: number, vlen: number, sizeOrType: number, root = true): this {
    this.t.u32(name);
    if (this.version === 2) this.t.u16((kind << 11) | (root ? 1 << 10 : 0) | vlen).u16(sizeOrType);
    else this.t.u32(((kind << 26) | (root ? 1 << 25 : 0) | vlen) >>> 0).u32(sizeOrType);
    return this;
  }
  /** The long form: the sentinel, then the 64-bit size. */
  longHead(name: number, kind: number, vlen: number, size: number): this {
    this.head(name, kind, vlen, this.version === 2 ? 0xffff : 0xffffffff);
    this.t.u32(Math.floor(size / 2 ** 32)).u32(size % 2 ** 32);
    return this;
  }
  int(name: number, size: number, encoding: number, bits: number, offset = 0): this {
    this.head(name, 1, 0, size).t.u32(((encoding << 24) | (offset << 16) | bits) >>> 0);
    return this;
  }
  float(name: number, size: number, encoding: number, bits: number): this {
    this.head(name, 2, 0, size).t.u32(((encoding << 24) | bits) >>> 0);
    return this;
  }
  ref(kind: number, name: number, target: number): this { return this.head(name, kind, 0, target); }
  array(contents: number, index: number, n: number): this {
    this.head(0, 4, 0, 0);
    if (this.version === 2) this.t.u16(contents).u16(index).u32(n); else this.t.u32(contents).u32(index).u32(n);
    return this;
  }
  func(ret: number, args: number[]): this {
    this.head(0, 5, args.length, ret);
    for (const a of args) if (this.version === 2) this.t.u16(a); else this.t.u32(a);
    if (this.version === 2 && args.length % 2) this.t.u16(0); // pad to 4 bytes
    return this;
  }
  member(name: number, type: number, bitOffset: number): this {
    this.t.u32(name);
    if (this.version === 2) this.t.u16(type).u16(bitOffset); else this.t.u32(type).u32(bitOffset);
    return this;
  }
  lmember(name: number, type: number, bitOffset: number): this {
    this.t.u32(name);
    if (this.version === 2) this.t.u16(type).u16(0); else this.t.u32(type);
    this.t.u32(Math.floor(bitOffset / 2 ** 32)).u32(bitOffset % 2 ** 32);
    return this;
  }
  enumValue(name: number, value: number): this { this.t.u32(name).u32(value >>> 0); return this; }
  bytes(): Uint8Array { return this.t.bytes(); }
}
