import { KvmkitError } from "../base/errors.js";
import { decodeCString } from "./cstring.js";
import { checkScalar, readScalar, writeScalar } from "./scalar.js";
const TWO32 = 2 ** 32;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/**
 * A lazy, mutable view over one record's bytes — the TypeScript counterpart of a C struct pointer.
 * Reading three fields of a record costs three reads, not a decode; writing goes straight to the
 * bytes, so code that fills a record (the live path, the compat copyout) behaves like the kernel's
 * C: strlcpy leaves the bytes after the NUL alone, and a reused buffer keeps what it held.
 */
export class RecordView {
    layout;
    bytes;
    offset;
    dv;
    le;
    /**
     * The bytes as 64-bit words, when the record's byte order is the host's and the buffer starts
     * 8-byte aligned: an element store takes a bigint modulo 2^64 like setBigUint64, several times
     * faster (the fill writes ~40 pointers and longs per record).
     */
    u64;
    rec;
    recOffset = -1;
    constructor(layout, bytes = new Uint8Array(layout.size), offset = 0) {
        this.layout = layout;
        this.bytes = bytes;
        this.offset = offset;
        if (offset < 0 || offset + layout.size > bytes.length) {
            throw new KvmkitError(`a ${layout.size}-byte ${layout.struct} does not fit at this offset (${bytes.length} bytes)`, { struct: layout.struct, offset });
        }
        this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.le = layout.littleEndian;
        this.u64 = this.le === HOST_LE && bytes.byteOffset % 8 === 0 ? new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 3) : undefined;
    }
    /** Point the view at another record of the same buffer (no allocation). */
    at(offset) {
        if (offset < 0 || offset + this.layout.size > this.bytes.length)
            throw new KvmkitError('record offset out of range', { struct: this.layout.struct, offset });
        this.offset = offset;
        return this;
    }
    has(path) {
        return this.layout.findLeaf(path) !== undefined;
    }
    leaf(path) {
        return this.layout.leaf(path);
    }
    get(path) {
        const l = this.resolve(path);
        const off = this.offset + l.offset;
        if (l.kind === 'string')
            return decodeCString(this.bytes, off, l.size);
        if (l.count !== undefined)
            throw new KvmkitError('array leaf: use getArray or getAt', { field: l.path, struct: this.layout.struct });
        return readScalar(this.dv, off, l.elemSize, l.signed, l.kind === 'pointer', this.le);
    }
    getAt(path, i) {
        const l = this.arrayLeaf(path, i);
        return readScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, l.kind === 'pointer', this.le);
    }
    getArray(path) {
        const l = this.resolve(path);
        const n = l.count ?? 1;
        const out = [];
        for (let i = 0; i < n; i++)
            out.push(readScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, l.kind === 'pointer', this.le));
        return out;
    }
    /** Set a scalar leaf, or a whole array leaf from an array (missing tail elements become 0). */
    set(path, value) {
        const l = this.resolve(path);
        if (l.kind === 'string')
            throw new KvmkitError('string leaf: use strlcpy or setBytes', { field: l.path, struct: this.layout.struct });
        if (Array.isArray(value)) {
            const n = l.count ?? 1;
            if (value.length > n)
                throw new KvmkitError(`${value.length} values for an array of ${n}`, { field: l.path, struct: this.layout.struct });
            for (let i = 0; i < n; i++)
                this.setAt(l, i, value[i] ?? 0);
            return;
        }
        if (l.count !== undefined)
            throw new KvmkitError('array leaf: give an array or use setAt', { field: l.path, struct: this.layout.struct });
        const ptr = l.kind === 'pointer';
        writeScalar(this.dv, this.offset + l.offset, l.elemSize, l.signed, ptr, this.le, checkScalar(value, l.elemSize, l.signed, ptr, l.path, undefined, this.layout.struct));
    }
    setAt(path, i, value) {
        const l = this.arrayLeaf(path, i);
        const ptr = l.kind === 'pointer';
        if (typeof value === 'number' && l.elemSize === 4 && !ptr && Number.isInteger(value) && (l.signed ? value >= -0x80000000 && value <= 0x7fffffff : value >= 0 && value <= 0xffffffff)) {
            // The common case (sigset words, group ids) without building the element's path string.
            if (l.signed)
                this.dv.setInt32(this.offset + l.offset + i * 4, value, this.le);
            else
                this.dv.setUint32(this.offset + l.offset + i * 4, value, this.le);
            return;
        }
        writeScalar(this.dv, this.offset + l.offset + i * l.elemSize, l.elemSize, l.signed, ptr, this.le, checkScalar(value, l.elemSize, l.signed, ptr, `${l.path}[${i}]`, undefined, this.layout.struct));
    }
    /**
     * Assign with C conversion semantics: the value is reduced modulo 2^(8·size) and reinterpreted
     * by the destination's signedness, as `dst = src` does in C (the compat copyout's CP()).
     */
    assign(path, value) {
        // The hot path only; the error paths and the narrow and 8-byte number stores are methods of their own.
        const l = typeof path === 'string' ? this.layout.leaf(path) : path;
        if (l.kind === 'string' || l.count !== undefined)
            this.notScalar(l);
        const off = this.offset + l.offset;
        if (typeof value === 'bigint') {
            // A 64-bit word store (u64 element or setBigUint64) takes the bigint modulo 2^64 (ToBigUint64).
            if (l.elemSize !== 8)
                this.setNarrow(off, l.elemSize, Number(BigInt.asUintN(l.elemSize * 8, value)));
            else if (this.u64 !== undefined && (off & 7) === 0)
                this.u64[off >>> 3] = value;
            else
                this.dv.setBigUint64(off, value, this.le);
        }
        else {
            if (!Number.isSafeInteger(value))
                this.notExact(l, value);
            if (l.elemSize === 8)
                this.setNumber64(off, value);
            else
                this.setNarrow(off, l.elemSize, value);
        }
    }
    /**
     * A 1-, 2- or 4-byte store: DataView's setters reduce modulo 2^n exactly as a C conversion to an
     * n-bit type does (and the bits are the same whatever the destination's signedness).
     */
    setNarrow(off, size, x) {
        if (size === 4)
            this.dv.setUint32(off, x, this.le);
        else if (size === 2)
            this.dv.setUint16(off, x, this.le);
        else
            this.dv.setUint8(off, x);
    }
    /**
     * A safe integer (|x| < 2^53) into 8 bytes as two 32-bit words, without a BigInt: x = hi·2^32 + lo
     * with 0 ≤ lo < 2^32 and hi the (signed) high word, all exact in doubles.
     */
    setNumber64(off, x) {
        const hi = Math.floor(x / TWO32);
        const lo = x - hi * TWO32;
        this.dv.setUint32(this.le ? off : off + 4, lo, this.le);
        this.dv.setUint32(this.le ? off + 4 : off, hi >>> 0, this.le);
    }
    notScalar(l) {
        throw new KvmkitError('assign takes a scalar leaf', { field: l.path, struct: this.layout.struct });
    }
    notExact(l, value) {
        throw new KvmkitError(`value ${value} is not an exact integer`, { field: l.path, struct: this.layout.struct });
    }
    /**
     * `dst |= bits` (set) or `dst &= ~bits` (clear) on an integer leaf, for flag bits below 2^31:
     * only the low 32-bit word of the field can change, so it is done there, whatever the rest holds.
     */
    orBits(path, bits) {
        this.updateLowWord(path, bits, true);
    }
    clearBits(path, bits) {
        this.updateLowWord(path, bits, false);
    }
    updateLowWord(path, bits, set) {
        const l = this.resolve(path);
        if (l.kind === 'string' || l.count !== undefined)
            throw new KvmkitError('flag bits need a scalar leaf', { field: l.path, struct: this.layout.struct });
        if (!Number.isInteger(bits) || bits < 0 || bits > 0x7fffffff)
            throw new KvmkitError(`flag bits ${bits} are not below 2^31`, { field: l.path, struct: this.layout.struct });
        const off = this.offset + l.offset;
        switch (l.elemSize) {
            case 8:
            case 4: {
                const w = l.elemSize === 8 && !this.le ? off + 4 : off;
                const x = this.dv.getUint32(w, this.le);
                this.dv.setUint32(w, set ? x | bits : x & ~bits, this.le);
                return;
            }
            case 2: {
                const x = this.dv.getUint16(off, this.le);
                this.dv.setUint16(off, set ? x | bits : x & ~bits, this.le);
                return;
            }
            default: {
                const x = this.dv.getUint8(off);
                this.dv.setUint8(off, set ? x | bits : x & ~bits);
            }
        }
    }
    /** C strlcpy into a char array: at most N−1 bytes, then one NUL; bytes after the NUL untouched. */
    strlcpy(path, s) {
        const l = this.stringLeaf(path);
        if (l.size === 0)
            return; // strlcpy(dst, src, 0) writes nothing
        const off = this.offset + l.offset;
        const max = l.size - 1;
        const b = this.bytes;
        let n = 0;
        if (typeof s === 'string') {
            // A string is its latin1 bytes (each UTF-16 unit's low byte, as Buffer.from(s, 'latin1')),
            // written as they are read: no intermediate buffer. The source ends at its first NUL.
            for (; n < max && n < s.length; n++) {
                const c = s.charCodeAt(n) & 0xff;
                if (c === 0)
                    break;
                b[off + n] = c;
            }
        }
        else {
            let len = s.indexOf(0);
            if (len < 0)
                len = s.length;
            n = Math.min(len, max);
            b.set(s.subarray(0, n), off);
        }
        b[off + n] = 0;
    }
    /** Copy raw bytes into a leaf (e.g. libkvm's 18-byte copy of s_login); must fit exactly or be shorter. */
    setBytes(path, src) {
        const l = this.resolve(path);
        if (src.length > l.size)
            throw new KvmkitError(`${src.length} bytes do not fit the ${l.size}-byte field`, { field: l.path, struct: this.layout.struct });
        this.bytes.set(src, this.offset + l.offset);
    }
    getBytes(path) {
        const l = this.resolve(path);
        return this.bytes.subarray(this.offset + l.offset, this.offset + l.offset + l.size);
    }
    zero(path) {
        if (path === undefined) {
            this.bytes.fill(0, this.offset, this.offset + this.layout.size);
            return;
        }
        const l = this.resolve(path);
        this.bytes.fill(0, this.offset + l.offset, this.offset + l.offset + l.size);
    }
    /** The bytes of this record (a view, not a copy). */
    record() {
        if (this.recOffset !== this.offset) {
            this.rec = this.bytes.subarray(this.offset, this.offset + this.layout.size);
            this.recOffset = this.offset;
        }
        return this.rec;
    }
    resolve(path) {
        return typeof path === 'string' ? this.layout.leaf(path) : path;
    }
    stringLeaf(path) {
        const l = this.resolve(path);
        if (l.kind !== 'string')
            throw new KvmkitError('not a char array', { field: l.path, struct: this.layout.struct });
        return l;
    }
    arrayLeaf(path, i) {
        const l = this.resolve(path);
        const n = l.count ?? 1;
        if (!Number.isInteger(i) || i < 0 || i >= n)
            throw new KvmkitError(`index ${i} out of range 0..${n - 1}`, { field: l.path, struct: this.layout.struct });
        return l;
    }
}
