import { FORM } from './constants.ts';
import { dwarfError, type Cursor } from './cursor.ts';

/** What the size of a form depends on: the unit's address and offset sizes and DWARF version. */
export interface FormContext {
  version: number;
  addrSize: number;
  offsetSize: 4 | 8;
}

// Module-local copies of the form numbers: a switch on these is a jump table, where one on
// `FORM.x` reads an imported binding per case (measured: a third of the indexing time under tsx).
const {
  addr, block2, block4, data2, data4, data8, string, block, block1, data1, flag, sdata, strp, udata, ref_addr, ref1, ref2,
  ref4, ref8, ref_udata, indirect, sec_offset, exprloc, flag_present, strx, addrx, ref_sup4, strp_sup, data16, line_strp,
  ref_sig8, implicit_const, loclistx, rnglistx, ref_sup8, strx1, strx2, strx3, strx4, addrx1, addrx2, addrx3, addrx4,
  GNU_addr_index, GNU_str_index, GNU_ref_alt, GNU_strp_alt,
} = FORM;

/** DW_FORM_indirect may name another indirect form; more than this is a loop in corrupt input. */
const MAX_INDIRECT = 4;

/**
 * The size of a value of this form when it does not depend on the bytes (−1 when it does:
 * LEB128s, strings, blocks, indirect). Abbrevs whose forms are all fixed are skipped in one step
 * by the indexer, which is what keeps a 200 MB `.debug_info` to one pass of well under a second.
 */
export function fixedFormSize(form: number, u: FormContext): number {
  switch (form) {
    case flag_present: case implicit_const: return 0;
    case data1: case ref1: case flag: case strx1: case addrx1: return 1;
    case data2: case ref2: case strx2: case addrx2: return 2;
    case strx3: case addrx3: return 3;
    case data4: case ref4: case ref_sup4: case strx4: case addrx4: return 4;
    case data8: case ref8: case ref_sig8: case ref_sup8: return 8;
    case data16: return 16;
    case addr: return u.addrSize;
    case strp: case sec_offset: case line_strp: case strp_sup: case GNU_ref_alt: case GNU_strp_alt: return u.offsetSize;
    // DWARF 2 wrote a ref_addr as an address; DWARF 3 and later as a section offset.
    case ref_addr: return u.version <= 2 ? u.addrSize : u.offsetSize;
    default: return -1;
  }
}

/** Whether kvmkit knows how to step over a value of this form. */
export function knownForm(form: number): boolean {
  switch (form) {
    case string: case block: case block1: case block2: case block4: case exprloc:
    case sdata: case udata: case ref_udata: case strx: case addrx: case loclistx:
    case rnglistx: case GNU_addr_index: case GNU_str_index: case indirect:
      return true;
    default:
      return fixedFormSize(form, { version: 4, addrSize: 8, offsetSize: 8 }) >= 0;
  }
}

/** Steps the cursor over one value of `form`. */
export function skipForm(c: Cursor, form: number, u: FormContext, depth = 0): void {
  const n = fixedFormSize(form, u);
  if (n >= 0) { c.skip(n, `DW_FORM 0x${form.toString(16)} value`); return; }
  switch (form) {
    case string: c.cstr(); return;
    case block: case exprloc: c.skip(c.uleb(), 'block'); return;
    case block1: c.skip(c.u8(), 'block1'); return;
    case block2: c.skip(c.u16(), 'block2'); return;
    case block4: c.skip(c.u32(), 'block4'); return;
    case sdata: c.sleb(); return;
    case udata: case ref_udata: case strx: case addrx: case loclistx: case rnglistx:
    case GNU_addr_index: case GNU_str_index:
      c.ulebBig(); return;
    case indirect: {
      const at = c.pos;
      const f = c.uleb();
      if (depth >= MAX_INDIRECT) dwarfError(`DW_FORM_indirect chain longer than ${MAX_INDIRECT}`, c.at, at);
      skipForm(c, f, u, depth + 1);
      return;
    }
    default:
      dwarfError(`unknown attribute form 0x${form.toString(16)}`, c.at, c.pos);
  }
}
