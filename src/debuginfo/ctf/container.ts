import { node } from '../../base/platform.ts';
import { checkCount, checkRange, type Origin } from '../../base/bounds.ts';
import { KvmkitError } from '../../base/errors.ts';
import {
  CTF_F_COMPRESS, CTF_HEADER_SIZE, CTF_LABEL_SIZE, CTF_MAGIC, GEOMETRY, HDR, splitName, type CtfGeometry,
} from './format.ts';

/**
 * One CTF container opened: the header checked, the data decompressed when CTF_F_COMPRESS says so
 * (bounded by the size the header gives), the string tables and labels found. Types are decoded by
 * ./types.ts on top of this.
 */

/** A kernel's CTF is a few MB uncompressed; anything claiming more than this is corrupt (or a bomb). */
export const MAX_CTF_DATA = 256 << 20;

export interface CtfHeader {
  version: 2 | 3;
  flags: number;
  compressed: boolean;
  /** Name references (see splitName) of the parent's label and name; 0 when absent. */
  parlabel: number;
  parname: number;
  lbloff: number;
  objtoff: number;
  funcoff: number;
  typeoff: number;
  stroff: number;
  strlen: number;
}

/** FNV-1a over a name's latin1 bytes: the key CtfGraph finds structs by. */
export function nameHashOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ (name.charCodeAt(i) & 0xff), 0x01000193);
  return h >>> 0;
}

export interface CtfLabel { name: string; typeIndex: number }

/** Where a container's bytes came from, for errors. */
export interface CtfOrigin {
  file: string;
  /** e.g. `.SUNW_ctf`. */
  section: string;
  /** File offset of the section, so that errors in uncompressed data give a file offset. */
  fileOffset?: number;
  /** The ELF string table names with CTF_STRTAB_1 refer to, read only when a name needs it. */
  externalStrings?: () => Uint8Array | undefined;
}

export class CtfContainer {
  readonly header: CtfHeader;
  readonly geometry: CtfGeometry;
  readonly littleEndian: boolean;
  /** The bytes after the header (decompressed when the container was compressed). */
  readonly data: Uint8Array;
  readonly view: DataView;
  private external?: Buffer | null;
  /** `data` as a Buffer, to decode names without a Buffer per name. */
  private readonly dataBuf: Buffer;
  private readonly nameCache = new Map<number, string>();

