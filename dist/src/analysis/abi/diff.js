import { UsageError } from "../../base/errors.js";
import { EXIT_CHANGES, EXIT_INCOMPATIBLE } from "../../base/exit.js";
import { ARCHES, holes, isArch, leavesOfField } from "../../layout/index.js";
import { archesOf, checkStruct, layoutOf, resolveRevision } from "./revs.js";
import { SEVERITY_RANK, } from "./types.js";
const SPARE_NAME = /^ki_spare/;
const SPARE_CONST = /^KI_NSPARE_/;
export function isSpareField(f) {
    return SPARE_NAME.test(f.name) || SPARE_CONST.test(f.decl.countExpr?.trim() ?? '');
}
function countConstant(f) {
    const e = f.decl.countExpr?.trim();
    return e && /^[A-Za-z_]\w*$/.test(e) ? e : undefined;
}
/** The type as declared, with the array length: `pid_t`, `void *[4]`, `char[46]`. */
export function declType(f) {
    if (f.isString)
        return `char[${f.count}]`;
    return f.count !== undefined ? `${f.type.cname}[${f.count}]` : f.type.cname;
}
/** The element type of a field (for arrays) as declared. */
function elemType(f) {
    return f.isString ? 'char' : f.type.cname;
}
function place(f, align, type) {
    const p = { offset: f.offset, size: f.size };
    if (align !== undefined)
        p.align = align;
    if (type !== undefined)
        p.type = type;
    return p;
}
function fplace(f) {
    return place(f, f.align, declType(f));
}
function bytes(n) {
    return `${n} byte${n === 1 ? '' : 's'}`;
}
function leafSig(l, base) {
    return `${l.offset - base}:${l.size}:${l.kind}:${l.elemSize}:${l.signed}:${l.count ?? ''}`;
}
/** The leaves of one top-level field. */
function leavesOf(layout, f) {
    return leavesOfField(layout, f.name);
}
function consumption(n, s, slot0, slots, c, defA, defB, fb) {
    const es = s.type.size;
    const ok = n.align === s.align && n.size % es === 0 && (n.offset - s.offset) % es === 0;
    const spareInfo = { field: s.name, constant: c, fromCount: s.count ?? 1, toCount: fb.get(s.name)?.count ?? (fb.has(s.name) ? 1 : 0), constantFrom: c ? defA.constants[c] : undefined, constantTo: c ? defB.constants[c] : undefined };
    if (ok) {
        const range = slots === 1 ? `${slot0}` : `${slot0}..${slot0 + slots - 1}`;
        const cnote = c ? `; ${c} ${spareInfo.constantFrom ?? '?'} → ${spareInfo.constantTo ?? '(undefined)'}` : '';
        return { kind: 'spare-consumed', severity: 'compatible', field: n.name, summary: `compatible: consumed spare ${s.name}[${range}] (${declType(n)} in ${elemType(s)} slot${slots === 1 ? '' : 's'}${cnote})`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: place({ offset: n.offset, size: n.size }, s.align, elemType(s)), to: fplace(n), spare: spareInfo };
    }
    const why = [];
    if (n.size % es !== 0)
        why.push(`${bytes(n.size)} is not a whole number of ${es}-byte ${elemType(s)} slots`);
    if (n.align !== s.align)
        why.push(`alignment ${n.align} where the spare's slots are ${s.align}-aligned`);
    if ((n.offset - s.offset) % es !== 0)
        why.push(`starts ${(n.offset - s.offset) % es} bytes into a ${elemType(s)} slot (misaligned)`);
    return { kind: 'spare-mismatch', severity: 'flagged', field: n.name, summary: `carved from spare ${s.name} of another type: ${declType(n)} (${bytes(n.size)}, align ${n.align}) in ${elemType(s)} slots (${bytes(es)}, align ${s.align}): ${why.join('; ')}`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: place({ offset: n.offset, size: n.size }, s.align, elemType(s)), to: fplace(n), spare: spareInfo };
}
/** The changes between two layouts of the same struct on one arch. */
export function diffLayouts(A, B, defA, defB) {
    const out = [];
    const sname = B.struct;
    // ---- struct-wide ----
    if (A.size !== B.size) {
        out.push({ kind: 'size-changed', severity: 'incompatible', field: '(struct)', summary: `sizeof(struct ${sname}) changed`, detail: `${A.size} → ${B.size} bytes`, from: { offset: 0, size: A.size }, to: { offset: 0, size: B.size } });
    }
    if (A.align !== B.align) {
        out.push({ kind: 'alignment-changed', severity: 'info', field: '(struct)', summary: `struct alignment changed (size and member offsets decide the ABI of a copied-out record)`, detail: `${A.align} → ${B.align}` });
    }
    if (B.ctassert && !B.ctassert.holds) {
        out.push({ kind: 'ctassert-failed', severity: 'incompatible', field: '(struct)', summary: `CTASSERT(sizeof(struct ${sname}) == ${B.ctassert.macro}) fails in ${defB.revision}`, detail: `asserted ${B.ctassert.expected}, laid out ${B.size}` });
    }
    const fa = new Map(A.fields.map((f) => [f.name, f]));
    const fb = new Map(B.fields.map((f) => [f.name, f]));
    // ---- fields present in both ----
    for (const b of B.fields) {
        const a = fa.get(b.name);
        if (!a)
            continue;
        if (isSpareField(a) && isSpareField(b))
            continue; // spare bookkeeping below
        if (a.offset !== b.offset) {
            out.push({ kind: 'moved', severity: 'incompatible', field: b.name, summary: `moved (${declType(b)})`, detail: `offset ${a.offset} → ${b.offset}`, from: fplace(a), to: fplace(b) });
        }
        if (a.size !== b.size) {
            out.push({ kind: 'resized', severity: 'incompatible', field: b.name, summary: `resized: ${declType(a)} → ${declType(b)}`, detail: `${a.size} → ${b.size} bytes at offset ${b.offset}`, from: fplace(a), to: fplace(b) });
        }
        if (a.offset !== b.offset || a.size !== b.size)
            continue;
        if (a.align !== b.align) {
            out.push({ kind: 'alignment-changed', severity: 'info', field: b.name, summary: `alignment changed: ${declType(a)} → ${declType(b)} (same offset and size)`, detail: `align ${a.align} → ${b.align} at offset ${b.offset}`, from: fplace(a), to: fplace(b) });
        }
        // Leaf by leaf inside the field.
        const la = leavesOf(A, a);
        const lb = leavesOf(B, b);
        const pa = new Map(la.map((l) => [l.path, l]));
        const samePaths = la.length === lb.length && lb.every((l) => pa.has(l.path));
        if (!samePaths) {
            out.push({ kind: 'type-changed', severity: 'compatible', field: b.name, summary: `type changed: ${declType(a)} → ${declType(b)} (same offset and size, different representation)`, detail: `offset ${b.offset}, ${bytes(b.size)}`, from: fplace(a), to: fplace(b) });
            continue;
        }
        let leafChange = false;
        for (const lbx of lb) {
            const lax = pa.get(lbx.path);
            if (lax.offset !== lbx.offset) {
                out.push({ kind: 'moved', severity: 'incompatible', field: lbx.path, summary: `moved inside ${b.name}`, detail: `offset ${lax.offset} → ${lbx.offset}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
                leafChange = true;
            }
            else if (lax.size !== lbx.size) {
                out.push({ kind: 'resized', severity: 'incompatible', field: lbx.path, summary: `resized: ${lax.type} → ${lbx.type}`, detail: `${lax.size} → ${lbx.size} bytes at offset ${lbx.offset}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
                leafChange = true;
            }
            else if (leafSig(lax, 0) !== leafSig(lbx, 0) || (lax.type !== lbx.type && lbx.path !== b.name)) {
                const sign = lax.signed !== lbx.signed ? `, ${lax.signed ? 'signed' : 'unsigned'} → ${lbx.signed ? 'signed' : 'unsigned'}` : '';
                out.push({ kind: 'type-changed', severity: 'compatible', field: lbx.path, summary: `type changed: ${lax.type} → ${lbx.type} (same offset and size${sign})`, detail: `offset ${lbx.offset}, ${bytes(lbx.size)}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
                leafChange = true;
            }
        }
        if (!leafChange && declType(a) !== declType(b)) {
            out.push({ kind: 'type-changed', severity: 'compatible', field: b.name, summary: `type changed: ${declType(a)} → ${declType(b)} (same offset and size)`, detail: `offset ${b.offset}, ${bytes(b.size)}`, from: fplace(a), to: fplace(b) });
        }
    }
    // ---- removed and added ----
    const removed = A.fields.filter((f) => !fb.has(f.name));
    const added = B.fields.filter((f) => !fa.has(f.name));
    const oldSpares = A.fields.filter(isSpareField);
    const oldHoles = holes(A).filter((h) => !h.path.includes('.'));
    const within = (o, s, lo, hi) => o >= lo && o + s <= hi;
    const use = new Map();
    const renamedFrom = new Set();
    const pending = [];
    for (const n of added) {
        if (isSpareField(n)) {
            out.push({ kind: 'spare-added', severity: 'info', field: n.name, summary: `new spare ${declType(n)}`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
            continue;
        }
        // A rename: a removed non-spare field with the same offset and size.
        const r = removed.find((x) => !isSpareField(x) && !renamedFrom.has(x.name) && x.offset === n.offset && x.size === n.size);
        if (r) {
            renamedFrom.add(r.name);
            const t = declType(r) === declType(n) ? declType(n) : `${declType(r)} → ${declType(n)}`;
            out.push({ kind: 'renamed', severity: 'compatible', field: n.name, summary: `renamed from ${r.name} (${t}; same offset and size)`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: fplace(r), to: fplace(n) });
            continue;
        }
        const s = oldSpares.find((x) => within(n.offset, n.size, x.offset, x.offset + x.size));
        if (s) {
            const es = s.type.size;
            const slot0 = Math.floor((n.offset - s.offset) / es);
            const slots = n.size / es;
            const u = use.get(s.name) ?? { bytes: 0, elems: 0 };
            u.bytes += n.size;
            u.elems += slots;
            use.set(s.name, u);
            pending.push({ n, s, slot0, slots });
            continue;
        }
        const inHole = oldHoles.find((h) => within(n.offset, n.size, h.offset, h.offset + h.size));
        if (inHole) {
            out.push({ kind: 'added', severity: 'flagged', field: n.name, summary: `added in former ${inHole.kind === 'tail' ? 'tail ' : ''}padding (${declType(n)}); padding is not a spare and its size differs between arches`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
            continue;
        }
        const where = n.offset >= A.size ? 'beyond the old end of the struct' : 'over bytes that other fields held before';
        out.push({ kind: 'added', severity: 'incompatible', field: n.name, summary: `added (${declType(n)}) ${where}, without consuming a spare`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
    }
    for (const r of removed) {
        if (renamedFrom.has(r.name))
            continue;
        if (isSpareField(r))
            continue; // spare bookkeeping below
        out.push({ kind: 'removed', severity: 'incompatible', field: r.name, summary: `removed (${declType(r)})`, detail: `was at offset ${r.offset}, ${bytes(r.size)}`, from: fplace(r) });
    }
    // ---- spare bookkeeping: each old spare array shrinks by exactly what new fields took ----
    for (const s of oldSpares) {
        const ns = fb.get(s.name);
        const u = use.get(s.name) ?? { bytes: 0, elems: 0 };
        const newBytes = ns ? ns.size : 0;
        const freed = s.size - newBytes;
        const c = countConstant(s);
        const cnote = c ? ` (${c} ${defA.constants[c] ?? '?'} → ${defB.constants[c] ?? '(undefined)'})` : '';
        const mine = pending.filter((p) => p.s === s);
        const movedOut = !!ns && (ns.offset < s.offset || ns.offset + ns.size > s.offset + s.size);
        if (mine.length > 0 && (movedOut || freed < u.bytes)) {
            // The new fields sit where the spare was, but the spare did not shrink to make room: it moved.
            for (const { n } of mine) {
                const es = s.type.size;
                const how = freed <= 0 ? `without reducing ${c ?? 'its count'}` : `but ${s.name} shrank by only ${+(freed / es).toFixed(2)} slot(s) for ${+(u.bytes / es).toFixed(2)} taken${cnote}`;
                out.push({ kind: 'added', severity: 'incompatible', field: n.name, summary: `added (${declType(n)}) in the bytes of ${s.name} ${how}: the spare and what follows shift`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
            }
        }
        if (movedOut) {
            out.push({ kind: 'moved', severity: 'incompatible', field: s.name, summary: `spare ${s.name} moved or grew outside its old bytes${cnote}`, detail: `offset ${s.offset}+${s.size} → ${ns.offset}+${ns.size}`, from: fplace(s), to: fplace(ns) });
            continue;
        }
        if (mine.length > 0 && freed < u.bytes)
            continue;
        for (const { n, slot0, slots } of mine)
            out.push(consumption(n, s, slot0, slots, c, defA, defB, fb));
        if (freed === u.bytes)
            continue;
        if (freed > u.bytes) {
            const slots = (x) => `${+(x / s.type.size).toFixed(2)} ${elemType(s)} slot${x === s.type.size ? '' : 's'}`;
            out.push({
                kind: 'spare-accounting',
                severity: 'flagged',
                field: s.name,
                summary: `spare ${s.name} shrank by more than new fields consumed${cnote}`,
                detail: `shrank by ${bytes(freed)} (${slots(freed)}), new fields took ${bytes(u.bytes)}; ${bytes(freed - u.bytes)} left unaccounted (padding or shifted fields)`,
                from: fplace(s),
                to: ns ? fplace(ns) : undefined,
            });
        }
        else {
            out.push({ kind: 'spare-accounting', severity: 'flagged', field: s.name, summary: `spare ${s.name} shrank by less than new fields consumed${cnote}`, detail: `shrank by ${bytes(freed)}, new fields took ${bytes(u.bytes)}`, from: fplace(s), to: ns ? fplace(ns) : undefined });
        }
    }
    // ---- padding ----
    const ha = holes(A);
    const hb = holes(B);
    const key = (h) => `${h.path}@${h.offset}+${h.size}`;
    const ka = new Set(ha.map(key));
    const kb = new Set(hb.map(key));
    for (const h of hb) {
        if (ka.has(key(h)))
            continue;
        const tail = h.kind === 'tail';
        out.push({ kind: tail ? 'tail-padding-appeared' : 'padding-appeared', severity: 'info', field: h.path, summary: tail ? `tail padding appeared at the end of ${h.path.replace(/\.?\(tail\)$/, '') || `struct ${sname}`}` : `padding appeared before ${h.path}${h.after ? ` (after ${h.after})` : ''}`, detail: `offset ${h.offset}, ${bytes(h.size)}`, to: place(h) });
    }
    for (const h of ha) {
        if (kb.has(key(h)))
            continue;
        const tail = h.kind === 'tail';
        out.push({ kind: tail ? 'tail-padding-vanished' : 'padding-vanished', severity: 'info', field: h.path, summary: tail ? `tail padding vanished at the end of ${h.path.replace(/\.?\(tail\)$/, '') || `struct ${sname}`}` : `padding vanished before ${h.path}${h.after ? ` (after ${h.after})` : ''}`, detail: `offset ${h.offset}, ${bytes(h.size)}`, from: place(h) });
    }
    return out;
}
function verdictOf(sevs) {
    let v = 'identical';
    for (const s of sevs)
        if (v === 'identical' || SEVERITY_RANK[s] > SEVERITY_RANK[v])
            v = s;
    return v;
}
export function exitCodeOf(v) {
    if (v === 'identical')
        return 0;
    return EXIT_CHANGES | (v === 'flagged' || v === 'incompatible' ? EXIT_INCOMPATIBLE : 0);
}
/** Collapse per-arch changes with the same kind, field, severity and summary. */
export function collapse(perArch, arches) {
    const groups = new Map();
    let order = 0;
    for (const arch of arches) {
        for (const c of perArch.get(arch) ?? []) {
            const k = `${c.kind}\u0000${c.field}\u0000${c.severity}\u0000${c.summary}`;
            let g = groups.get(k);
            if (!g) {
                g = { kind: c.kind, severity: c.severity, field: c.field, summary: c.summary, arches: [], allArches: false, perArch: {}, order: order++ };
                groups.set(k, g);
            }
            g.arches.push(arch);
            g.perArch[arch] = { detail: c.detail, from: c.from, to: c.to, spare: c.spare };
        }
    }
    const list = [...groups.values()];
    for (const g of list)
        g.allArches = g.arches.length === arches.length;
    const pos = (g) => {
        if (g.field === '(struct)')
            return -1;
        const p = g.perArch[g.arches[0]];
        return (p.to ?? p.from)?.offset ?? 0;
    };
    list.sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || pos(x) - pos(y) || x.order - y.order);
    return list.map(({ order: _o, ...g }) => g);
}
function pickArches(requested, available, what) {
    if (!requested || requested.length === 0 || (requested.length === 1 && requested[0] === 'all'))
        return available;
    const out = [];
    for (const a of requested.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
        if (a === 'all')
            return available;
        if (!isArch(a))
            throw new UsageError(`unknown arch "${a}" (known: ${ARCHES.join(', ')})`);
        if (!available.includes(a))
            throw new UsageError(`${what} is not defined on ${a} (it is on ${available.join(', ') || 'no arch'})`);
        if (!out.includes(a))
            out.push(a);
    }
    return ARCHES.filter((a) => out.includes(a));
}
/** The ABI diff of a struct between two revisions on every requested arch. */
export function abiDiff(opts) {
    const struct = checkStruct(opts.struct);
    const defA = resolveRevision(opts.from);
    const defB = resolveRevision(opts.to);
    const inA = archesOf(defA, struct);
    const inB = archesOf(defB, struct);
    const both = ARCHES.filter((a) => inA.includes(a) && inB.includes(a));
    const arches = pickArches(opts.arches, both, `struct ${struct} in both ${defA.revision} and ${defB.revision}`);
    if (arches.length === 0)
        throw new UsageError(`struct ${struct} is not defined on any common arch of ${defA.revision} and ${defB.revision}`);
    const perArch = new Map();
    const sizes = {};
    for (const arch of arches) {
        const A = layoutOf(opts.from, defA, struct, arch);
        const B = layoutOf(opts.to, defB, struct, arch);
        perArch.set(arch, diffLayouts(A, B, defA, defB));
        sizes[arch] = { from: A.size, to: B.size, fromAlign: A.align, toAlign: B.align, asserted: B.ctassert?.expected, ctassertHolds: B.ctassert?.holds };
    }
    const changes = collapse(perArch, arches);
    const verdict = verdictOf(changes.map((c) => c.severity));
    const counts = { info: 0, compatible: 0, flagged: 0, incompatible: 0 };
    for (const c of changes)
        counts[c.severity]++;
    return {
        struct,
        from: defA.revision,
        to: defB.revision,
        arches,
        verdict,
        exitCode: exitCodeOf(verdict),
        sizeUnchanged: arches.every((a) => sizes[a].from === sizes[a].to),
        sizes,
        changes,
        counts,
    };
}
