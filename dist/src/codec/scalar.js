import { KvmkitError } from "../base/errors.js";
/**
 * Scalar reads and writes by (size, signedness, pointer) under the integer rule. Writes check the
 * value fits the C type: a value that would be truncated is an error naming the field.
 */
export function readScalar(dv, off, size, signed, ptr, le) {
    switch (size) {
        case 1: return signed ? dv.getInt8(off) : dv.getUint8(off);
        case 2: return signed ? dv.getInt16(off, le) : dv.getUint16(off, le);
        case 4: return ptr ? BigInt(dv.getUint32(off, le)) : signed ? dv.getInt32(off, le) : dv.getUint32(off, le);
        case 8: return signed ? dv.getBigInt64(off, le) : dv.getBigUint64(off, le);
    }
    throw new KvmkitError(`unsupported scalar size ${size}`, { offset: off });
}
// [size][signed ? 1 : 0] → [min, max] as bigints.
const LIMITS = [];
for (const size of [1, 2, 4, 8]) {
    const bits = BigInt(size * 8);
    LIMITS[size] = [[0n, (1n << bits) - 1n], [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n]];
}
/**
 * Check that a value fits the C type and normalise it (bigint for 8-byte and pointer leaves).
 * The error context is built only on failure: this runs for every field of every record written.
 */
export function checkScalar(v, size, signed, ptr, field, record, struct) {
    if (typeof v === 'number' && size < 8 && !ptr && Number.isInteger(v)) {
        // The common case, decided without allocating.
        if (signed ? v >= -(2 ** (size * 8 - 1)) && v < 2 ** (size * 8 - 1) : v >= 0 && v < 2 ** (size * 8))
            return v;
    }
    const ctx = { field, record, struct };
    if (typeof v === 'number') {
        if (!Number.isInteger(v))
            throw new KvmkitError(`expected an integer, got ${v}`, ctx);
        if (size < 8 && !ptr) {
            const lo = signed ? -(2 ** (size * 8 - 1)) : 0;
            const hi = signed ? 2 ** (size * 8 - 1) - 1 : 2 ** (size * 8) - 1;
            if (v < lo || v > hi)
                throw new KvmkitError(`value ${v} does not fit ${signed ? 'int' : 'uint'}${size * 8}`, ctx);
            return v;
        }
        if (!Number.isSafeInteger(v))
            throw new KvmkitError(`value ${v} is not an exact integer; give 64-bit values as bigint or decimal strings`, ctx);
        v = BigInt(v);
    }
    if (typeof v !== 'bigint')
        throw new KvmkitError(`expected an integer, got ${v === undefined ? 'nothing' : typeof v}`, ctx);
    const [lo, hi] = LIMITS[size][signed && !ptr ? 1 : 0];
    if (v < lo || v > hi)
        throw new KvmkitError(`value ${v} does not fit ${ptr ? 'a pointer of' : signed ? 'int' : 'uint'}${ptr ? ` ${size} bytes` : size * 8}`, ctx);
    return size < 8 && !ptr ? Number(v) : v;
}
export function writeScalar(dv, off, size, signed, ptr, le, v) {
    switch (size) {
        case 1: return signed ? dv.setInt8(off, Number(v)) : dv.setUint8(off, Number(v));
        case 2: return signed ? dv.setInt16(off, Number(v), le) : dv.setUint16(off, Number(v), le);
        case 4: return signed && !ptr ? dv.setInt32(off, Number(v), le) : dv.setUint32(off, Number(v), le);
        case 8: return dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), le);
    }
}
