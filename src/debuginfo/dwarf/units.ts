import { checkRange } from '../../base/bounds.ts';
import { UT } from './constants.ts';
import { Cursor, dwarfError } from './cursor.ts';
import type { FormContext } from './forms.ts';

/** One unit of `.debug_info`: its header, and where its DIEs start and end (section offsets). */
export interface UnitHeader extends FormContext {
  /** Offset of the unit header (CU-relative references are relative to it). */
  offset: number;
  /** The first byte after the unit. */
  end: number;
  unitType: number;
  abbrevOffset: number;
  /** Offset of the unit's first DIE. */
  dieStart: number;
}

/**
 * The header of the unit at `offset` (DWARF 2-5; 32-bit and 64-bit DWARF). The unit's length is
 * checked against the section, its version and address size against what exists.
 */
export function readUnitHeader(c: Cursor, offset: number): UnitHeader {
  c.pos = offset;
  let length = c.u32();
  let offsetSize: 4 | 8 = 4;
  if (length === 0xffffffff) {
    offsetSize = 8;
    length = c.u64n('unit_length');
  } else if (length >= 0xfffffff0) {
    dwarfError(`unit_length 0x${length.toString(16)} is a reserved value`, c.at, offset);
  }
  const body = c.pos;
  const r = checkRange(body, length, c.end, { file: c.at.file, object: c.at.section, field: 'unit_length', offset });
  const end = r.start + r.length;
  const u = c.sub(body, end);
  const version = u.u16();
  if (version < 2 || version > 5) dwarfError(`unit version ${version} (kvmkit reads DWARF 2 to 5)`, c.at, body);
  let unitType: number = UT.compile, addrSize: number, abbrevOffset: number;
  if (version >= 5) {
    unitType = u.u8();
    addrSize = u.u8();
    abbrevOffset = u.offset(offsetSize, 'debug_abbrev_offset');
    if (unitType === UT.skeleton || unitType === UT.split_compile) u.skip(8, 'dwo_id');
    else if (unitType === UT.type || unitType === UT.split_type) { u.skip(8, 'type_signature'); u.offset(offsetSize, 'type_offset'); }
    else if (unitType !== UT.compile && unitType !== UT.partial) dwarfError(`unknown unit type 0x${unitType.toString(16)}`, c.at, body + 2);
  } else {
    abbrevOffset = u.offset(offsetSize, 'debug_abbrev_offset');
    addrSize = u.u8();
  }
  if (addrSize !== 4 && addrSize !== 8 && addrSize !== 2) dwarfError(`address size ${addrSize}`, c.at, body);
  return { offset, end, version, offsetSize, addrSize, unitType, abbrevOffset, dieStart: u.pos };
}
