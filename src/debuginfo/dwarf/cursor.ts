import { KvmkitError } from '../../base/errors.ts';

/** Where a DWARF byte lives, for errors: the file and the section (`.debug_info`, …). */
export interface SectionRef {
  file: string;
  section: string;
}

export function dwarfError(message: string, at: SectionRef, offset: number): never {
  throw new KvmkitError(message, { file: at.file, object: at.section, offset });
}

/**
 * A bounded reader over one DWARF section (or a unit inside it): every read is checked against
 * `end`, so a truncated unit or an offset past its section is an error naming the section and the
 * byte, never a RangeError or a read of the next unit's bytes. Positions are section offsets.
 */
export class Cursor {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly at: SectionRef,
    public pos = 0,
    public end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A cursor over `[start, end)` of the same bytes. */
  sub(start: number, end: number): Cursor {
    return new Cursor(this.bytes, this.le, this.at, start, end);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) dwarfError(`${what}: ${n} bytes at ${this.pos} run past the end of the unit or section (ends at ${this.end})`, this.at, this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.need(1, 'byte');
    return this.bytes[this.pos++];
  }
  u16(): number { this.need(2, 'u16'); const v = this.view.getUint16(this.pos, this.le); this.pos += 2; return v; }
  u24(): number {
    this.need(3, 'u24');
    const b = this.bytes, p = this.pos;
    this.pos += 3;
    return this.le ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) : (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
  }
  u32(): number { this.need(4, 'u32'); const v = this.view.getUint32(this.pos, this.le); this.pos += 4; return v; }
  u64(): bigint { this.need(8, 'u64'); const v = this.view.getBigUint64(this.pos, this.le); this.pos += 8; return v; }
  /** A u64 that must be a usable number (an offset or size): refused when beyond 2^53. */
  u64n(what: string): number {
    const at = this.pos;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) dwarfError(`${what} ${v} cannot be an offset or size`, this.at, at);
    return Number(v);
  }
  /** A 4- or 8-byte section offset (32- or 64-bit DWARF). */
  offset(size: 4 | 8, what: string): number { return size === 4 ? this.u32() : this.u64n(what); }

  /** ULEB128 as a number; more than 2^53 (or more than 10 bytes) is corrupt for what kvmkit reads. */
  uleb(): number {
    const b = this.bytes;
    let p = this.pos;
    const end = this.end;
    if (p < end && b[p] < 0x80) { this.pos = p + 1; return b[p]; }
    let result = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) dwarfError(`LEB128 at ${this.pos} runs past the end of the unit or section`, this.at, this.pos);
      const byte = b[p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) dwarfError(`LEB128 value at ${this.pos} is larger than 2^53`, this.at, this.pos);
        this.pos = p;
        return result;
      }
      mul *= 128;
    }
    return dwarfError(`LEB128 at ${this.pos} is longer than 10 bytes`, this.at, this.pos);
  }

  /** ULEB128 as an exact 64-bit value (constants such as a DW_AT_bit_offset of -4 written unsigned). */
  ulebBig(): bigint {
    let result = 0n, shift = 0n;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    return dwarfError(`LEB128 at ${start} is longer than 10 bytes`, this.at, start);
  }

  sleb(): number {
    let result = 0n, shift = 0n, byte = 0;
    const start = this.pos;
    for (let i = 0; ; i++) {
      if (i >= 10) dwarfError(`SLEB128 at ${start} is longer than 10 bytes`, this.at, start);
      byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) break;
    }
    if (byte & 0x40) result -= 1n << shift;
    const v = BigInt.asIntN(64, result);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) dwarfError(`SLEB128 value ${v} at ${start} is beyond 2^53`, this.at, start);
    return Number(v);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A NUL-terminated string inside the cursor's bounds (DW_FORM_string). */
  cstr(): string {
    const start = this.pos;
    const i = this.bytes.indexOf(0, start);
    if (i < 0 || i >= this.end) dwarfError(`string at ${start} has no terminating NUL before the end of the unit or section`, this.at, start);
    this.pos = i + 1;
    return latin1(this.bytes, start, i);
  }
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}
