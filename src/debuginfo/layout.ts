import { KvmkitError } from '../base/errors.ts';
import { archDef, type ArchName } from '../layout/defs.ts';
import { assembleLayout, type FieldLayout, type StructLayout, type TypeLayout } from '../layout/engine.ts';
import type { CType, StructType, TypeGraph, TypeId } from './model.ts';

/**
 * A struct of a kernel's own type information (a `TypeGraph` from CTF or DWARF) as the layout
 * engine's `StructLayout`, so that everything downstream — `layout show`, holes, the ABI tools,
 * the kernel-struct reader — treats it like a layout computed from layouts/.
 *
 * Offsets and sizes are the ones the file records; nothing is recomputed. Alignment is not stored
 * by either format, so it is derived: a scalar's in-struct alignment is the arch's (i386 puts
 * 8-byte integers on 4), a struct's the largest of its members' — unless a member sits off its
 * alignment, which only a packed struct does, and then the struct's alignment is 1.
 */

export interface GraphLayoutOptions {
  /** The arch whose ABI the types were compiled for (from the ELF header). */
  arch: ArchName;
  /** What `StructLayout.revision` says, e.g. `ctf:kernel` (default: the graph's format and file). */
  revision?: string;
}

/** Structs nested by value deeper than this are corrupt input, not C (the kernel nests a handful). */
export const MAX_NESTING = 64;
/** A typedef/qualifier chain longer than this is a cycle or corrupt input. */
export const MAX_CHAIN = 256;

interface Ctx {
  graph: TypeGraph;
  arch: ArchName;
  revision: string;
  /** In-struct alignment of scalars by size. */
  scalarAlign: (size: number) => number;
  cache: Map<TypeId, StructLayout>;
  /** Structs being laid out, outermost first: a struct that contains itself by value is corrupt. */
  stack: TypeId[];
}

/** The layout of the named struct (or union) of a type graph. */
export function structLayoutFromGraph(graph: TypeGraph, name: string, opts: GraphLayoutOptions): StructLayout {
  const id = graph.findStruct(name);
  if (id === undefined) {
    throw new KvmkitError(`no definition of struct ${name} in the ${graph.source.format.toUpperCase()} types`, { file: graph.source.file, struct: name, object: graph.source.detail });
  }
  return structLayoutFromId(graph, id, opts);
}

/** The layout of the struct or union with this type id. */
export function structLayoutFromId(graph: TypeGraph, id: TypeId, opts: GraphLayoutOptions): StructLayout {
  return layoutOf(makeCtx(graph, opts), id);
}

/** One converter per graph and arch, so that the structs several layouts share are laid out once. */
export function graphLayouts(graph: TypeGraph, opts: GraphLayoutOptions): { byName(name: string): StructLayout | undefined; byId(id: TypeId): StructLayout } {
  const ctx = makeCtx(graph, opts);
  return {
    byName: (name) => {
      const id = graph.findStruct(name);
      return id === undefined ? undefined : layoutOf(ctx, id);
    },
    byId: (id) => layoutOf(ctx, id),
  };
}

function makeCtx(graph: TypeGraph, opts: GraphLayoutOptions): Ctx {
  const a = archDef(opts.arch);
  const int64Align = a.types['long long'][1];
  return {
    graph,
    arch: opts.arch,
    revision: opts.revision ?? `${graph.source.format}:${graph.source.file}`,
    scalarAlign: (size) => (size >= 8 ? Math.min(size, int64Align) : Math.max(1, size)),
    cache: new Map(),
    stack: [],
  };
}

function fail(ctx: Ctx, message: string, id: TypeId): never {
  throw new KvmkitError(message, { file: ctx.graph.source.file, object: `${ctx.graph.source.detail}, type ${id}` });
}

function layoutOf(ctx: Ctx, id: TypeId): StructLayout {
  const hit = ctx.cache.get(id);
  if (hit) return hit;
  const t = ctx.graph.type(id);
  if (t.kind === 'forward') fail(ctx, `${t.of} ${t.name} is only declared in these types (no definition), so its layout is unknown`, id);
  if (t.kind !== 'struct' && t.kind !== 'union') fail(ctx, `type ${id} is a ${t.kind}, not a struct or union`, id);
  if (ctx.stack.includes(id)) fail(ctx, `struct ${t.name || '(anonymous)'} contains itself by value`, id);
  if (ctx.stack.length >= MAX_NESTING) fail(ctx, `structs nested by value more than ${MAX_NESTING} deep`, id);
  ctx.stack.push(id);
  try {
    const layout = buildStruct(ctx, id, t);
    ctx.cache.set(id, layout);
    return layout;
  } finally {
    ctx.stack.pop();
  }
}

function buildStruct(ctx: Ctx, id: TypeId, t: StructType): StructLayout {
  const fields: FieldLayout[] = [];
  let align = 1;
  let packed = false;
  for (const m of t.members) {
    const f = memberField(ctx, m.name, m.type, m.bitOffset, m.bitSize);
    if (f.offset + (f.bitField ? 0 : f.size) > t.size) fail(ctx, `member ${m.name || '(anonymous)'} of ${t.name || '(anonymous)'} ends at ${f.offset + f.size}, past the ${t.kind}'s ${t.size} bytes`, id);
    if (!f.bitField && f.offset % f.align !== 0) packed = true;
    align = Math.max(align, f.align);
    fields.push(f);
  }
  return assembleLayout({
    struct: t.name || `(anonymous ${t.kind} ${id})`,
    arch: ctx.arch,
    revision: ctx.revision,
    size: t.size,
    align: packed ? 1 : align,
    littleEndian: ctx.graph.littleEndian,
    fields,
    ...(t.kind === 'union' ? { isUnion: true } : {}),
  });
}

