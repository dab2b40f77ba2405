/**
 * The typed form of a record, and the one rule for integers.
 *
 * Rule: integers of 1, 2 or 4 bytes are JS numbers; every 8-byte integer and every pointer (of any
 * width) is a bigint. Kernel pointers and 64-bit counters are exact that way, and a field's JS type
 * depends only on its C type, never on its value. `char x[N]` members are strings (latin1, one
 * char per byte, up to the first NUL; all N bytes if there is none).
 *
 * Bytes the C code leaves behind — anything after a string's NUL (strlcpy never clears it, and the
 * kernel reuses buffers between threads) and non-zero padding — are kept in `_stale`, keyed by the
 * string's leaf path or by `pad@<offset>`, as hex. That is what makes encode(decode(b)) == b.
 */
export type Scalar = number | bigint | string;
export type Value = Scalar | Value[] | KRecord;
export interface KRecord {
    [field: string]: Value | Record<string, string> | undefined;
    _stale?: Record<string, string>;
}
