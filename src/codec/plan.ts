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

function nodes(fields: FieldLayout[], prefix: string): PlanNode[] {
  return fields.map((f): PlanNode => {
    const path = prefix + f.name;
    if (f.isString) return { t: 'str', name: f.name, path, off: f.offset, n: f.count! };
    if (f.type.kind === 'struct') return { t: 'struct', name: f.name, path, off: f.offset, size: f.type.size, fields: nodes(f.type.struct!.fields, path + '.'), count: f.count };
    return { t: 'int', name: f.name, path, off: f.offset, size: f.type.size, signed: f.type.signed, ptr: f.type.kind === 'pointer', count: f.count };
  });
}

const plans = new WeakMap<StructLayout, Plan>();
export function planFor(layout: StructLayout): Plan {
  let p = plans.get(layout);
  if (!p) {
    p = { layout, le: layout.littleEndian, fields: nodes(layout.fields, ''), pads: holes(layout).map((h) => ({ off: h.offset, size: h.size, key: `pad@${h.offset}` })) };
    plans.set(layout, p);
  }
  return p;
}
