import { KvmkitError } from "../base/errors.js";
/** Decode `n` bytes of a C char array: the text up to the first NUL (latin1, byte-exact). */
export function decodeCString(b, off, n) {
    let end = off;
    const stop = off + n;
    while (end < stop && b[end] !== 0)
        end++;
    let s = '';
    for (let i = off; i < end; i++)
        s += String.fromCharCode(b[i]);
    return s;
}
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Lower-case hex of b[start, end): the form stale bytes and padding take in `_stale`. */
export function hexOf(b, start, end) {
    let s = '';
    for (let i = start; i < end; i++)
        s += HEX[b[i]];
    return s;
}
/** Hex of the bytes after the string's NUL when any is non-zero, else undefined. */
export function staleTail(b, off, n) {
    let i = off;
    const stop = off + n;
    while (i < stop && b[i] !== 0)
        i++;
    if (i >= stop)
        return undefined;
    let nz = false;
    for (let j = i + 1; j < stop; j++)
        if (b[j] !== 0) {
            nz = true;
            break;
        }
    return nz ? hexOf(b, i + 1, stop) : undefined;
}
export function nonZeroHex(b, off, n) {
    for (let j = off; j < off + n; j++)
        if (b[j] !== 0)
            return hexOf(b, off, off + n);
    return undefined;
}
/**
 * Write a string into an N-byte char array: its bytes, a NUL if it is shorter than N, then the
 * stale tail (or zeros). A string longer than N, or one with characters above U+00FF, is refused
 * rather than cut: silent truncation would hide a bug.
 */
export function encodeCString(b, off, n, s, tailHex, ctx) {
    if (typeof s !== 'string')
        throw new KvmkitError(`expected a string, got ${typeof s}`, ctx);
    if (s.length > n)
        throw new KvmkitError(`string of ${s.length} chars does not fit char[${n}]`, ctx);
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff || c === 0)
            throw new KvmkitError(`string has a character (U+${c.toString(16).padStart(4, '0')}) that is not one non-NUL byte`, ctx);
        b[off + i] = c;
    }
    if (s.length === n) {
        if (tailHex)
            throw new KvmkitError('stale bytes given for a string that fills its array (no NUL)', ctx);
        return;
    }
    b[off + s.length] = 0;
    const rest = n - s.length - 1;
    if (tailHex !== undefined) {
        const t = Buffer.from(tailHex, 'hex');
        if (t.length !== rest)
            throw new KvmkitError(`stale tail is ${t.length} bytes, the array has ${rest} after the NUL`, ctx);
        b.set(t, off + s.length + 1);
    }
    else
        b.fill(0, off + s.length + 1, off + n);
}
