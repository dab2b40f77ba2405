import { type ErrorContext } from './errors.ts';
/**
 * The bounded-read policy: every size, count and offset that comes out of a file is checked here
 * against the bytes that really exist and against a sane cap *before* anything is allocated or
 * looped over. A value that cannot be right is an error naming the file, the field and the offset
 * it was read from. Every reader of file structure (ELF, notes, minidumps, symbol tables, CTF,
 * DWARF, JSON inputs) goes through these few functions so the rule lives in one place.
 */
/** The largest single read kvmkit makes: larger regions are walked in windows, never read whole. */
export declare const MAX_READ_BYTES: number;
/** Where a value was read from: enough for the error to send the analyst to the byte. */
export interface Origin extends ErrorContext {
    file: string;
    field: string;
    offset: number | bigint;
}
/** A file value as a JS number: refused when negative or beyond what a byte offset can be. */
export declare function safeNumber(v: number | bigint, at: Origin): number;
/**
 * `[start, start + length)` must lie inside `[0, limit)` (the file's or the enclosing section's
 * real size). Returns the numbers for convenience; throws naming the field otherwise.
 */
export declare function checkRange(start: number | bigint, length: number | bigint, limit: number, at: Origin): {
    start: number;
    length: number;
};
/** A length about to be read into memory at once: inside the region and no larger than the cap. */
export declare function checkRead(start: number | bigint, length: number | bigint, limit: number, at: Origin, cap?: number): {
    start: number;
    length: number;
};
/**
 * A count of fixed-size entries: `count * entrySize` must fit in `available` bytes and `count` must
 * not exceed `cap`. The product is computed without overflow (as a bigint) before the comparison.
 */
export declare function checkCount(count: number | bigint, entrySize: number, available: number, at: Origin, cap?: number): number;
/** An entry size read from a header: must be at least what the decoder reads from each entry. */
export declare function checkEntrySize(size: number, minimum: number, at: Origin): number;
