import * as r from 'restructure';
import { KvmkitError } from "../base/errors.js";
import { decodeCString, encodeCString, nonZeroHex, staleTail } from "./cstring.js";
import { planFor } from "./plan.js";
import { checkScalar, readScalar, writeScalar } from "./scalar.js";
class ScalarType {
    width;
    signed;
    ptr;
    le;
    path;
    constructor(width, signed, ptr, le, path) {
        this.width = width;
        this.signed = signed;
        this.ptr = ptr;
        this.le = le;
        this.path = path;
    }
    decode(s) {
        const v = readScalar(s.view, s.pos, this.width, this.signed, this.ptr, this.le);
        s.pos += this.width;
        return v;
    }
    encode(s, v) {
        writeScalar(s.view, s.pos, this.width, this.signed, this.ptr, this.le, checkScalar(v, this.width, this.signed, this.ptr, this.path));
        s.pos += this.width;
    }
    size() { return this.width; }
}
class CStringType {
    n;
    path;
    sink;
    constructor(n, path, sink) {
        this.n = n;
        this.path = path;
        this.sink = sink;
    }
    decode(s) {
        const v = decodeCString(s.buffer, s.pos, this.n);
        const t = staleTail(s.buffer, s.pos, this.n);
        if (t !== undefined)
            (this.sink().stale ??= {})[this.path] = t;
        s.pos += this.n;
        return v;
    }
    encode(s, v) {
        encodeCString(s.buffer, s.pos, this.n, v, this.sink().stale?.[this.path], { field: this.path });
        s.pos += this.n;
    }
    size() { return this.n; }
}
class PaddingType {
    n;
    key;
    sink;
    constructor(n, key, sink) {
        this.n = n;
        this.key = key;
        this.sink = sink;
    }
    decode(s) {
        const h = nonZeroHex(s.buffer, s.pos, this.n);
        if (h !== undefined)
            (this.sink().stale ??= {})[this.key] = h;
        s.pos += this.n;
        return undefined;
    }
    encode(s) {
        const hex = this.sink().stale?.[this.key];
        if (hex === undefined)
            s.buffer.fill(0, s.pos, s.pos + this.n);
        else
            s.buffer.set(Buffer.from(hex, 'hex'), s.pos);
        s.pos += this.n;
    }
    size() { return this.n; }
}
const PAD_PREFIX = '__pad';
function build(nodes, size, base, pads, le, sink) {
    const fields = {};
    let pos = 0;
    const padAt = (to) => {
        if (to > pos) {
            const p = pads.find((x) => x.off === base + pos);
            if (!p)
                throw new KvmkitError(`internal: gap at ${base + pos} is not a known hole`);
            fields[`${PAD_PREFIX}${base + pos}`] = new PaddingType(to - pos, p.key, sink);
            pos = to;
        }
    };
    for (const n of nodes) {
        padAt(n.off);
        let t;
        if (n.t === 'str')
            t = new CStringType(n.n, n.path, sink);
        else if (n.t === 'int') {
            const s = new ScalarType(n.size, n.signed, n.ptr, le, n.path);
            t = n.count === undefined ? s : new r.Array(s, n.count);
        }
        else {
            const mk = (i) => build(n.fields, n.size, base + n.off + i * n.size, pads, le, sink);
            t = n.count === undefined ? mk(0) : new r.Array(mk(0), n.count);
            if (n.count !== undefined && pads.some((p) => p.off >= base + n.off + n.size && p.off < base + n.off + n.count * n.size)) {
                // Arrays of structs with holes would need per-element padding keys; no kinfo layout has one.
                throw new KvmkitError(`restructure codec: array of structs with padding (${n.path}) is not supported`);
            }
        }
        fields[n.name] = t;
        pos = n.off + (n.t === 'str' ? n.n : n.t === 'int' ? n.size * (n.count ?? 1) : n.size * (n.count ?? 1));
    }
    padAt(size);
    return new r.Struct(fields);
}
export function restructureCodec(layout) {
    const plan = planFor(layout);
    let sink = {};
    const struct = build(plan.fields, layout.size, 0, plan.pads, plan.le, () => sink);
    return {
        struct,
        decode(b, offset = 0) {
            if (offset + layout.size > b.length)
                throw new KvmkitError(`a ${layout.size}-byte record does not fit`, { offset, struct: layout.struct });
            sink = {};
            const stream = new r.DecodeStream(b.subarray(offset, offset + layout.size));
            // Padding decodes to undefined, which restructure does not store, and its own bookkeeping
            // properties are non-enumerable: the decoded object already has the plain record shape.
            const rec = struct.decode(stream);
            if (sink.stale) {
                // Same key order as the fast codec: string tails in field order, then padding.
                const e = Object.entries(sink.stale);
                rec._stale = Object.fromEntries([...e.filter(([k]) => !k.startsWith('pad@')), ...e.filter(([k]) => k.startsWith('pad@'))]);
            }
            return rec;
        },
        encode(rec, out, offset = 0) {
            sink = { stale: rec._stale };
            const bytes = new Uint8Array(layout.size);
            const stream = new r.EncodeStream(bytes);
            struct.encode(stream, withPads(rec));
            const b = out ?? new Uint8Array(layout.size);
            b.set(bytes, offset);
            return b;
        },
    };
}
/** restructure's Struct.encode visits only keys that have values; padding fields need a key. */
function withPads(rec) {
    return new Proxy(rec, { get: (t, k) => (typeof k === 'string' && k.startsWith(PAD_PREFIX) ? 0 : wrap(t[k])) });
}
function wrap(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? withPads(v) : Array.isArray(v) ? v.map(wrap) : v;
}
