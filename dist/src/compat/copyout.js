import { KvmkitError } from "../base/errors.js";
import { RecordView } from "../codec/index.js";
import { archDef, getLayout } from "../layout/index.js";
import { copyoutRules } from "./rules.js";
const SPARE = /^ki_spare/;
const plans = new Map();
function leavesUnder(l, field) {
    return l.leaves().filter((x) => x.path === field || x.path.startsWith(field + '.') || x.path.startsWith(field + '['));
}
/** The compat copyout for a 64-bit arch (amd64, arm64, powerpc64, powerpc64le) and a revision. */
export function copyoutPlan(arch, revision) {
    const key = `${arch}/${revision}`;
    const hit = plans.get(key);
    if (hit)
        return hit;
    const a = archDef(arch);
    if (!a.compat32)
        throw new KvmkitError(`arch ${arch} has no COMPAT_FREEBSD32 (no kinfo_proc32)`, { arch, revision });
    const native = getLayout('kinfo_proc', arch, revision);
    const compat = getLayout('kinfo_proc32', arch, revision);
    const rules = copyoutRules(revision);
    const ops = [];
    for (const [field, conv] of rules.fields) {
        const ctx = { arch, revision, field, struct: 'kinfo_proc32' };
        const df = compat.fields.find((f) => f.name === field);
        if (!df)
            throw new KvmkitError(`the copyout rule names ${field}, which this revision's kinfo_proc32 does not have`, ctx);
        const sf = native.fields.find((f) => f.name === field);
        if (!sf && conv !== 'SET')
            throw new KvmkitError(`the copyout rule names ${field}, which this revision's kinfo_proc does not have`, { ...ctx, struct: 'kinfo_proc' });
        const dst = leavesUnder(compat, field);
        const src = sf ? leavesUnder(native, field) : [];
        if (conv === 'CP' || conv === 'TV' || conv === 'RU') {
            const sp = src.map((l) => l.path).join(',');
            const dp = dst.map((l) => l.path).join(',');
            if (sp !== dp)
                throw new KvmkitError(`${conv} needs the same members on both sides (native ${sp}; compat ${dp})`, ctx);
        }
        if (conv === 'BYTES' && sf && sf.size !== df.size)
            throw new KvmkitError(`byte copy of ${sf.size} bytes into ${df.size}`, ctx);
        ops.push({ conv, field, dst, src, dstOff: df.offset, dstSize: df.size, srcOff: sf?.offset ?? 0, srcSize: sf?.size ?? 0 });
    }
    const uncopied = compat.fields.filter((f) => !rules.fields.has(f.name)).map((f) => ({ field: f.name, spare: SPARE.test(f.name), note: rules.notes[f.name] }));
    const dropped = native.fields.filter((f) => !rules.fields.has(f.name)).map((f) => ({ field: f.name, spare: SPARE.test(f.name), note: rules.notes[f.name] }));
    const plan = { arch, revision, native, compat, ops, uncopied, dropped };
    plans.set(key, plan);
    return plan;
}
/** C assignment of a value into a leaf's element type. */
function cconv(leaf, v) {
    const bits = leaf.elemSize * 8;
    let x = BigInt.asUintN(bits, BigInt(v));
    if (leaf.signed && leaf.kind !== 'pointer')
        x = BigInt.asIntN(bits, x);
    return leaf.elemSize === 8 || leaf.kind === 'pointer' ? x : Number(x);
}
function readLeaf(v, l, i) {
    return l.count !== undefined ? v.getAt(l, i) : v.get(l);
}
/** One CP/TV/RU leaf pair, element by element: read the source, C-assign it to the destination. */
function convertLeaf(src, sl, dst, dl) {
    const n = dl.count ?? 1;
    for (let i = 0; i < n; i++) {
        const val = cconv(dl, readLeaf(src, sl, i));
        if (dl.count !== undefined)
            dst.setAt(dl, i, val);
        else
            dst.set(dl, val);
    }
}
/** One rule of freebsd32_kinfo_proc_out, as the C states it (the compiled plan's reference and fallback). */
function convertOp(plan, op, src, dst) {
    const le = plan.compat.littleEndian;
    switch (op.conv) {
        case 'SET':
            dst.assign(op.dst[0], plan.compat.size);
            break;
        case 'CP':
        case 'TV':
        case 'RU':
            for (let k = 0; k < op.dst.length; k++)
                convertLeaf(src, op.src[k], dst, op.dst[k]);
            break;
        case 'PTRTRIM': {
            const l = op.src[0];
            const x = BigInt(src.get(l));
            const u = BigInt.asUintN(l.elemSize * 8, x);
            dst.assign(op.dst[0], u > 0xffffffffn ? 0n : u);
            break;
        }
        case 'FU64': {
            const x = BigInt.asUintN(64, BigInt(src.get(op.src[0])));
            const off = dst.offset + op.dstOff;
            if (op.dst.length === 1 && op.dst[0].elemSize === 8)
                dst.dv.setBigUint64(off, x, le);
            else {
                // freebsd32_uint64_t as two 32-bit words: the low word first [I].
                dst.dv.setUint32(off, Number(x & 0xffffffffn), le);
                dst.dv.setUint32(off + 4, Number(x >> 32n), le);
            }
            break;
        }
        case 'BYTES':
            dst.bytes.set(src.bytes.subarray(src.offset + op.srcOff, src.offset + op.srcOff + op.srcSize), dst.offset + op.dstOff);
            break;
    }
}
const compiledPlans = new WeakMap();
function compile(plan) {
    const le = plan.native.littleEndian;
    if (plan.compat.littleEndian !== le)
        throw new KvmkitError('native and compat records differ in byte order', { arch: plan.arch, revision: plan.revision });
    const copies = [];
    const ptrtrims = [];
    const general = [];
    const scalarOrArray = (l) => l.kind !== 'string';
    for (const op of plan.ops) {
        switch (op.conv) {
            case 'BYTES':
                copies.push([op.srcOff, op.dstOff, op.srcSize]);
                break;
            case 'CP':
            case 'TV':
            case 'RU':
                for (let k = 0; k < op.dst.length; k++) {
                    const sl = op.src[k];
                    const dl = op.dst[k];
                    const n = dl.count ?? 1;
                    if ((sl.count ?? 1) !== n || dl.elemSize > sl.elemSize || !scalarOrArray(sl) || !scalarOrArray(dl)) {
                        general.push({ op, sl, dl });
                        continue;
                    }
                    // The low-order dl.elemSize bytes of each source element: at its start (LE) or end (BE).
                    const low = le ? 0 : sl.elemSize - dl.elemSize;
                    for (let i = 0; i < n; i++)
                        copies.push([sl.offset + i * sl.elemSize + low, dl.offset + i * dl.elemSize, dl.elemSize]);
                }
                break;
            case 'PTRTRIM': {
                const sl = op.src[0];
                const dl = op.dst[0];
                if (op.src.length === 1 && op.dst.length === 1 && sl.count === undefined && dl.count === undefined && sl.elemSize === 8 && dl.elemSize === 4)
                    ptrtrims.push(sl.offset, dl.offset);
                else
                    general.push({ op });
                break;
            }
            default:
                general.push({ op });
        }
    }
    copies.sort((x, y) => x[1] - y[1]);
    const merged = [];
    for (const [src, dst, len] of copies) {
        const m = merged.length;
        if (m > 0 && merged[m - 3] + merged[m - 1] === src && merged[m - 2] + merged[m - 1] === dst)
            merged[m - 1] += len;
        else
            merged.push(src, dst, len);
    }
    return { copies: Int32Array.from(merged), ptrtrims: Int32Array.from(ptrtrims), general };
}
/** freebsd32_kinfo_proc_out(ki, ki32): `src` views a native record, `dst` a kinfo_proc32 buffer. */
export function kinfoProcOut(plan, src, dst) {
    let c = compiledPlans.get(plan);
    if (!c)
        compiledPlans.set(plan, (c = compile(plan)));
    dst.zero();
    const sb = src.bytes;
    const db = dst.bytes;
    const s0 = src.offset;
    const d0 = dst.offset;
    const { copies, ptrtrims } = c;
    for (let j = 0; j < copies.length; j += 3) {
        const s = s0 + copies[j];
        const d = d0 + copies[j + 1];
        const len = copies[j + 2];
        if (len > 16)
            db.set(sb.subarray(s, s + len), d);
        else
            for (let b = 0; b < len; b++)
                db[d + b] = sb[s + b];
    }
    const hiWord = plan.native.littleEndian ? 4 : 0;
    for (let j = 0; j < ptrtrims.length; j += 2) {
        const s = s0 + ptrtrims[j];
        const d = d0 + ptrtrims[j + 1];
        const h = s + hiWord;
        if ((sb[h] | sb[h + 1] | sb[h + 2] | sb[h + 3]) !== 0)
            continue; // > 0xffffffff: 0 (already zeroed)
        const lo = s + 4 - hiWord;
        db[d] = sb[lo];
        db[d + 1] = sb[lo + 1];
        db[d + 2] = sb[lo + 2];
        db[d + 3] = sb[lo + 3];
    }
    for (const g of c.general) {
        if (g.sl && g.dl)
            convertLeaf(src, g.sl, dst, g.dl);
        else
            convertOp(plan, g.op, src, dst);
    }
}
/**
 * The same copyout, rule by rule as the C states it, without the compiled byte moves: the
 * reference the compiled form is tested against.
 */
export function kinfoProcOutByRule(plan, src, dst) {
    dst.zero();
    for (const op of plan.ops)
        convertOp(plan, op, src, dst);
}
/** Convert a buffer of native records to compat records (the `kvmkit compat` command). */
export function convertRecords(arch, revision, bytes, file) {
    const plan = copyoutPlan(arch, revision);
    const n = plan.native.size;
    if (bytes.length % n !== 0)
        throw new KvmkitError(`${bytes.length} bytes is not a whole number of ${n}-byte kinfo_proc records`, { file, arch, revision, offset: bytes.length - (bytes.length % n) });
    const out = new Uint8Array((bytes.length / n) * plan.compat.size);
    const sv = new RecordView(plan.native, bytes, 0);
    const dv = new RecordView(plan.compat, out, 0);
    for (let i = 0; i < bytes.length / n; i++) {
        sv.at(i * n);
        const ss = sv.get('ki_structsize');
        if (ss !== n && ss !== 0)
            throw new KvmkitError(`ki_structsize is ${ss}, not ${n}: not a native ${arch} kinfo_proc`, { file, arch, revision, record: i, field: 'ki_structsize', offset: i * n });
        kinfoProcOut(plan, sv, dv.at(i * plan.compat.size));
    }
    return out;
}
