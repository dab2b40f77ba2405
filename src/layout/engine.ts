import { KvmkitError, UsageError } from '../base/errors.ts';
import { parseDecl, evalCount, LAYOUT_LIMITS, type Decl } from './decl.ts';
import { KERNEL_FILES } from './data.ts';
import { archDef, commonStructs, isArch, layoutData, loadRevision, typedefsFor, type ArchName, type RevisionDef } from './defs.ts';

/**
 * The layout engine: from declarations and ABI rules to offsets, as a C compiler lays out a struct.
 * Rules: a member is placed at the next multiple of its in-struct alignment; a struct's alignment is
 * its largest member alignment; its size is rounded up to that alignment (tail padding); an array
 * has its element's alignment. No offset is ever written by hand anywhere in kvmkit.
 */

export type ScalarKind = 'int' | 'pointer';

export interface TypeLayout {
  kind: ScalarKind | 'struct';
  /** The name as declared, e.g. `pid_t`, `struct timeval`, `struct proc *`. */
  cname: string;
  size: number;
  align: number;
  /** For integers: signedness after following the typedef chain (plain char by the arch's rule). */
  signed: boolean;
  /** A char type (plain, signed or unsigned): arrays of plain char are C strings. */
  isChar: boolean;
  /** Plain `char` (not signed/unsigned char): only these arrays are strings. */
  isPlainChar: boolean;
  struct?: StructLayout;
}

export interface FieldLayout {
  name: string;
  offset: number;
  /** Total size (element size × count for arrays). */
  size: number;
  align: number;
  type: TypeLayout;
  /** Present for arrays (possibly 0, a GNU zero-length array): all elements, dimensions multiplied. */
  count?: number;
  /** A multi-dimensional array's dimensions, outermost first (layouts read from CTF/DWARF). */
  dims?: number[];
  decl: Decl;
  /** A `char x[N]` member: decoded as a C string that keeps its bytes after the NUL. */
  isString: boolean;
  /**
   * Present for a bit-field only (layouts read from CTF/DWARF): its position in bits from the start
   * of the enclosing struct, and its width. `offset` is then the byte holding its first bit and
   * `size` the declared type's size.
   */
  bitField?: { bitOffset: number; bitSize: number };
}

export interface Leaf {
  path: string;
  offset: number;
  size: number;
  /** C type name of the scalar (element type for arrays). */
  type: string;
  kind: ScalarKind | 'string';
  signed: boolean;
  /** Element size. */
  elemSize: number;
  count?: number;
  /** A bit-field: its first bit counted from the start of the outermost struct, and its width. */
  bitField?: { bitOffset: number; bitSize: number };
}

export interface CtAssert { macro: string; expected: number; holds: boolean }

export interface StructLayout {
  struct: string;
  arch: ArchName;
  revision: string;
  size: number;
  align: number;
  littleEndian: boolean;
  fields: FieldLayout[];
  /** A union (every member at offset 0): only layouts read from CTF/DWARF have them. */
  isUnion?: boolean;
  /** Present when the revision asserts this struct's size on this arch. */
  ctassert?: CtAssert;
  leaves(): Leaf[];
  field(name: string): FieldLayout;
  /** The leaf at a dotted path (`ki_rusage.ru_utime.tv_sec`). */
  leaf(path: string): Leaf;
  /** The same, or undefined when the layout has no such leaf (no exception: used on hot paths). */
  findLeaf(path: string): Leaf | undefined;
}

/** The C integer type names the engine knows (CTF writes them as integers of these names). */
export const PRIMS = ['char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long', 'unsigned long', 'long long', 'unsigned long long'];

interface Ctx {
  rev: RevisionDef;
  arch: ArchName;
  constants: Record<string, number>;
  bodies: Record<string, string[]>;
  typedefs: Record<string, string>;
  cache: Map<string, StructLayout>;
  stack: string[];
  /** Names declared as unions (every member at offset 0). */
  unions: Set<string>;
  /** GCC attributes the headers put on a struct: `__packed` (members 1-aligned) and `__aligned(N)`. */
  attrs: Record<string, StructAttrs>;
}

export interface StructAttrs { packed?: boolean; align?: number }

type ConstValue = number | Partial<Record<ArchName | 'default', number>>;
/**
 * A kernel layout set (layouts/kernel/<name>.json): struct and union bodies as the headers of one
 * FreeBSD release declare them, the typedefs they need beyond typedefs.json, struct attributes,
 * per-arch bodies of the machine-dependent structs, and where each body was read (`sources`) or
 * why it could not be (`unverified`).
 */
