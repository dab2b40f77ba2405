import type { Leaf, StructLayout } from '../layout/index.ts';
/**
 * A leaf named by its dotted path, or the Leaf itself. Code that writes the same fields of many
 * records (the live path's fill) resolves its leaves once per layout and passes the Leaf objects:
 * a path costs a hash lookup per call.
 */
export type LeafRef = string | Leaf;
/**
 * A lazy, mutable view over one record's bytes — the TypeScript counterpart of a C struct pointer.
 * Reading three fields of a record costs three reads, not a decode; writing goes straight to the
 * bytes, so code that fills a record (the live path, the compat copyout) behaves like the kernel's
 * C: strlcpy leaves the bytes after the NUL alone, and a reused buffer keeps what it held.
 */
export declare class RecordView {
    readonly layout: StructLayout;
    readonly bytes: Uint8Array;
    offset: number;
    readonly dv: DataView;
    private readonly le;
    /**
     * The bytes as 64-bit words, when the record's byte order is the host's and the buffer starts
     * 8-byte aligned: an element store takes a bigint modulo 2^64 like setBigUint64, several times
     * faster (the fill writes ~40 pointers and longs per record).
     */
    private readonly u64;
    private rec;
    private recOffset;
    constructor(layout: StructLayout, bytes?: Uint8Array, offset?: number);
    /** Point the view at another record of the same buffer (no allocation). */
    at(offset: number): this;
    has(path: string): boolean;
    leaf(path: string): Leaf;
    get(path: LeafRef): number | bigint | string;
    getAt(path: LeafRef, i: number): number | bigint;
    getArray(path: LeafRef): (number | bigint)[];
    /** Set a scalar leaf, or a whole array leaf from an array (missing tail elements become 0). */
    set(path: LeafRef, value: number | bigint | (number | bigint)[]): void;
    setAt(path: LeafRef, i: number, value: number | bigint): void;
    /**
     * Assign with C conversion semantics: the value is reduced modulo 2^(8·size) and reinterpreted
     * by the destination's signedness, as `dst = src` does in C (the compat copyout's CP()).
     */
    assign(path: LeafRef, value: number | bigint): void;
    /**
     * A 1-, 2- or 4-byte store: DataView's setters reduce modulo 2^n exactly as a C conversion to an
     * n-bit type does (and the bits are the same whatever the destination's signedness).
     */
    private setNarrow;
    /**
     * A safe integer (|x| < 2^53) into 8 bytes as two 32-bit words, without a BigInt: x = hi·2^32 + lo
     * with 0 ≤ lo < 2^32 and hi the (signed) high word, all exact in doubles.
     */
    private setNumber64;
    private notScalar;
    private notExact;
    /**
     * `dst |= bits` (set) or `dst &= ~bits` (clear) on an integer leaf, for flag bits below 2^31:
     * only the low 32-bit word of the field can change, so it is done there, whatever the rest holds.
     */
    orBits(path: LeafRef, bits: number): void;
    clearBits(path: LeafRef, bits: number): void;
    private updateLowWord;
    /** C strlcpy into a char array: at most N−1 bytes, then one NUL; bytes after the NUL untouched. */
    strlcpy(path: LeafRef, s: string | Uint8Array): void;
    /** Copy raw bytes into a leaf (e.g. libkvm's 18-byte copy of s_login); must fit exactly or be shorter. */
    setBytes(path: LeafRef, src: Uint8Array): void;
    getBytes(path: LeafRef): Uint8Array;
    zero(path?: LeafRef): void;
    /** The bytes of this record (a view, not a copy). */
    record(): Uint8Array;
    private resolve;
    private stringLeaf;
    private arrayLeaf;
}