  constructor(section: Uint8Array, readonly origin: CtfOrigin) {
    if (section.length < 4) this.fail(`${section.length} bytes cannot hold a CTF preamble`, 0, 'ctp_magic');
    const hv = new DataView(section.buffer, section.byteOffset, section.byteLength);
    // libctf reads CTF in the host's order only; a container is in its target's order, so the
    // magic's byte order is taken as the container's (kvmkit's rule, not libctf's).
    const le = hv.getUint16(HDR.magic, true) === CTF_MAGIC;
    if (!le && hv.getUint16(HDR.magic, false) !== CTF_MAGIC) {
      this.fail(`bad CTF magic 0x${hv.getUint16(HDR.magic, true).toString(16)} (want 0x${CTF_MAGIC.toString(16)} in either byte order)`, HDR.magic, 'ctp_magic');
    }
    this.littleEndian = le;
    const version = hv.getUint8(HDR.version);
    if (version !== 2 && version !== 3) this.fail(`CTF version ${version} is not supported (2 and 3 are)`, HDR.version, 'ctp_version');
    this.geometry = GEOMETRY[version];
    if (section.length < CTF_HEADER_SIZE) this.fail(`${section.length} bytes cannot hold the ${CTF_HEADER_SIZE}-byte CTF header`, 0, 'ctf_header');
    const u32 = (o: number) => hv.getUint32(o, le);
    const flags = hv.getUint8(HDR.flags);
    const h: CtfHeader = {
      version, flags, compressed: (flags & CTF_F_COMPRESS) !== 0,
      parlabel: u32(HDR.parlabel), parname: u32(HDR.parname), lbloff: u32(HDR.lbloff), objtoff: u32(HDR.objtoff),
      funcoff: u32(HDR.funcoff), typeoff: u32(HDR.typeoff), stroff: u32(HDR.stroff), strlen: u32(HDR.strlen),
    };
    this.header = h;
    const size = h.stroff + h.strlen;
    if (size > MAX_CTF_DATA) this.fail(`the header claims ${size} bytes of CTF data (stroff ${h.stroff} + strlen ${h.strlen}), more than the ${MAX_CTF_DATA} kvmkit accepts`, HDR.strlen, 'cth_strlen');
    // ctf_bufopen's checks: the sections in order, inside the data, at their alignments.
    const order: [keyof CtfHeader, number][] = [['lbloff', HDR.lbloff], ['objtoff', HDR.objtoff], ['funcoff', HDR.funcoff], ['typeoff', HDR.typeoff], ['stroff', HDR.stroff]];
    for (let i = 0; i < order.length; i++) {
      const [k, at] = order[i];
      const v = h[k] as number;
      if (v > size) this.fail(`cth_${k} ${v} lies past the ${size} bytes of CTF data`, at, `cth_${k}`);
      const next = order[i + 1];
      if (next && v > (h[next[0]] as number)) this.fail(`cth_${k} ${v} is after cth_${next[0]} ${h[next[0]]}: the sections are out of order`, at, `cth_${k}`);
    }
    if (h.lbloff & 3 || h.typeoff & 3 || h.objtoff & 1 || h.funcoff & 1) this.fail('a CTF section offset is misaligned (labels and types on 4, objects and functions on 2)', HDR.lbloff, 'cth_lbloff');
    this.data = h.compressed ? this.inflate(section.subarray(CTF_HEADER_SIZE), size) : this.plain(section, size);
    this.view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    this.dataBuf = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  private plain(section: Uint8Array, size: number): Uint8Array {
    checkRange(CTF_HEADER_SIZE, size, section.length, this.at(CTF_HEADER_SIZE, 'CTF data'));
    return section.subarray(CTF_HEADER_SIZE, CTF_HEADER_SIZE + size);
  }

  /** zlib data inflated to exactly the size the header gives: no more is ever allocated. */
  private inflate(src: Uint8Array, size: number): Uint8Array {
    let out: Buffer;
    try {
      out = node.zlib.inflateSync(src, { maxOutputLength: Math.max(size, 1) });
    } catch (e) {
      const why = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
        ? `inflates to more than the ${size} bytes its header gives (a decompression bomb?)`
        : `does not inflate (${(e as Error).message})`;
      this.fail(`the compressed CTF data ${why}`, CTF_HEADER_SIZE, 'CTF data');
    }
    if (out.length !== size) this.fail(`the compressed CTF data inflates to ${out.length} bytes, the header gives ${size}`, CTF_HEADER_SIZE, 'CTF data');
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /** Error origin for an offset in the data (after the header), or in the header itself with `inHeader`. */
  at(offset: number, field: string): Origin {
    const compressed = this.header?.compressed ?? false;
    const base = !compressed && this.origin.fileOffset !== undefined ? this.origin.fileOffset : 0;
    return {
      file: this.origin.file,
      object: compressed ? `${this.origin.section} (decompressed; offsets from the section start)` : this.origin.section,
      field,
      offset: base + offset,
    };
  }

  fail(message: string, headerOffset: number, field: string): never {
    throw new KvmkitError(message, this.at(headerOffset, field));
  }

  /** A data offset as the error origin (data offsets are after the header). */
  dataAt(offset: number, field: string): Origin {
    return this.at(CTF_HEADER_SIZE + offset, field);
  }

  get isChild(): boolean { return this.header.parname !== 0; }

  /** A name reference (CTF_NAME_STID/OFFSET) as a string: checked against the table it points into. */
  name(ref: number, where: number, field: string, cache = true): string {
    const hit = this.nameCache.get(ref);
    if (hit !== undefined) return hit;
    const { external, offset } = splitName(ref);
    let table: Buffer;
    let base = 0;
    if (external) {
      if (this.external === undefined) {
        const ext = this.origin.externalStrings?.();
        this.external = ext ? Buffer.from(ext.buffer, ext.byteOffset, ext.length) : null;
      }
      if (!this.external) throw new KvmkitError(`name ${offset} is in the ELF string table, and the file has none`, this.dataAt(where, field));
      table = this.external;
    } else {
      table = this.dataBuf;
      base = this.header.stroff;
      if (offset === 0 && this.header.strlen === 0) return '';
    }
    const len = external ? table.length : this.header.strlen;
    if (offset >= len) throw new KvmkitError(`name offset ${offset} is past the ${len}-byte ${external ? 'ELF' : 'CTF'} string table`, this.dataAt(where, field));
    const start = base + offset, end = base + len;
    const nul = table.indexOf(0, start);
    const p = nul < 0 || nul >= end ? end : nul;
    if (p === end) throw new KvmkitError(`name at string offset ${offset} runs off the end of the ${external ? 'ELF' : 'CTF'} string table`, this.dataAt(where, field));
    const s = table.toString('latin1', start, p);
    if (cache) this.nameCache.set(ref, s);
    return s;
  }

  /**
   * nameHashOf() of the name a reference points to, computed on the table's bytes (an unreadable
   * name hashes to -1; it is reported when the name itself is read).
   */
  nameHash(ref: number): number {
    const { external, offset } = splitName(ref);
    if (external) return nameHashOf(this.name(ref, 0, 'name', false));
    if (offset >= this.header.strlen) return -1;
    const t = this.data, end = this.header.stroff + this.header.strlen;
    let h = 0x811c9dc5;
    for (let p = this.header.stroff + offset; p < end && t[p] !== 0; p++) h = Math.imul(h ^ t[p], 0x01000193);
    return h >>> 0;
  }

  u16(p: number): number { return this.view.getUint16(p, this.littleEndian); }
  u32(p: number): number { return this.view.getUint32(p, this.littleEndian); }
  i32(p: number): number { return this.view.getInt32(p, this.littleEndian); }

  /** The label section (ctf_lblent entries between lbloff and objtoff). */
  labels(): CtfLabel[] {
    const h = this.header;
    const bytes = h.objtoff - h.lbloff;
    if (bytes % CTF_LABEL_SIZE) throw new KvmkitError(`the label section is ${bytes} bytes, not a whole number of ${CTF_LABEL_SIZE}-byte labels`, this.dataAt(h.lbloff, 'labels'));
    const n = checkCount(bytes / CTF_LABEL_SIZE, CTF_LABEL_SIZE, bytes, this.dataAt(h.lbloff, 'label count'));
    const out: CtfLabel[] = [];
    for (let i = 0; i < n; i++) {
      const p = h.lbloff + i * CTF_LABEL_SIZE;
      out.push({ name: this.name(this.u32(p), p, 'ctl_label'), typeIndex: this.u32(p + 4) });
    }
    return out;
  }

  /** The parent container's name (cth_parname), or undefined for a parent/standalone container. */
  parentName(): string | undefined {
    return this.header.parname ? this.name(this.header.parname, -CTF_HEADER_SIZE + HDR.parname, 'cth_parname') : undefined;
  }
  parentLabel(): string | undefined {
    return this.header.parlabel ? this.name(this.header.parlabel, -CTF_HEADER_SIZE + HDR.parlabel, 'cth_parlabel') : undefined;
  }
}