/** What a member's type comes to once typedefs and qualifiers are followed, and arrays unwrapped. */
interface Resolved {
  /** The innermost non-array type, its typedefs and qualifiers followed. */
  base: CType;
  baseId: TypeId;
  /** The C name of the element type as declared (the first typedef name, if any). */
  cname: string;
  dims: number[];
}

function resolve(ctx: Ctx, id: TypeId): Resolved {
  const dims: number[] = [];
  let cname: string | undefined;
  let cur = id;
  for (let steps = 0; ; steps++) {
    if (steps > MAX_CHAIN) fail(ctx, `type chain from type ${id} is longer than ${MAX_CHAIN} (a cycle?)`, id);
    const t = ctx.graph.type(cur);
    switch (t.kind) {
      case 'array':
        // An array behind a typedef (`typedef long jmp_buf[12]`): the element's own name is what a
        // member's cname must say, so the typedef's name is dropped here.
        dims.push(t.count);
        cname = undefined;
        cur = t.element;
        continue;
      case 'typedef':
        cname ??= t.name;
        cur = t.target;
        continue;
      case 'const':
      case 'volatile':
      case 'restrict':
        cur = t.target;
        continue;
      default:
        return { base: t, baseId: cur, cname: cname ?? cName(ctx, cur), dims };
    }
  }
}

/** A type's C spelling for messages and `layout show` (`struct proc *`, `u_int`, `void (*)()`). */
export function cName(ctx: { graph: TypeGraph }, id: TypeId, depth = 0): string {
  if (depth > 16) return '…';
  const t = ctx.graph.type(id);
  switch (t.kind) {
    case 'void': return 'void';
    case 'int': case 'float': return t.name;
    case 'struct': case 'union': return `${t.kind} ${t.name || '(anonymous)'}`;
    case 'enum': return `enum ${t.name || '(anonymous)'}`;
    case 'forward': return `${t.of} ${t.name}`;
    case 'typedef': return t.name;
    case 'const': case 'volatile': case 'restrict': return `${t.kind} ${cName(ctx, t.target, depth + 1)}`;
    case 'pointer': {
      const target = ctx.graph.type(t.target);
      if (target.kind === 'function') return `${cName(ctx, target.ret, depth + 1)} (*)()`;
      const inner = cName(ctx, t.target, depth + 1);
      return inner.endsWith('*') ? `${inner}*` : `${inner} *`;
    }
    case 'array': return `${cName(ctx, t.element, depth + 1)}[${t.count}]`;
    case 'function': return `${cName(ctx, t.ret, depth + 1)} ()`;
  }
}

function scalar(kind: 'int' | 'pointer', cname: string, size: number, align: number, signed: boolean, isChar = false, isPlainChar = false): TypeLayout {
  return { kind, cname, size, align, signed, isChar, isPlainChar };
}

function typeLayout(ctx: Ctx, r: Resolved, where: TypeId): TypeLayout {
  const b = r.base;
  switch (b.kind) {
    case 'int':
      return scalar('int', r.cname, b.size, ctx.scalarAlign(b.size), b.signed, b.char, b.char && b.name === 'char');
    case 'enum':
      // C gives an enum with no negative enumerator an unsigned underlying type (clang and gcc).
      return scalar('int', r.cname, b.size, ctx.scalarAlign(b.size), b.values.some((v) => v.value < 0));
    case 'pointer': {
      const size = ctx.graph.pointerSize;
      return scalar('pointer', r.cname, size, ctx.scalarAlign(size), false);
    }
    case 'struct':
    case 'union': {
      const st = layoutOf(ctx, r.baseId);
      return { kind: 'struct', cname: r.cname, size: st.size, align: st.align, signed: false, isChar: false, isPlainChar: false, struct: st };
    }
    case 'float':
      return fail(ctx, `a floating-point member (${r.cname}) has no place in kvmkit's integer record model`, where);
    case 'forward':
      return fail(ctx, `${r.cname} is only declared (no definition in these types), so its size is unknown`, where);
    case 'void':
    case 'function':
      return fail(ctx, `a member of type ${r.cname} has no size`, where);
    default:
      return fail(ctx, `unexpected type kind`, where);
  }
}

function memberField(ctx: Ctx, name: string, typeId: TypeId, bitOffset: number, bitSize: number | undefined): FieldLayout {
  const r = resolve(ctx, typeId);
  const type = typeLayout(ctx, r, typeId);
  const isArray = r.dims.length > 0;
  const count = isArray ? r.dims.reduce((a, b) => a * b, 1) : undefined;
  const offset = Math.floor(bitOffset / 8);
  if (bitSize === undefined && bitOffset % 8 !== 0) fail(ctx, `member ${name} starts at bit ${bitOffset}, inside a byte, but is not a bit-field`, typeId);
  const dimText = r.dims.map((d) => `[${d}]`).join('');
  const text = `${type.cname}${type.cname.endsWith('*') ? '' : ' '}${name}${dimText}${bitSize !== undefined ? ` : ${bitSize}` : ''}`;
  return {
    name,
    offset,
    size: type.size * (count ?? 1),
    align: type.align,
    type,
    ...(count !== undefined ? { count } : {}),
    ...(r.dims.length > 1 ? { dims: r.dims } : {}),
    decl: { type: type.cname.replace(/\s*\*+$/, ''), pointer: type.kind === 'pointer', name, ...(isArray ? { countExpr: String(count) } : {}), text },
    isString: r.dims.length === 1 && type.isPlainChar,
    ...(bitSize !== undefined ? { bitField: { bitOffset, bitSize } } : {}),
  };
}
