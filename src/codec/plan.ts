import { holes, type FieldLayout, type StructLayout } from '../layout/index.ts';

/**
 * A codec plan: the layout reduced to what encoding and decoding need. Both the generated codec
 * and its CSP-safe interpreter are driven by the same plan, so they cannot disagree on layout.
 */
export type PlanNode =
  | { t: 'int'; name: string; path: string; off: number; size: number; signed: boolean; ptr: boolean; count?: number }
  | { t: 'str'; name: string; path: string; off: number; n: number }
  | { t: 'struct'; name: string; path: string; off: number; size: number; fields: PlanNode[]; count?: number };

export interface Plan {
  layout: StructLayout;
  le: boolean;
  fields: PlanNode[];
  /** Padding holes, absolute offsets within the record. */
  pads: { off: number; size: number; key: string }[];
}

/**
 * `freebsd32_uint64_t` (sys/sys/abi_types.h) is a struct only so that amd64 lays it out 4-aligned
 * like i386 (two 32-bit words, the low word first — FU64_CP's order, spec §2.6 [I]); on the other
 * 64-bit arches it is a struct of one uint64_t. Either way its 8 bytes hold one 64-bit value in the
 * arch's byte order, so records (tables, JSON, the typed form) carry it as that one unsigned integer.
 * Two words on a big-endian arch would not be one integer's bytes: such a layout stays a struct.
 */
export const SPLIT_U64_TYPE = 'freebsd32_uint64_t';
function isOneU64(f: FieldLayout, le: boolean): boolean {
  if (f.isString || f.count !== undefined || f.type.kind !== 'struct' || f.type.cname !== SPLIT_U64_TYPE || f.type.size !== 8) return false;
  const inner = f.type.struct!.fields;
  if (inner.length !== 1 || inner[0].isString) return false;
  const m = inner[0];
  return m.type.kind === 'int' && ((m.count === undefined && m.type.size === 8) || (le && m.count === 2 && m.type.size === 4));
}

function nodes(fields: FieldLayout[], prefix: string, le: boolean): PlanNode[] {
  return fields.map((f): PlanNode => {
    const path = prefix + f.name;
    if (f.isString) return { t: 'str', name: f.name, path, off: f.offset, n: f.count! };
    if (isOneU64(f, le)) return { t: 'int', name: f.name, path, off: f.offset, size: 8, signed: false, ptr: false };
    if (f.type.kind === 'struct') return { t: 'struct', name: f.name, path, off: f.offset, size: f.type.size, fields: nodes(f.type.struct!.fields, path + '.', le), count: f.count };
    return { t: 'int', name: f.name, path, off: f.offset, size: f.type.size, signed: f.type.signed, ptr: f.type.kind === 'pointer', count: f.count };
  });
}

const plans = new WeakMap<StructLayout, Plan>();
export function planFor(layout: StructLayout): Plan {
  let p = plans.get(layout);
  if (!p) {
    p = { layout, le: layout.littleEndian, fields: nodes(layout.fields, '', layout.littleEndian), pads: holes(layout).map((h) => ({ off: h.offset, size: h.size, key: `pad@${h.offset}` })) };
    plans.set(layout, p);
  }
  return p;
}
