/**
 * The CTF container format, as FreeBSD's `sys/sys/ctf.h` defines it (freebsd/freebsd-src
 * e4452d45ec5ae661364f6a442ce1392a831bb9b5, which holds both version 2 and version 3), and the
 * way its reader walks the sections (cddl/contrib/opensolaris/common/ctf/ctf_open.c at
 * 7cce0acdb62a722401edc526ac4e7b9055378611: ctf_bufopen's header checks, init_types' per-kind
 * record sizes). Only facts (sizes, bit positions, numbers) are taken; nothing here is their code.
 *
 * Every place where version 2 and version 3 differ is one field of `CtfGeometry`, so the reader
 * and the writer never test the version themselves.
 */

/** ctf.h CTF_MAGIC. Read in the wrong byte order it is 0xf1cf, which is how the byte order is found. */
export const CTF_MAGIC = 0xcff1;
/** ctf.h CTF_VERSION_2 / CTF_VERSION_3 (FreeBSD 14 and later write 3). */
export const CTF_VERSION_2 = 2;
export const CTF_VERSION_3 = 3;
/** ctf.h CTF_F_COMPRESS: everything after the header is one zlib stream. */
export const CTF_F_COMPRESS = 1;

/**
 * struct ctf_header: the 4-byte preamble (u16 magic, u8 version, u8 flags) and eight u32 —
 * parlabel, parname, lbloff, objtoff, funcoff, typeoff, stroff, strlen — 36 bytes, the same in
 * both versions. The section offsets count from the end of the header (ctf_bufopen: buf = base +
 * hdrsz), and the data is stroff + strlen bytes long (its uncompressed size when compressed).
 */
export const CTF_HEADER_SIZE = 36;
export const HDR = { magic: 0, version: 2, flags: 3, parlabel: 4, parname: 8, lbloff: 12, objtoff: 16, funcoff: 20, typeoff: 24, stroff: 28, strlen: 32 } as const;

/** struct ctf_lblent: u32 ctl_label (a name reference), u32 ctl_typeidx. */
export const CTF_LABEL_SIZE = 8;
/** struct ctf_enum: u32 cte_name, i32 cte_value. */
export const CTF_ENUM_SIZE = 8;
/** An integer's or float's encoding word after its type record (ctf_open.c init_types: sizeof (uint_t)). */
export const CTF_ENCODING_SIZE = 4;

/** ctf.h CTF_K_*. */
export const CTF_K = {
  UNKNOWN: 0, INTEGER: 1, FLOAT: 2, POINTER: 3, ARRAY: 4, FUNCTION: 5, STRUCT: 6, UNION: 7, ENUM: 8,
  FORWARD: 9, TYPEDEF: 10, VOLATILE: 11, CONST: 12, RESTRICT: 13,
} as const;

/** ctf.h CTF_INT_* encoding flags (the top byte of the encoding word: CTF_INT_ENCODING). */
export const CTF_INT_SIGNED = 1, CTF_INT_CHAR = 2, CTF_INT_BOOL = 4, CTF_INT_VARARGS = 8;

/** ctf.h _CTF_ENCODING / _CTF_OFFSET / _CTF_BITS: encoding in bits 31..24, offset 23..16, bits 15..0. */
export function splitEncoding(word: number): { encoding: number; offset: number; bits: number } {
  return { encoding: (word >>> 24) & 0xff, offset: (word >>> 16) & 0xff, bits: word & 0xffff };
}
export function joinEncoding(encoding: number, offset: number, bits: number): number {
  return (((encoding & 0xff) << 24) | ((offset & 0xff) << 16) | (bits & 0xffff)) >>> 0;
}

/**
 * ctf.h CTF_NAME_STID / CTF_NAME_OFFSET: a name reference's top bit says which string table
 * (CTF_STRTAB_0, the container's own; CTF_STRTAB_1, the ELF string table that ctf_bufopen is
 * given with the symbol table), the low 31 bits the offset in it.
 */
export function splitName(ref: number): { external: boolean; offset: number } {
  return { external: ref >>> 31 === 1, offset: ref & 0x7fffffff };
}

