import { UsageError } from '../../base/errors.ts';
import { archDef, type FieldLayout, type StructLayout } from '../../layout/index.ts';

/**
 * The language-neutral form of a layout for export: every struct (the record and each member struct
 * it holds, innermost first) as a list of members with explicit padding, so a definition in any
 * language can be written packed and still sit at exactly the C offsets of the target arch — whatever
 * the host compiler's own alignment rules. Pointers become unsigned integers of the target's pointer
 * width (the records are read on another machine, where they are not pointers).
 */
/** `size` is the element's (the scalar's, the struct's); `extent` the bytes the member covers. */
export type ExportMember = { name: string; offset: number; extent: number } & (
  | { kind: 'int'; size: 1 | 2 | 4 | 8; signed: boolean; count?: number; ctype: string }
  | { kind: 'string'; size: number; count: number; ctype: string }
  | { kind: 'struct'; size: number; struct: string; count?: number; ctype: string }
  | { kind: 'pad'; size: number });

export interface ExportStruct { name: string; cname: string; size: number; members: ExportMember[] }

export interface ExportModel {
  /** Innermost first; the record itself is last. */
  structs: ExportStruct[];
  record: ExportStruct;
  arch: string;
  revision: string;
  littleEndian: boolean;
}

/** `struct timeval` → `timeval`, `sigset_t` → `sigset_t`. */
function baseName(cname: string): string {
  return cname.replace(/^(struct|union) /, '').replace(/[^A-Za-z0-9_]/g, '_');
}

function member(f: FieldLayout, add: (l: StructLayout, cname: string) => string): ExportMember {
  if (f.bitField) throw new UsageError(`${f.name} is a bit-field: export does not write bit-fields`, { field: f.name });
  const at = { name: f.name, offset: f.offset, extent: f.size };
  if (f.isString) return { ...at, kind: 'string', size: f.size, count: f.count!, ctype: f.type.cname };
  if (f.type.kind === 'struct') {
    if (f.type.struct!.isUnion) throw new UsageError(`${f.name} is a union: export does not write unions`, { field: f.name });
    return { ...at, kind: 'struct', size: f.type.size, struct: add(f.type.struct!, f.type.cname), count: f.count, ctype: f.type.cname };
  }
  const size = f.type.size;
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) throw new UsageError(`${f.name}: a ${size}-byte scalar has no fixed-width type`, { field: f.name });
  return { ...at, kind: 'int', size, signed: f.type.kind !== 'pointer' && f.type.signed, count: f.count, ctype: f.type.cname };
}

/** Members with a `pad` wherever the layout leaves bytes between or after fields. */
function withPadding(l: StructLayout, members: ExportMember[]): ExportMember[] {
  const out: ExportMember[] = [];
  let at = 0;
  let n = 0;
  for (const m of members) {
    if (m.offset > at) out.push({ kind: 'pad', name: `_pad${n++}`, offset: at, size: m.offset - at, extent: m.offset - at });
    out.push(m);
    at = m.offset + m.extent;
  }
  if (l.size > at) out.push({ kind: 'pad', name: `_pad${n++}`, offset: at, size: l.size - at, extent: l.size - at });
  return out;
}

export function exportModel(layout: StructLayout): ExportModel {
  if (layout.isUnion) throw new UsageError(`${layout.struct} is a union: export writes structs only`, { struct: layout.struct });
  const structs: ExportStruct[] = [];
  const byName = new Map<string, StructLayout>();
  const add = (l: StructLayout, cname: string): string => {
    const name = baseName(cname);
    const seen = byName.get(name);
    if (seen && seen !== l && seen.size !== l.size) throw new UsageError(`two different member structs are both named ${name}`, { struct: layout.struct });
    if (!seen) {
      byName.set(name, l);
      structs.push({ name, cname, size: l.size, members: withPadding(l, l.fields.map((f) => member(f, add))) });
    }
    return name;
  };
  add(layout, `struct ${layout.struct}`);
  return { structs, record: structs[structs.length - 1], arch: layout.arch, revision: layout.revision, littleEndian: archDef(layout.arch).endian === 'little' };
}
