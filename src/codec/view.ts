import { KvmkitError } from '../base/errors.ts';
import type { Leaf, StructLayout } from '../layout/index.ts';
import { decodeCString } from './cstring.ts';
import { checkScalar, readScalar, writeScalar } from './scalar.ts';

/**
 * A lazy, mutable view over one record's bytes — the TypeScript counterpart of a C struct pointer.
 * Reading three fields of a record costs three reads, not a decode; writing goes straight to the
 * bytes, so code that fills a record (the live path, the compat copyout) behaves like the kernel's
 * C: strlcpy leaves the bytes after the NUL alone, and a reused buffer keeps what it held.
 */
export class RecordView {
  readonly dv: DataView;
  private readonly le: boolean;
  constructor(readonly layout: StructLayout, readonly bytes: Uint8Array = new Uint8Array(layout.size), public offset = 0) {
    if (offset < 0 || offset + layout.size > bytes.length) {
      throw new KvmkitError(`a ${layout.size}-byte ${layout.struct} does not fit at this offset (${bytes.length} bytes)`, { struct: layout.struct, offset });
    }
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = layout.littleEndian;
  }

  /** Point the view at another record of the same buffer (no allocation). */
  at(offset: number): this {
    if (offset < 0 || offset + this.layout.size > this.bytes.length) throw new KvmkitError('record offset out of range', { struct: this.layout.struct, offset });
    this.offset = offset;
    return this;
  }

  has(path: string): boolean {
    return this.layout.findLeaf(path) !== undefined;
  }

  leaf(path: string): Leaf {
    return this.layout.leaf(path);
  }

  get(path: string): number | bigint | string {
    const l = this.layout.leaf(path);
    const off = this.offset + l.offset;
    if (l.kind === 'string') return decodeCString(this.bytes, off, l.size);
    if (l.count !== undefined) throw new KvmkitError('array leaf: use getArray or getAt', { field: path, struct: this.layout.struct });
    return readScalar(this.dv, off, l.elemSize, l.signed, l.kind === 'pointer', this.le);
  }

  getAt(path: string, i: number): number | bigint {
    const l = this.arrayLeaf(path, i);
    return readScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, l.kind === 'pointer', this.le);
  }

  getArray(path: string): (number | bigint)[] {
    const l = this.layout.leaf(path);
    const n = l.count ?? 1;
    const out: (number | bigint)[] = [];
    for (let i = 0; i < n; i++) out.push(readScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, l.kind === 'pointer', this.le));
    return out;
  }

  /** Set a scalar leaf, or a whole array leaf from an array (missing tail elements become 0). */
  set(path: string, value: number | bigint | (number | bigint)[]): void {
    const l = this.layout.leaf(path);
    if (l.kind === 'string') throw new KvmkitError('string leaf: use strlcpy or setBytes', { field: path, struct: this.layout.struct });
    if (Array.isArray(value)) {
      const n = l.count ?? 1;
      if (value.length > n) throw new KvmkitError(`${value.length} values for an array of ${n}`, { field: path, struct: this.layout.struct });
      for (let i = 0; i < n; i++) this.setAt(path, i, value[i] ?? 0);
      return;
    }
    if (l.count !== undefined) throw new KvmkitError('array leaf: give an array or use setAt', { field: path, struct: this.layout.struct });
    const ptr = l.kind === 'pointer';
    writeScalar(this.dv, this.offset + l.offset, l.elemSize, l.signed, ptr, this.le, checkScalar(value, l.elemSize, l.signed, ptr, path, undefined, this.layout.struct));
  }

  setAt(path: string, i: number, value: number | bigint): void {
    const l = this.arrayLeaf(path, i);
    const ptr = l.kind === 'pointer';
    if (typeof value === 'number' && l.elemSize === 4 && !ptr && Number.isInteger(value) && (l.signed ? value >= -0x80000000 && value <= 0x7fffffff : value >= 0 && value <= 0xffffffff)) {
      // The common case (sigset words, group ids) without building the element's path string.
      if (l.signed) this.dv.setInt32(this.offset + l.offset + i * 4, value, this.le);
      else this.dv.setUint32(this.offset + l.offset + i * 4, value, this.le);
      return;
    }
    writeScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, ptr, this.le, checkScalar(value, l.elemSize, l.signed, ptr, `${path}[${i}]`, undefined, this.layout.struct));
  }

  /**
   * Assign with C conversion semantics: the value is reduced modulo 2^(8·size) and reinterpreted
   * by the destination's signedness, as `dst = src` does in C (the compat copyout's CP()).
   */
  assign(path: string, value: number | bigint): void {
    const l = this.layout.leaf(path);
    if (l.kind === 'string' || l.count !== undefined) throw new KvmkitError('assign takes a scalar leaf', { field: path, struct: this.layout.struct });
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new KvmkitError(`value ${value} is not an exact integer`, { field: path, struct: this.layout.struct });
    // DataView's setters reduce modulo 2^n exactly as a C conversion to an n-bit type does (and
    // the bits are the same whatever the destination's signedness), so no range check applies.
    const off = this.offset + l.offset;
    switch (l.elemSize) {
      case 8:
        this.dv.setBigUint64(off, BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(value)), this.le);
        return;
      case 4:
        this.dv.setUint32(off, typeof value === 'bigint' ? Number(BigInt.asUintN(32, value)) : value, this.le);
        return;
      case 2:
        this.dv.setUint16(off, typeof value === 'bigint' ? Number(BigInt.asUintN(16, value)) : value, this.le);
        return;
      default:
        this.dv.setUint8(off, typeof value === 'bigint' ? Number(BigInt.asUintN(8, value)) : value);
    }
  }

  /** C strlcpy into a char array: at most N−1 bytes, then one NUL; bytes after the NUL untouched. */
  strlcpy(path: string, s: string | Uint8Array): void {
    const l = this.stringLeaf(path);
    const src = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    let len = src.indexOf(0);
    if (len < 0) len = src.length;
    const n = Math.min(len, l.size - 1);
    const off = this.offset + l.offset;
    this.bytes.set(src.subarray(0, n), off);
    this.bytes[off + n] = 0;
  }

  /** Copy raw bytes into a leaf (e.g. libkvm's 18-byte copy of s_login); must fit exactly or be shorter. */
  setBytes(path: string, src: Uint8Array): void {
    const l = this.layout.leaf(path);
    if (src.length > l.size) throw new KvmkitError(`${src.length} bytes do not fit the ${l.size}-byte field`, { field: path, struct: this.layout.struct });
    this.bytes.set(src, this.offset + l.offset);
  }

  getBytes(path: string): Uint8Array {
    const l = this.layout.leaf(path);
    return this.bytes.subarray(this.offset + l.offset, this.offset + l.offset + l.size);
  }

  zero(path?: string): void {
    if (path === undefined) {
      this.bytes.fill(0, this.offset, this.offset + this.layout.size);
      return;
    }
    const l = this.layout.leaf(path);
    this.bytes.fill(0, this.offset + l.offset, this.offset + l.offset + l.size);
  }

  /** The bytes of this record (a view, not a copy). */
  record(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.layout.size);
  }

  private stringLeaf(path: string): Leaf {
    const l = this.layout.leaf(path);
    if (l.kind !== 'string') throw new KvmkitError('not a char array', { field: path, struct: this.layout.struct });
    return l;
  }

  private arrayLeaf(path: string, i: number): Leaf {
    const l = this.layout.leaf(path);
    const n = l.count ?? 1;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new KvmkitError(`index ${i} out of range 0..${n - 1}`, { field: path, struct: this.layout.struct });
    return l;
  }
}
