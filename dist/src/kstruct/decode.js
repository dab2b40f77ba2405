import { decodeCString } from "../codec/cstring.js";
import { RU_COUNTERS } from "../kernel/model.js";
/** 0n … 1023n, shared: most counters and many small fields are zero or small, and a BigInt read allocates. */
const SMALL = Array.from({ length: 1024 }, (_, i) => BigInt(i));
/** Tracks the byte range a set of readers touches. */
export class Span {
    layout;
    size;
    lo = Infinity;
    hi = -Infinity;
    constructor(layout, size = layout.size) {
        this.layout = layout;
        this.size = size;
    }
    leaf(path) {
        const l = this.layout.leaf(path);
        this.lo = Math.min(this.lo, l.offset);
        this.hi = Math.max(this.hi, l.offset + l.size);
        return l;
    }
    num(path) {
        return numAt(this.leaf(path), this.layout.littleEndian);
    }
    big(path) {
        return bigAt(this.leaf(path), this.layout.littleEndian);
    }
    str(path) {
        const l = this.leaf(path);
        const off = l.offset, n = l.size;
        return (b, o) => decodeCString(b, o + off, n);
    }
    sigset(path) {
        const l = this.leaf(`${path}.__bits`);
        const count = l.count ?? 1;
        const el = (i) => (i < count ? numAt({ ...l, offset: l.offset + i * l.elemSize, count: undefined }, this.layout.littleEndian) : () => 0);
        const a = el(0), b = el(1), c = el(2), d = el(3);
        return (dv, o) => [a(dv, o) >>> 0, b(dv, o) >>> 0, c(dv, o) >>> 0, d(dv, o) >>> 0];
    }
    timeval(path) {
        const s = this.big(`${path}.tv_sec`), u = this.big(`${path}.tv_usec`);
        return (dv, o) => ({ sec: s(dv, o), usec: u(dv, o) });
    }
    rusage(path) {
        const ut = this.timeval(`${path}.ru_utime`), st = this.timeval(`${path}.ru_stime`);
        const [maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw] = RU_COUNTERS.map((k) => this.big(`${path}.${k}`));
        return (dv, o) => ({
            ru_utime: ut(dv, o), ru_stime: st(dv, o),
            ru_maxrss: maxrss(dv, o), ru_ixrss: ixrss(dv, o), ru_idrss: idrss(dv, o), ru_isrss: isrss(dv, o), ru_minflt: minflt(dv, o),
            ru_majflt: majflt(dv, o), ru_nswap: nswap(dv, o), ru_inblock: inblock(dv, o), ru_oublock: oublock(dv, o), ru_msgsnd: msgsnd(dv, o),
            ru_msgrcv: msgrcv(dv, o), ru_nsignals: nsignals(dv, o), ru_nvcsw: nvcsw(dv, o), ru_nivcsw: nivcsw(dv, o),
        });
    }
    rux(path) {
        const [rt, ut, st, it, uu, su, tu] = ['rux_runtime', 'rux_uticks', 'rux_sticks', 'rux_iticks', 'rux_uu', 'rux_su', 'rux_tu'].map((k) => this.big(`${path}.${k}`));
        return (dv, o) => ({ rux_runtime: rt(dv, o), rux_uticks: ut(dv, o), rux_sticks: st(dv, o), rux_iticks: it(dv, o), rux_uu: uu(dv, o), rux_su: su(dv, o), rux_tu: tu(dv, o) });
    }
    /** Offset and length of the touched bytes (the whole struct when nothing was asked for). */
    range() {
        return this.lo === Infinity ? { lo: 0, len: this.size } : { lo: this.lo, len: this.hi - this.lo };
    }
}
function checkScalarLeaf(l) {
    if (l.kind === 'string' || l.count !== undefined)
        throw new Error(`${l.path}: not a scalar leaf`);
    if (![1, 2, 4, 8].includes(l.elemSize))
        throw new Error(`${l.path}: unsupported scalar size ${l.elemSize}`);
}
/** Number(readScalar(...)) of a scalar leaf. */
export function numAt(l, le) {
    checkScalarLeaf(l);
    // Same cases as codec/scalar.ts readScalar.
    const off = l.offset, ptr = l.kind === 'pointer', signed = l.signed;
    switch (l.elemSize) {
        case 1: return signed ? (dv, o) => dv.getInt8(o + off) : (dv, o) => dv.getUint8(o + off);
        case 2: return signed ? (dv, o) => dv.getInt16(o + off, le) : (dv, o) => dv.getUint16(o + off, le);
        case 4: return signed && !ptr ? (dv, o) => dv.getInt32(o + off, le) : (dv, o) => dv.getUint32(o + off, le);
        default: {
            // hi·2³² + lo is exact before the one rounding, so it equals Number(the 64-bit BigInt).
            const lo = le ? off : off + 4, hi = le ? off + 4 : off;
            return l.signed ? (dv, o) => dv.getInt32(o + hi, le) * 4294967296 + dv.getUint32(o + lo, le) : (dv, o) => dv.getUint32(o + hi, le) * 4294967296 + dv.getUint32(o + lo, le);
        }
    }
}
/** BigInt(readScalar(...)) of a scalar leaf (pointers unsigned). */
export function bigAt(l, le) {
    checkScalarLeaf(l);
    if (l.elemSize < 8) {
        const n = numAt(l, le);
        return (dv, o) => {
            const v = n(dv, o);
            return v >= 0 && v < 1024 ? SMALL[v] : BigInt(v);
        };
    }
    const off = l.offset, lo = le ? off : off + 4, hi = le ? off + 4 : off;
    if (l.signed) {
        return (dv, o) => {
            const h = dv.getUint32(o + hi, le), w = dv.getUint32(o + lo, le);
            return h === 0 && w < 1024 ? SMALL[w] : dv.getBigInt64(o + off, le);
        };
    }
    return (dv, o) => {
        const h = dv.getUint32(o + hi, le), w = dv.getUint32(o + lo, le);
        return h === 0 && w < 1024 ? SMALL[w] : dv.getBigUint64(o + off, le);
    };
}
