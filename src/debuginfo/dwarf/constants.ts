/**
 * The DWARF numbers kvmkit reads. Sources (facts only):
 * - tags, attributes, DWARF 2-4 forms, base-type encodings: freebsd/freebsd-src
 *   contrib/elftoolchain/libdwarf/dwarf.h @ 6cec9cad762b6476313fb1f8e931a1647822db6b;
 * - DWARF 5 forms (strx…, line_strp, implicit_const, data16, addrx…): ziglang/zig
 *   lib/std/dwarf/FORM.zig @ e844484f967671063d0d037cee1de8763fbaf40c;
 * - DW_AT_str_offsets_base 0x72: ziglang/zig lib/std/dwarf/AT.zig (and several DWARF readers);
 * - the DWARF 5 unit types (DW_UT_*) and the GNU forms 0x1f01/0x1f02/0x1f20/0x1f21 (FORM.zig):
 *   the unit types are NOT read from a stored source here — unverified, but every gcc -gdwarf-5
 *   object under dumps/debuginfo/ carries DW_UT_compile = 1, which the tests read.
 */
export const TAG = {
  array_type: 0x01, enumeration_type: 0x04, formal_parameter: 0x05, member: 0x0d, pointer_type: 0x0f,
  reference_type: 0x10, compile_unit: 0x11, structure_type: 0x13, subroutine_type: 0x15, typedef: 0x16,
  union_type: 0x17, unspecified_parameters: 0x18, subrange_type: 0x21, base_type: 0x24, const_type: 0x26,
  enumerator: 0x28, subprogram: 0x2e, variable: 0x34, volatile_type: 0x35, restrict_type: 0x37,
  partial_unit: 0x3c, rvalue_reference_type: 0x42,
} as const;

export const AT = {
  sibling: 0x01, name: 0x03, byte_size: 0x0b, bit_offset: 0x0c, bit_size: 0x0d, lower_bound: 0x22,
  upper_bound: 0x2f, count: 0x37, data_member_location: 0x38, declaration: 0x3c, encoding: 0x3e,
  external: 0x3f, type: 0x49, data_bit_offset: 0x6b, const_value: 0x1c, prototyped: 0x27,
  str_offsets_base: 0x72,
} as const;

export const FORM = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08,
  block: 0x09, block1: 0x0a, data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f,
  ref_addr: 0x10, ref1: 0x11, ref2: 0x12, ref4: 0x13, ref8: 0x14, ref_udata: 0x15, indirect: 0x16,
  sec_offset: 0x17, exprloc: 0x18, flag_present: 0x19, strx: 0x1a, addrx: 0x1b, ref_sup4: 0x1c,
  strp_sup: 0x1d, data16: 0x1e, line_strp: 0x1f, ref_sig8: 0x20, implicit_const: 0x21,
  loclistx: 0x22, rnglistx: 0x23, ref_sup8: 0x24, strx1: 0x25, strx2: 0x26, strx3: 0x27, strx4: 0x28,
  addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
  GNU_addr_index: 0x1f01, GNU_str_index: 0x1f02, GNU_ref_alt: 0x1f20, GNU_strp_alt: 0x1f21,
} as const;

export const ATE = {
  address: 0x1, boolean: 0x2, complex_float: 0x3, float: 0x4, signed: 0x5, signed_char: 0x6,
  unsigned: 0x7, unsigned_char: 0x8, imaginary_float: 0x9,
} as const;

/** DW_OP_plus_uconst: the DWARF 2 spelling of a member's byte offset (dwarf.h, as above). */
export const OP_plus_uconst = 0x23;

export const UT = { compile: 0x01, type: 0x02, partial: 0x03, skeleton: 0x04, split_compile: 0x05, split_type: 0x06 } as const;