export interface KernelSet {
  constants?: Record<string, ConstValue>;
  structs: Record<string, string[]>;
  unions?: Record<string, string[]>;
  typedefs?: Record<string, string>;
  attributes?: Record<string, StructAttrs>;
  /** Per-arch bodies (machine/proc.h, machine/pcb.h …) that replace `structs`/`unions` entries on that arch. */
  arches?: Partial<Record<ArchName, { structs?: Record<string, string[]>; unions?: Record<string, string[]>; attributes?: Record<string, StructAttrs>; unverified?: Record<string, string> }>>;
  sources?: Record<string, string>;
  unverified?: Record<string, string>;
  /** The FreeBSD release, and the osreldate (__FreeBSD_version) range the set stands for. */
  release?: string;
  osreldate?: [number, number];
}

function resolveConstants(src: Record<string, ConstValue> | undefined, arch: ArchName): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(src ?? {})) {
    if (typeof v === 'number') out[k] = v;
    else {
      const x = v[arch] ?? v.default;
      if (x === undefined) throw new KvmkitError(`constant ${k} has no value for this arch`, { arch });
      out[k] = x;
    }
  }
  return out;
}

const kernelSets = new Map<string, KernelSet>();
export function kernelSet(name: string): KernelSet {
  let s = kernelSets.get(name);
  if (!s) {
    const f = Object.hasOwn(KERNEL_FILES, name) ? KERNEL_FILES[name] : undefined;
    if (!f) throw new KvmkitError(`revision names kernel layout set "${name}", which is not in layouts/kernel (known: ${Object.keys(KERNEL_FILES).join(', ')})`);
    s = layoutData<KernelSet>(f);
    kernelSets.set(name, s);
  }
  return s;
}

function makeCtx(rev: RevisionDef, arch: ArchName): Ctx {
  const common = commonStructs();
  const kset = rev.kernel ? kernelSet(rev.kernel) : undefined;
  const md = kset?.arches?.[arch];
  const unions = { ...(kset?.unions ?? {}), ...(md?.unions ?? {}) };
  return {
    rev,
    arch,
    constants: { ...common.constants, ...resolveConstants(kset?.constants, arch), ...resolveConstants(rev.constants as Record<string, ConstValue>, arch) },
    bodies: { ...common.structs, ...(kset?.structs ?? {}), ...unions, ...(md?.structs ?? {}), ...rev.structs },
    typedefs: { ...typedefsFor(arch), ...(kset?.typedefs ?? {}) },
    cache: new Map(),
    stack: [],
    unions: new Set(Object.keys(unions)),
    attrs: { ...(kset?.attributes ?? {}), ...(md?.attributes ?? {}) },
  };
}

function primLayout(ctx: Ctx, prim: string, cname: string): TypeLayout {
  const a = archDef(ctx.arch);
  const isChar = prim.endsWith('char');
  const base = prim.replace(/^(unsigned|signed) /, '');
  const [size, align] = isChar ? [1, 1] : a.types[base];
  const signed = prim === 'char' ? a.charSigned : !prim.startsWith('unsigned');
  return { kind: 'int', cname, size, align, signed, isChar, isPlainChar: prim === 'char' };
}

function resolveType(ctx: Ctx, decl: Decl, where: string): TypeLayout {
  if (decl.pointer) {
    const [size, align] = archDef(ctx.arch).types.pointer;
    return { kind: 'pointer', cname: `${decl.type} *`, size, align, signed: false, isChar: false, isPlainChar: false };
  }
  let name = decl.type;
  const seen = new Set<string>();
  while (!PRIMS.includes(name) && !name.startsWith('struct ') && !name.startsWith('union ')) {
    if (seen.has(name)) throw new KvmkitError(`typedef cycle through ${name}`, { arch: ctx.arch, object: where });
    seen.add(name);
    const next = ctx.typedefs[name];
    if (!next) throw new KvmkitError(`unknown type ${name} in "${decl.text}"`, { arch: ctx.arch, revision: ctx.rev.revision, object: where });
    name = next;
  }
  if (PRIMS.includes(name)) return primLayout(ctx, name, decl.type);
  const sname = name.replace(/^(struct|union) /, '');
  const st = structLayout(ctx, sname);
  return { kind: 'struct', cname: decl.type, size: st.size, align: st.align, signed: false, isChar: false, isPlainChar: false, struct: st };
}

