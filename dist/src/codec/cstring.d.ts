import { type ErrorContext } from '../base/errors.ts';
/** Decode `n` bytes of a C char array: the text up to the first NUL (latin1, byte-exact). */
export declare function decodeCString(b: Uint8Array, off: number, n: number): string;
/** Lower-case hex of b[start, end): the form stale bytes and padding take in `_stale`. */
export declare function hexOf(b: Uint8Array, start: number, end: number): string;
/** Hex of the bytes after the string's NUL when any is non-zero, else undefined. */
export declare function staleTail(b: Uint8Array, off: number, n: number): string | undefined;
export declare function nonZeroHex(b: Uint8Array, off: number, n: number): string | undefined;
/**
 * Write a string into an N-byte char array: its bytes, a NUL if it is shorter than N, then the
 * stale tail (or zeros). A string longer than N, or one with characters above U+00FF, is refused
 * rather than cut: silent truncation would hide a bug.
 */
export declare function encodeCString(b: Uint8Array, off: number, n: number, s: string, tailHex: string | undefined, ctx: ErrorContext): void;