/** What differs between the two versions, one field per rule. */
export interface CtfGeometry {
  version: 2 | 3;
  /** Bytes of a type id (ctf_open.c: ctf_idwidth = 2 for v2, 4 for v3): function arguments. */
  idWidth: 2 | 4;
  /** struct ctf_stype_v2 (8) / ctf_stype_v3 (12): name, info, size-or-type. */
  stypeSize: number;
  /** struct ctf_type_v2 (16) / ctf_type_v3 (20): the stype plus ctt_lsizehi, ctt_lsizelo. */
  typeSize: number;
  /** CTF_V2_LSIZE_SENT (0xffff) / CTF_V3_LSIZE_SENT (0xffffffff): ctt_size says "the long form follows". */
  lsizeSent: number;
  /** CTF_V2_MAX_SIZE / CTF_V3_MAX_SIZE: the largest size the short form holds. */
  maxSize: number;
  /** CTF_V2_LSTRUCT_THRESH (1 << 13) / CTF_V3_LSTRUCT_THRESH (1 << 29): structs this size or larger use ctf_lmember. */
  lstructThresh: number;
  /** struct ctf_member_v2 (8: u32 name, u16 type, u16 offset) / ctf_member_v3 (12: three u32). */
  memberSize: number;
  /** struct ctf_lmember_v2 (16: u32 name, u16 type, u16 pad, u32 offsethi, u32 offsetlo) / ctf_lmember_v3 (16: four u32). */
  lmemberSize: number;
  /** struct ctf_array_v2 (8: u16 contents, u16 index, u32 nelems) / ctf_array_v3 (12: three u32). */
  arraySize: number;
  /** CTF_V2_MAX_VLEN (0x3ff) / CTF_V3_MAX_VLEN (0xffffff). */
  maxVlen: number;
  /** CTF_V2_MAX_TYPE (0xffff) / CTF_V3_MAX_TYPE (0xfffffffe). */
  maxType: number;
  /** The child bit of a type id: CTF_V2_PARENT_SHIFT 15 / CTF_V3_PARENT_SHIFT 31 (CTF_*_TYPE_ISCHILD). */
  childBit: number;
  /** CTF_V2_INFO_KIND/ISROOT/VLEN: kind bits 15..11, root bit 10, vlen 9..0; v3: kind 31..26, root 25, vlen 23..0. */
  kindShift: number;
  kindMask: number;
  rootBit: number;
}

export const GEOMETRY: Record<2 | 3, CtfGeometry> = {
  2: {
    version: 2, idWidth: 2, stypeSize: 8, typeSize: 16, lsizeSent: 0xffff, maxSize: 0xfffe, lstructThresh: 1 << 13,
    memberSize: 8, lmemberSize: 16, arraySize: 8, maxVlen: 0x3ff, maxType: 0xffff, childBit: 0x8000,
    kindShift: 11, kindMask: 0x1f, rootBit: 1 << 10,
  },
  3: {
    version: 3, idWidth: 4, stypeSize: 12, typeSize: 20, lsizeSent: 0xffffffff, maxSize: 0xfffffffe, lstructThresh: 1 << 29,
    memberSize: 12, lmemberSize: 16, arraySize: 12, maxVlen: 0xffffff, maxType: 0xfffffffe, childBit: 0x80000000,
    kindShift: 26, kindMask: 0x3f, rootBit: 1 << 25,
  },
};

/** ctf.h CTF_V*_INFO_KIND / _ISROOT / _VLEN. */
export function splitInfo(g: CtfGeometry, info: number): { kind: number; root: boolean; vlen: number } {
  return { kind: (info >>> g.kindShift) & g.kindMask, root: (info & g.rootBit) !== 0, vlen: info & g.maxVlen };
}
/** ctf.h CTF_V*_TYPE_INFO. */
export function joinInfo(g: CtfGeometry, kind: number, root: boolean, vlen: number): number {
  return ((kind << g.kindShift) | (root ? g.rootBit : 0) | (vlen & g.maxVlen)) >>> 0;
}

/** Bytes that follow a function type's record: one id per argument, padded to 4 (init_types: roundup2(idwidth * vlen, 4)). */
export function functionArgBytes(g: CtfGeometry, vlen: number): number {
  return Math.ceil((g.idWidth * vlen) / 4) * 4;
}