function structLayout(ctx: Ctx, name: string): StructLayout {
  const hit = ctx.cache.get(name);
  if (hit) return hit;
  const body = ctx.bodies[name];
  if (!body) throw new KvmkitError(`no definition of struct ${name}`, { struct: name, arch: ctx.arch, revision: ctx.rev.revision });
  if (ctx.stack.includes(name)) throw new KvmkitError(`struct ${name} contains itself (${[...ctx.stack, name].join(' → ')})`, { struct: name });
  // Nesting is input-controlled recursion depth: bounded here, long before the JS stack is.
  if (ctx.stack.length >= LAYOUT_LIMITS.nesting) throw new UsageError(`structs nest more than ${LAYOUT_LIMITS.nesting} deep (${[...ctx.stack, name].join(' → ')})`, { struct: name, arch: ctx.arch, revision: ctx.rev.revision });
  if (body.length > LAYOUT_LIMITS.members) throw new UsageError(`struct ${name} has ${body.length} members, more than the ${LAYOUT_LIMITS.members} kvmkit lays out`, { struct: name, revision: ctx.rev.revision });
  ctx.stack.push(name);
  const fields: FieldLayout[] = [];
  const isUnion = ctx.unions.has(name);
  const attrs = ctx.attrs[name] ?? {};
  let off = 0;
  let end = 0;
  let align = 1;
  for (const text of body) {
    const where = `${isUnion ? 'union' : 'struct'} ${name}`;
    const decl = parseDecl(text, where);
    const type = resolveType(ctx, decl, `${where}.${decl.name}`);
    const count = decl.countExpr !== undefined ? evalCount(decl.countExpr, ctx.constants, `${where}.${decl.name}`) : undefined;
    // __packed: every member 1-aligned, so the struct is too.
    const memberAlign = attrs.packed ? 1 : type.align;
    off = isUnion ? 0 : alignUp(off, memberAlign);
    const size = type.size * (count ?? 1);
    if (off + size > LAYOUT_LIMITS.structBytes) {
      throw new UsageError(`struct ${name} reaches ${off + size} bytes at ${decl.name}, more than the ${LAYOUT_LIMITS.structBytes} kvmkit lays out`, { struct: name, field: decl.name, arch: ctx.arch, revision: ctx.rev.revision });
    }
    fields.push({ name: decl.name, offset: off, size, align: memberAlign, type, count, decl, isString: count !== undefined && type.isPlainChar });
    off += size;
    end = Math.max(end, off);
    align = Math.max(align, memberAlign);
  }
  ctx.stack.pop();
  if (attrs.align) align = Math.max(align, attrs.align);
  const size = alignUp(end, align);
  const layout = finish(name, ctx, size, align, fields, isUnion);
  ctx.cache.set(name, layout);
  return layout;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function finish(name: string, ctx: Ctx, size: number, align: number, fields: FieldLayout[], isUnion = false): StructLayout {
  const asserted = ctx.rev.asserted?.[name];
  const expected = asserted?.sizes[ctx.arch];
  return assembleLayout({
    struct: name,
    arch: ctx.arch,
    revision: ctx.rev.revision,
    size,
    align,
    littleEndian: archDef(ctx.arch).endian === 'little',
    fields,
    ...(isUnion ? { isUnion } : {}),
    ctassert: expected !== undefined && asserted ? { macro: asserted.macro, expected, holds: expected === size } : undefined,
  });
}

/** The data of a struct layout; `assembleLayout` adds the lookups. */
export type LayoutData = Omit<StructLayout, 'leaves' | 'field' | 'leaf' | 'findLeaf'>;

/**
 * A `StructLayout` from its computed data: the one place the lookups (leaves, field, leaf) are
 * built, for the declarative engine here and for layouts read from a kernel's CTF or DWARF.
 */
export function assembleLayout(data: LayoutData): StructLayout {
  const { struct: name, arch, revision, fields } = data;
  let leafCache: Leaf[] | undefined;
  let leafIndex: Map<string, Leaf> | undefined;
  const layout: StructLayout = {
    ...data,
    leaves: () => (leafCache ??= collectLeaves(fields, '', 0)),
    field: (n) => {
      const f = fields.find((x) => x.name === n);
      if (!f) throw new KvmkitError(`struct ${name} has no field ${n}`, { struct: name, arch, revision, field: n });
      return f;
    },
    findLeaf: (p) => (leafIndex ??= new Map(layout.leaves().map((l) => [l.path, l]))).get(p),
    leaf: (p) => {
      const l = layout.findLeaf(p);
      if (!l) throw new KvmkitError(`struct ${name} has no leaf ${p}`, { struct: name, arch, revision, field: p });
      return l;
    },
  };
  return layout;
}

function collectLeaves(fields: FieldLayout[], prefix: string, base: number): Leaf[] {
  const out: Leaf[] = [];
  for (const f of fields) {
    const p = prefix + f.name;
    const t = f.type;
    if (t.kind === 'struct') {
      const inner = t.struct!.fields;
      // An anonymous struct or union member: C names its members as if they were the parent's.
      if (f.name === '' && f.count === undefined) out.push(...collectLeaves(inner, prefix, base + f.offset));
      else if (f.count === undefined) out.push(...collectLeaves(inner, p + '.', base + f.offset));
      else for (let i = 0; i < f.count; i++) out.push(...collectLeaves(inner, `${p}[${i}].`, base + f.offset + i * t.size));
      continue;
    }
    out.push({
      path: p,
      offset: base + f.offset,
      size: f.size,
      type: f.isString ? `char[${f.count}]` : t.cname,
      kind: f.isString ? 'string' : (t.kind as ScalarKind),
      signed: t.signed,
      elemSize: t.size,
      count: f.isString ? undefined : f.count,
      ...(f.bitField ? { bitField: { bitOffset: base * 8 + f.bitField.bitOffset, bitSize: f.bitField.bitSize } } : {}),
    });
  }
  return out;
}

// ---- public API ----

const layoutCache = new Map<string, StructLayout>();

export interface LayoutOptions {
  /** Refuse a layout whose size differs from the revision's asserted size (the kernel's CTASSERT). Default true. */
  enforce?: boolean;
}

/** Compute a struct's layout from a revision definition (loaded from layouts/ or built in memory). */
export function computeLayout(rev: RevisionDef, struct: string, arch: string, opts: LayoutOptions = {}): StructLayout {
  if (!isArch(arch)) archDef(arch);
  const a = arch as ArchName;
  const asserted = rev.asserted?.[struct];
  if (asserted && asserted.sizes[a] === undefined) {
    throw new KvmkitError(`struct ${struct} does not exist on ${a} in revision ${rev.revision} (${asserted.macro} is not defined there; it exists on ${Object.keys(asserted.sizes).join(', ')})`, { struct, arch: a, revision: rev.revision });
  }
  const layout = structLayout(makeCtx(rev, a), struct);
  if (opts.enforce !== false && layout.ctassert && !layout.ctassert.holds) {
    throw new KvmkitError(
      `CTASSERT(sizeof(struct ${struct}) == ${layout.ctassert.macro}) fails: expected ${layout.ctassert.expected} bytes, the layout is ${layout.size} bytes`,
      { struct, arch: a, revision: rev.revision },
    );
  }
  return layout;
}

/** The layout of a struct in a named revision of layouts/, cached; CTASSERT enforced. */
export function getLayout(struct: string, arch: string, revision: string, opts: LayoutOptions = {}): StructLayout {
  const key = `${struct}/${arch}/${revision}/${opts.enforce !== false}`;
  let l = layoutCache.get(key);
  if (!l) {
    l = computeLayout(loadRevision(revision), struct, arch, opts);
    layoutCache.set(key, l);
  }
  return l;
}

/** The arches on which a revision defines a struct (all arches unless its size is asserted on only some). */
export function archesFor(revision: string, struct: string): ArchName[] {
  const rev = loadRevision(revision);
  const asserted = rev.asserted?.[struct];
  const all = ['amd64', 'i386', 'arm64', 'armv7', 'powerpc', 'powerpc64', 'powerpc64le', 'riscv64'] as ArchName[];
  return asserted ? all.filter((a) => asserted.sizes[a] !== undefined) : all;
}

export interface Hole { offset: number; size: number; kind: 'padding' | 'tail' ; after?: string; path: string }

/** Padding holes (between members and at the tail), recursively through nested structs. */
export function holes(layout: StructLayout, prefix = '', base = 0): Hole[] {
  const out: Hole[] = [];
  let end = 0;
  let prev: string | undefined;
  for (const f of layout.fields) {
    if (f.offset > end && !layout.isUnion) out.push({ offset: base + end, size: f.offset - end, kind: 'padding', after: prev, path: prefix + f.name });
    if (f.type.kind === 'struct') {
      const n = f.count ?? 1;
      for (let i = 0; i < n; i++) out.push(...holes(f.type.struct!, `${prefix}${f.name}${f.count !== undefined ? `[${i}]` : ''}.`, base + f.offset + i * f.type.size));
    }
    end = Math.max(end, coveredEnd(f));
    prev = prefix + f.name;
  }
  if (layout.size > end) out.push({ offset: base + end, size: layout.size - end, kind: 'tail', after: prev, path: prefix + '(tail)' });
  return out;
}

/** The byte after the last one a member covers: a bit-field covers the bytes its bits fall in, not its type's size. */
function coveredEnd(f: FieldLayout): number {
  if (!f.bitField) return f.offset + f.size;
  return Math.ceil((f.bitField.bitOffset + f.bitField.bitSize) / 8);
}

const leafGroups = new WeakMap<StructLayout, Map<string, Leaf[]>>();
/** The leaves of one top-level field (`ki_rusage` → `ki_rusage.ru_utime.tv_sec`, …), cached per layout. */
export function leavesOfField(layout: StructLayout, field: string): Leaf[] {
  let g = leafGroups.get(layout);
  if (!g) {
    g = new Map();
    for (const l of layout.leaves()) {
      const top = /^[^.[]+/.exec(l.path)![0];
      if (!g.has(top)) g.set(top, []);
      g.get(top)!.push(l);
    }
    leafGroups.set(layout, g);
  }
  return g.get(field) ?? [];
}
