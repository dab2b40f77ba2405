import { KvmkitError } from "./errors.js";
/**
 * The bounded-read policy: every size, count and offset that comes out of a file is checked here
 * against the bytes that really exist and against a sane cap *before* anything is allocated or
 * looped over. A value that cannot be right is an error naming the file, the field and the offset
 * it was read from. Every reader of file structure (ELF, notes, minidumps, symbol tables, CTF,
 * DWARF, JSON inputs) goes through these few functions so the rule lives in one place.
 */
/** The largest single read kvmkit makes: larger regions are walked in windows, never read whole. */
export const MAX_READ_BYTES = 1 << 30;
function fail(message, at) {
    throw new KvmkitError(message, at);
}
/** A file value as a JS number: refused when negative or beyond what a byte offset can be. */
export function safeNumber(v, at) {
    if (typeof v === 'bigint') {
        if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
            fail(`${at.field} ${v} cannot be a size or offset`, at);
        return Number(v);
    }
    if (!Number.isSafeInteger(v) || v < 0)
        fail(`${at.field} ${v} cannot be a size or offset`, at);
    return v;
}
/**
 * `[start, start + length)` must lie inside `[0, limit)` (the file's or the enclosing section's
 * real size). Returns the numbers for convenience; throws naming the field otherwise.
 */
export function checkRange(start, length, limit, at) {
    const s = safeNumber(start, { ...at, field: `${at.field} offset` });
    const n = safeNumber(length, { ...at, field: `${at.field} size` });
    if (s > limit || n > limit - s) {
        fail(`${at.field}: ${n} bytes at ${s} run past the end of the ${limit}-byte region that holds them`, at);
    }
    return { start: s, length: n };
}
/** A length about to be read into memory at once: inside the region and no larger than the cap. */
export function checkRead(start, length, limit, at, cap = MAX_READ_BYTES) {
    const r = checkRange(start, length, limit, at);
    if (r.length > cap)
        fail(`${at.field}: ${r.length} bytes is more than kvmkit reads at once (${cap}); refusing`, at);
    return r;
}
/**
 * A count of fixed-size entries: `count * entrySize` must fit in `available` bytes and `count` must
 * not exceed `cap`. The product is computed without overflow (as a bigint) before the comparison.
 */
export function checkCount(count, entrySize, available, at, cap = Number.MAX_SAFE_INTEGER) {
    const c = safeNumber(count, at);
    if (c > cap)
        fail(`${at.field} ${c} is more than the ${cap} kvmkit accepts`, at);
    if (entrySize > 0 && BigInt(c) * BigInt(entrySize) > BigInt(available)) {
        fail(`${at.field} ${c} entries of ${entrySize} bytes need ${BigInt(c) * BigInt(entrySize)} bytes, only ${available} are there`, at);
    }
    return c;
}
/** An entry size read from a header: must be at least what the decoder reads from each entry. */
export function checkEntrySize(size, minimum, at) {
    if (!Number.isInteger(size) || size < minimum)
        fail(`${at.field} ${size} is smaller than the ${minimum} bytes each entry needs`, at);
    return size;
}
