import { KvmkitError } from "../base/errors.js";
import { archDef } from "../layout/defs.js";
import { assembleLayout } from "../layout/engine.js";
/** Structs nested by value deeper than this are corrupt input, not C (the kernel nests a handful). */
export const MAX_NESTING = 64;
/** A typedef/qualifier chain longer than this is a cycle or corrupt input. */
export const MAX_CHAIN = 256;
/** The layout of the named struct (or union) of a type graph. */
export function structLayoutFromGraph(graph, name, opts) {
    const id = graph.findStruct(name);
    if (id === undefined) {
        throw new KvmkitError(`no definition of struct ${name} in the ${graph.source.format.toUpperCase()} types`, { file: graph.source.file, struct: name, object: graph.source.detail });
    }
    return structLayoutFromId(graph, id, opts);
}
/** The layout of the struct or union with this type id. */
export function structLayoutFromId(graph, id, opts) {
    return layoutOf(makeCtx(graph, opts), id);
}
/** One converter per graph and arch, so that the structs several layouts share are laid out once. */
export function graphLayouts(graph, opts) {
    const ctx = makeCtx(graph, opts);
    return {
        byName: (name) => {
            const id = graph.findStruct(name);
            return id === undefined ? undefined : layoutOf(ctx, id);
        },
        byId: (id) => layoutOf(ctx, id),
    };
}
function makeCtx(graph, opts) {
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
function fail(ctx, message, id) {
    throw new KvmkitError(message, { file: ctx.graph.source.file, object: `${ctx.graph.source.detail}, type ${id}` });
}
function layoutOf(ctx, id) {
    const hit = ctx.cache.get(id);
    if (hit)
        return hit;
    const t = ctx.graph.type(id);
    if (t.kind !== 'struct' && t.kind !== 'union')
        fail(ctx, `type ${id} is a ${t.kind}, not a struct or union`, id);
    if (ctx.stack.includes(id))
        fail(ctx, `struct ${t.name || '(anonymous)'} contains itself by value`, id);
    if (ctx.stack.length >= MAX_NESTING)
        fail(ctx, `structs nested by value more than ${MAX_NESTING} deep`, id);
    ctx.stack.push(id);
    try {
        const layout = buildStruct(ctx, id, t);
        ctx.cache.set(id, layout);
        return layout;
    }
    finally {
        ctx.stack.pop();
    }
}
function buildStruct(ctx, id, t) {
    const fields = [];
    let align = 1;
    let packed = false;
    for (const m of t.members) {
        const f = memberField(ctx, m.name, m.type, m.bitOffset, m.bitSize);
        if (f.offset + (f.bitField ? 0 : f.size) > t.size)
            fail(ctx, `member ${m.name || '(anonymous)'} of ${t.name || '(anonymous)'} ends at ${f.offset + f.size}, past the ${t.kind}'s ${t.size} bytes`, id);
        if (!f.bitField && f.offset % f.align !== 0)
            packed = true;
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
function resolve(ctx, id) {
    const dims = [];
    let cname;
    let cur = id;
    for (let steps = 0;; steps++) {
        if (steps > MAX_CHAIN)
            fail(ctx, `type chain from type ${id} is longer than ${MAX_CHAIN} (a cycle?)`, id);
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
export function cName(ctx, id, depth = 0) {
    if (depth > 16)
        return '…';
    const t = ctx.graph.type(id);
    switch (t.kind) {
        case 'void': return 'void';
        case 'int':
        case 'float': return t.name;
        case 'struct':
        case 'union': return `${t.kind} ${t.name || '(anonymous)'}`;
        case 'enum': return `enum ${t.name || '(anonymous)'}`;
        case 'forward': return `${t.of} ${t.name}`;
        case 'typedef': return t.name;
        case 'const':
        case 'volatile':
        case 'restrict': return `${t.kind} ${cName(ctx, t.target, depth + 1)}`;
        case 'pointer': {
            const target = ctx.graph.type(t.target);
            if (target.kind === 'function')
                return `${cName(ctx, target.ret, depth + 1)} (*)()`;
            const inner = cName(ctx, t.target, depth + 1);
            return inner.endsWith('*') ? `${inner}*` : `${inner} *`;
        }
        case 'array': return `${cName(ctx, t.element, depth + 1)}[${t.count}]`;
        case 'function': return `${cName(ctx, t.ret, depth + 1)} ()`;
    }
}
function scalar(kind, cname, size, align, signed, isChar = false, isPlainChar = false) {
    return { kind, cname, size, align, signed, isChar, isPlainChar };
}
function typeLayout(ctx, r, where) {
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
function memberField(ctx, name, typeId, bitOffset, bitSize) {
    const r = resolve(ctx, typeId);
    const type = typeLayout(ctx, r, typeId);
    const isArray = r.dims.length > 0;
    const count = isArray ? r.dims.reduce((a, b) => a * b, 1) : undefined;
    const offset = Math.floor(bitOffset / 8);
    if (bitSize === undefined && bitOffset % 8 !== 0)
        fail(ctx, `member ${name} starts at bit ${bitOffset}, inside a byte, but is not a bit-field`, typeId);
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
