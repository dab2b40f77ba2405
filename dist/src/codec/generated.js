import { KvmkitError } from "../base/errors.js";
import { decodeCString, encodeCString, hexOf, nonZeroHex, staleTail } from "./cstring.js";
import { planFor } from "./plan.js";
import { checkScalar, readScalar, writeScalar } from "./scalar.js";
// ---------- interpreter (CSP-safe) ----------
function interpDecode(nodes, dv, b, base, le, st) {
    const r = {};
    for (const n of nodes) {
        const off = base + n.off;
        if (n.t === 'str') {
            r[n.name] = decodeCString(b, off, n.n);
            const t = staleTail(b, off, n.n);
            if (t !== undefined)
                (st.v ??= {})[n.path] = t;
        }
        else if (n.t === 'int') {
            if (n.count === undefined)
                r[n.name] = readScalar(dv, off, n.size, n.signed, n.ptr, le);
            else {
                const a = [];
                for (let i = 0; i < n.count; i++)
                    a.push(readScalar(dv, off + i * n.size, n.size, n.signed, n.ptr, le));
                r[n.name] = a;
            }
        }
        else if (n.count === undefined)
            r[n.name] = interpDecode(n.fields, dv, b, off, le, st);
        else {
            const a = [];
            for (let i = 0; i < n.count; i++)
                a.push(interpDecode(n.fields, dv, b, off + i * n.size, le, st));
            r[n.name] = a;
        }
    }
    return r;
}
function container(v, path, rec, what, count) {
    if (what === 'array') {
        if (!Array.isArray(v))
            throw new KvmkitError(`expected an array of ${count}`, { field: path, record: rec });
        if (v.length !== count)
            throw new KvmkitError(`array has ${v.length} elements, the field has ${count}`, { field: path, record: rec });
    }
    else if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw new KvmkitError('expected an object', { field: path, record: rec });
    return v;
}
function interpEncode(nodes, dv, b, base, le, r, stale, rec) {
    for (const n of nodes) {
        const off = base + n.off;
        const v = r[n.name];
        if (n.t === 'str')
            encodeCString(b, off, n.n, v, stale?.[n.path], { field: n.path, record: rec });
        else if (n.t === 'int') {
            if (n.count === undefined)
                writeScalar(dv, off, n.size, n.signed, n.ptr, le, checkScalar(v, n.size, n.signed, n.ptr, n.path, rec));
            else {
                const a = container(v, n.path, rec, 'array', n.count);
                for (let i = 0; i < n.count; i++)
                    writeScalar(dv, off + i * n.size, n.size, n.signed, n.ptr, le, checkScalar(a[i], n.size, n.signed, n.ptr, `${n.path}[${i}]`, rec));
            }
        }
        else if (n.count === undefined)
            interpEncode(n.fields, dv, b, off, le, container(v, n.path, rec, 'object'), stale, rec);
        else {
            const a = container(v, n.path, rec, 'array', n.count);
            for (let i = 0; i < n.count; i++)
                interpEncode(n.fields, dv, b, off + i * n.size, le, container(a[i], `${n.path}[${i}]`, rec, 'object'), stale, rec);
        }
    }
}
function writePads(plan, b, base, stale, rec) {
    for (const p of plan.pads) {
        const hex = stale?.[p.key];
        if (hex === undefined)
            b.fill(0, base + p.off, base + p.off + p.size);
        else {
            const t = Buffer.from(hex, 'hex');
            if (t.length !== p.size)
                throw new KvmkitError(`padding bytes given as ${t.length} bytes, the hole has ${p.size}`, { field: p.key, record: rec });
            b.set(t, base + p.off);
        }
    }
}
function readPads(plan, b, base, st) {
    for (const p of plan.pads) {
        const h = nonZeroHex(b, base + p.off, p.size);
        if (h !== undefined)
            (st.v ??= {})[p.key] = h;
    }
}
function checkBounds(layout, b, offset) {
    if (offset < 0 || offset + layout.size > b.length) {
        throw new KvmkitError(`a ${layout.size}-byte struct ${layout.struct} does not fit: ${b.length - offset} bytes left`, { struct: layout.struct, arch: layout.arch, revision: layout.revision, offset });
    }
}
function dataView(b) {
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
export function interpretedCodec(layout) {
    const plan = planFor(layout);
    return {
        layout,
        compiled: false,
        decode(b, offset = 0) {
            checkBounds(layout, b, offset);
            const st = {};
            const r = interpDecode(plan.fields, dataView(b), b, offset, plan.le, st);
            readPads(plan, b, offset, st);
            if (st.v)
                r._stale = st.v;
            return r;
        },
        encode(r, out, offset = 0) {
            const b = out ?? new Uint8Array(layout.size);
            checkBounds(layout, b, offset);
            interpEncode(plan.fields, dataView(b), b, offset, plan.le, r, r._stale, undefined);
            writePads(plan, b, offset, r._stale, undefined);
            return b;
        },
    };
}
// ---------- code generation ----------
const GET = { '1s': 'getInt8', '1u': 'getUint8', '2s': 'getInt16', '2u': 'getUint16', '4s': 'getInt32', '4u': 'getUint32', '8s': 'getBigInt64', '8u': 'getBigUint64' };
const SET = { '1s': 'setInt8', '1u': 'setUint8', '2s': 'setInt16', '2u': 'setUint16', '4s': 'setInt32', '4u': 'setUint32', '8s': 'setBigUint64', '8u': 'setBigUint64' };
function readExpr(size, signed, ptr, off, le) {
    const key = `${size}${signed && !ptr ? 's' : 'u'}`;
    const call = `dv.${GET[key]}(${off}${size > 1 ? `, ${le}` : ''})`;
    if (ptr && size === 4)
        return `BigInt(${call})`;
    // Most 64-bit fields of a record are zero (spares, child rusage, unset pointers): testing the two
    // words first avoids allocating a BigInt for them, which roughly doubles decode throughput.
    if (size === 8)
        return `((dv.getUint32(${off}, ${le}) | dv.getUint32(${off} + 4, ${le})) === 0 ? 0n : ${call})`;
    return call;
}
/**
 * Typed-array reads: when the record is 8-aligned in its ArrayBuffer and in host byte order, every
 * naturally aligned field is one element of a typed array over that buffer, which V8 reads inline
 * — much faster than DataView calls. Fields that are not naturally aligned (i386 puts 8-byte
 * integers on 4-byte boundaries) still go through the DataView.
 */
const TA = { '1s': 'i8', '1u': 'u8', '2s': 'i16', '2u': 'u16', '4s': 'i32', '4u': 'u32', '8s': 'i64', '8u': 'u64' };
function readExprTA(size, signed, ptr, off, le) {
    if (off % size !== 0)
        return readExpr(size, signed, ptr, `o + ${off}`, le);
    const key = `${size}${signed && !ptr ? 's' : 'u'}`;
    const el = `${TA[key]}[p${size} + ${off / size}]`;
    if (ptr && size === 4)
        return `BigInt(${el})`;
    if (size === 8) {
        // Small non-negative 64-bit values (most counters, flags, sizes in pages) come from a table of
        // preallocated bigints instead of allocating one each time.
        const lo = `u32[p4 + ${off / 4 + (le ? 0 : 1)}]`;
        const hi = `u32[p4 + ${off / 4 + (le ? 1 : 0)}]`;
        return `(${hi} === 0 && ${lo} < ${SMALL_BIGINTS} ? S[${lo}] : ${el})`;
    }
    return el;
}
function genDecodeObjTA(nodes, base, le) {
    const parts = nodes.map((n) => {
        const off = base + n.off;
        const key = JSON.stringify(n.name);
        if (n.t === 'str')
            return `${key}: H.cs(b, bo + ${off}, ${n.n}, st, ${JSON.stringify(n.path)}, ${stringFieldIndex()})`;
        if (n.t === 'int') {
            if (n.count === undefined)
                return `${key}: ${readExprTA(n.size, n.signed, n.ptr, off, le)}`;
            const els = Array.from({ length: n.count }, (_, i) => readExprTA(n.size, n.signed, n.ptr, off + i * n.size, le));
            return `${key}: [${els.join(', ')}]`;
        }
        if (n.count === undefined)
            return `${key}: ${genDecodeObjTA(n.fields, off, le)}`;
        const els = Array.from({ length: n.count }, (_, i) => genDecodeObjTA(n.fields, off + i * n.size, le));
        return `${key}: [${els.join(', ')}]`;
    });
    return `{ ${parts.join(',\n ')} }`;
}
function genDecodeObj(nodes, base, le) {
    const parts = nodes.map((n) => {
        const off = `${base} + ${n.off}`;
        const key = JSON.stringify(n.name);
        if (n.t === 'str')
            return `${key}: H.cs(b, ${off}, ${n.n}, st, ${JSON.stringify(n.path)}, ${stringFieldIndex()})`;
        if (n.t === 'int') {
            if (n.count === undefined)
                return `${key}: ${readExpr(n.size, n.signed, n.ptr, off, le)}`;
            const els = Array.from({ length: n.count }, (_, i) => readExpr(n.size, n.signed, n.ptr, `${off} + ${i * n.size}`, le));
            return `${key}: [${els.join(', ')}]`;
        }
        if (n.count === undefined)
            return `${key}: ${genDecodeObj(n.fields, `(${off})`, le)}`;
        const els = Array.from({ length: n.count }, (_, i) => genDecodeObj(n.fields, `(${off} + ${i * n.size})`, le));
        return `${key}: [${els.join(', ')}]`;
    });
    return `{ ${parts.join(',\n ')} }`;
}
let varN = 0;
function genEncode(nodes, base, obj, le, lines) {
    for (const n of nodes) {
        const off = `${base} + ${n.off}`;
        const acc = `${obj}[${JSON.stringify(n.name)}]`;
        const path = JSON.stringify(n.path);
        if (n.t === 'str') {
            lines.push(`H.es(b, ${off}, ${n.n}, ${acc}, s && s[${path}], ${path}, rec);`);
        }
        else if (n.t === 'int') {
            const key = `${n.size}${n.signed && !n.ptr ? 's' : 'u'}`;
            const le2 = n.size > 1 ? `, ${le}` : '';
            const conv = n.size === 8 ? (x) => `BigInt.asUintN(64, ${x})` : (x) => `Number(${x})`;
            if (n.count === undefined) {
                lines.push(`dv.${SET[key]}(${off}, ${conv(`H.c(${acc}, ${n.size}, ${n.signed}, ${n.ptr}, ${path}, rec)`)}${le2});`);
            }
            else {
                const a = `a${varN++}`;
                lines.push(`const ${a} = H.arr(${acc}, ${n.count}, ${path}, rec);`);
                for (let i = 0; i < n.count; i++)
                    lines.push(`dv.${SET[key]}(${off} + ${i * n.size}, ${conv(`H.c(${a}[${i}], ${n.size}, ${n.signed}, ${n.ptr}, ${JSON.stringify(`${n.path}[${i}]`)}, rec)`)}${le2});`);
            }
        }
        else if (n.count === undefined) {
            const o = `o${varN++}`;
            lines.push(`const ${o} = H.obj(${acc}, ${path}, rec);`);
            genEncode(n.fields, `(${off})`, o, le, lines);
        }
        else {
            const a = `a${varN++}`;
            lines.push(`const ${a} = H.arr(${acc}, ${n.count}, ${path}, rec);`);
            for (let i = 0; i < n.count; i++) {
                const o = `o${varN++}`;
                lines.push(`const ${o} = H.obj(${a}[${i}], ${JSON.stringify(`${n.path}[${i}]`)}, rec);`);
                genEncode(n.fields, `(${off} + ${i * n.size})`, o, le, lines);
            }
        }
    }
}
let tailBuf;
let tailDv;
function tailView(b) {
    if (b !== tailBuf) {
        tailBuf = b;
        tailDv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return tailDv;
}
/** Last decoded value per string field (indexed by a number given to each field at code generation). */
const lastStr = [];
let nextStringField = 0;
function stringFieldIndex() {
    lastStr.push('');
    return nextStringField++;
}
const SMALL_BIGINTS = 65536;
const S = Array.from({ length: SMALL_BIGINTS }, (_, i) => BigInt(i));
const helpers = {
    S,
    cs(b, off, n, st, path, fi) {
        // Names repeat from record to record (every thread of a process, "FreeBSD ELF64", "root",
        // "kqread"): compare the bytes with the last string this field held and reuse it when equal,
        // which saves building the string. Otherwise build it while scanning for the NUL.
        const stop = off + n;
        const last = lastStr[fi];
        const ll = last.length;
        let end = off;
        let s;
        let same = ll < n ? b[off + ll] === 0 : ll === n;
        if (same)
            for (let k = 0; k < ll; k++)
                if (last.charCodeAt(k) !== b[off + k]) {
                    same = false;
                    break;
                }
        if (same) {
            s = last;
            end = off + ll;
        }
        else {
            s = '';
            while (end < stop) {
                const c = b[end];
                if (c === 0)
                    break;
                s += String.fromCharCode(c);
                end++;
            }
            lastStr[fi] = s;
        }
        // The tail is nearly always zero: test it four bytes at a time, then the last few singly.
        let i = end + 1;
        let any = false;
        const dvw = tailView(b);
        for (; i + 4 <= stop; i += 4)
            if (dvw.getUint32(i) !== 0) {
                any = true;
                break;
            }
        if (!any)
            for (; i < stop; i++)
                if (b[i] !== 0) {
                    any = true;
                    break;
                }
        if (any)
            (st.v ??= {})[path] = hexOf(b, end + 1, stop);
        return s;
    },
    es(b, off, n, v, tail, path, rec) {
        encodeCString(b, off, n, v, tail, { field: path, record: rec });
    },
    c(v, size, signed, ptr, path, rec) {
        return checkScalar(v, size, signed, ptr, path, rec);
    },
    arr(v, count, path, rec) {
        return container(v, path, rec, 'array', count);
    },
    obj(v, path, rec) {
        return container(v, path, rec, 'object');
    },
};
/** Compile a codec with `new Function`; throws where code generation is not allowed. */
export function compiledCodec(layout) {
    const plan = planFor(layout);
    // "_stale" comes last in the literal: the string reads before it have filled st.v by then, and a
    // record that always has the property keeps one hidden class (adding it afterwards costs a
    // map transition per record). It is undefined, and so invisible to JSON, when nothing was stale.
    const decodeBody = `return function decode(dv, b, o, st) { return ${genDecodeObj(plan.fields, 'o', plan.le).replace(/ }$/, ',\n "_stale": st.v }')}; };`;
    // o: absolute byte offset in the ArrayBuffer (8-aligned); bo: offset in b (for strings).
    const decodeTABody = `return function decodeTA(T, dv, b, bo, o, st) {
    const { i8, u8, i16, u16, i32, u32, i64, u64 } = T;
    const S = H.S;
    const p1 = o, p2 = o >>> 1, p4 = o >>> 2, p8 = o >>> 3;
    return ${genDecodeObjTA(plan.fields, 0, plan.le).replace(/dv\.(get\w+)\(o \+ /g, 'dv.$1(bo + ').replace(/ }$/, ',\n "_stale": st.v }')}; };`;
    const lines = [];
    genEncode(plan.fields, 'o', 'r', plan.le, lines);
    const encodeBody = `return function encode(dv, b, o, r, s, rec) {\n${lines.join('\n')}\n};`;
    const dec = new Function('H', decodeBody)(helpers);
    const decTA = new Function('H', decodeTABody)(helpers);
    const hostOrder = plan.le === HOST_LE;
    const holder = {};
    let lastTA;
    let lastAB;
    const enc = new Function('H', encodeBody)(helpers);
    let lastBuf;
    let lastDv;
    const dvFor = (b) => {
        if (b !== lastBuf) {
            lastBuf = b;
            lastDv = dataView(b);
        }
        return lastDv;
    };
    return {
        layout,
        compiled: true,
        decode(b, offset = 0) {
            checkBounds(layout, b, offset);
            // One holder reused across calls (decoding is synchronous and not re-entrant).
            const st = holder;
            st.v = undefined;
            const abs = b.byteOffset + offset;
            let r;
            // Shifts in the generated code need the offset below 2^31 (records past 2 GiB use the DataView).
            if (hostOrder && abs % 8 === 0 && abs < 0x80000000) {
                if (b.buffer !== lastAB) {
                    lastAB = b.buffer;
                    lastTA = typedViews(b.buffer);
                }
                r = decTA(lastTA, dvFor(b), b, offset, abs, st);
            }
            else
                r = dec(dvFor(b), b, offset, st);
            if (plan.pads.length) {
                readPads(plan, b, offset, st);
                if (st.v !== r._stale)
                    r._stale = st.v;
            }
            return r;
        },
        encode(r, out, offset = 0) {
            const b = out ?? new Uint8Array(layout.size);
            checkBounds(layout, b, offset);
            if (r === null || typeof r !== 'object')
                throw new KvmkitError('expected a record object', { struct: layout.struct });
            enc(dvFor(b), b, offset, r, r._stale, undefined);
            writePads(plan, b, offset, r._stale, undefined);
            return b;
        },
    };
}
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function typedViews(ab) {
    const n = ab.byteLength;
    return {
        i8: new Int8Array(ab), u8: new Uint8Array(ab),
        i16: new Int16Array(ab, 0, n >> 1), u16: new Uint16Array(ab, 0, n >> 1),
        i32: new Int32Array(ab, 0, n >> 2), u32: new Uint32Array(ab, 0, n >> 2),
        i64: new BigInt64Array(ab, 0, Math.floor(n / 8)), u64: new BigUint64Array(ab, 0, Math.floor(n / 8)),
    };
}
let codegenAllowed;
/** Whether `new Function` works here (it does not under a strict CSP). */
export function codegenAvailable() {
    if (codegenAllowed === undefined) {
        try {
            codegenAllowed = new Function('return 1')() === 1;
        }
        catch {
            codegenAllowed = false;
        }
    }
    return codegenAllowed;
}
const codecs = new WeakMap();
/** The fastest codec available for a layout: compiled where allowed, interpreted otherwise. */
export function codecFor(layout, opts = {}) {
    if (opts.forceInterpreted)
        return interpretedCodec(layout);
    let c = codecs.get(layout);
    if (!c) {
        c = codegenAvailable() ? compiledCodec(layout) : interpretedCodec(layout);
        codecs.set(layout, c);
    }
    return c;
}
