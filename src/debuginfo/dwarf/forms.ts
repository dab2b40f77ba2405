import { FORM } from './constants.ts';
import { dwarfError, type Cursor } from './cursor.ts';

/** What the size of a form depends on: the unit's address and offset sizes and DWARF version. */
export interface FormContext {
  version: number;
  addrSize: number;
  offsetSize: 4 | 8;
}

/** DW_FORM_indirect may name another indirect form; more than this is a loop in corrupt input. */
const MAX_INDIRECT = 4;

/**
 * The size of a value of this form when it does not depend on the bytes (−1 when it does:
 * LEB128s, strings, blocks, indirect). Abbrevs whose forms are all fixed are skipped in one step
 * by the indexer, which is what keeps a 200 MB `.debug_info` to one pass of well under a second.
 */
export function fixedFormSize(form: number, u: FormContext): number {
  switch (form) {
    case FORM.flag_present: case FORM.implicit_const: return 0;
    case FORM.data1: case FORM.ref1: case FORM.flag: case FORM.strx1: case FORM.addrx1: return 1;
    case FORM.data2: case FORM.ref2: case FORM.strx2: case FORM.addrx2: return 2;
    case FORM.strx3: case FORM.addrx3: return 3;
    case FORM.data4: case FORM.ref4: case FORM.ref_sup4: case FORM.strx4: case FORM.addrx4: return 4;
    case FORM.data8: case FORM.ref8: case FORM.ref_sig8: case FORM.ref_sup8: return 8;
    case FORM.data16: return 16;
    case FORM.addr: return u.addrSize;
    case FORM.strp: case FORM.sec_offset: case FORM.line_strp: case FORM.strp_sup: case FORM.GNU_ref_alt: case FORM.GNU_strp_alt: return u.offsetSize;
    // DWARF 2 wrote a ref_addr as an address; DWARF 3 and later as a section offset.
    case FORM.ref_addr: return u.version <= 2 ? u.addrSize : u.offsetSize;
    default: return -1;
  }
}

/** Whether kvmkit knows how to step over a value of this form. */
export function knownForm(form: number): boolean {
  switch (form) {
    case FORM.string: case FORM.block: case FORM.block1: case FORM.block2: case FORM.block4: case FORM.exprloc:
    case FORM.sdata: case FORM.udata: case FORM.ref_udata: case FORM.strx: case FORM.addrx: case FORM.loclistx:
    case FORM.rnglistx: case FORM.GNU_addr_index: case FORM.GNU_str_index: case FORM.indirect:
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
    case FORM.string: c.cstr(); return;
    case FORM.block: case FORM.exprloc: c.skip(c.uleb(), 'block'); return;
    case FORM.block1: c.skip(c.u8(), 'block1'); return;
    case FORM.block2: c.skip(c.u16(), 'block2'); return;
    case FORM.block4: c.skip(c.u32(), 'block4'); return;
    case FORM.sdata: c.sleb(); return;
    case FORM.udata: case FORM.ref_udata: case FORM.strx: case FORM.addrx: case FORM.loclistx: case FORM.rnglistx:
    case FORM.GNU_addr_index: case FORM.GNU_str_index:
      c.ulebBig(); return;
    case FORM.indirect: {
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
