import type { Leaf, StructLayout } from '../layout/index.ts';
import { type Rusage, type RusageExt, type Sigset, type Timeval } from '../kernel/model.ts';
/**
 * Field readers with constant offsets, made once per (struct, arch, revision) from the kernel
 * layout: `num(dv, o)` is `Number(new RecordView(layout, bytes, o).get(path))` and `big(dv, o)` is
 * `BigInt(… .get(path))`, without the path lookup, the generic scalar switch or a RecordView per
 * struct. They are closures (no code generation, so they work under a strict CSP); each one is
 * specialised by size, signedness and byte order when it is made.
 *
 * A struct is decoded from the span of bytes its readers touch (`span`), so reading ps_sigignore
 * from a 3 KiB struct sigacts copies nothing and touches one page.
 */
export type NumR = (dv: DataView, o: number) => number;
export type BigR = (dv: DataView, o: number) => bigint;
export type StrR = (b: Uint8Array, o: number) => string;
/** Tracks the byte range a set of readers touches. */
export declare class Span {
    readonly layout: StructLayout;
    readonly size: number;
    lo: number;
    hi: number;
    constructor(layout: StructLayout, size?: number);
    leaf(path: string): Leaf;
    num(path: string): NumR;
    big(path: string): BigR;
    str(path: string): StrR;
    sigset(path: string): (dv: DataView, o: number) => Sigset;
    timeval(path: string): (dv: DataView, o: number) => Timeval;
    rusage(path: string): (dv: DataView, o: number) => Rusage;
    rux(path: string): (dv: DataView, o: number) => RusageExt;
    /** Offset and length of the touched bytes (the whole struct when nothing was asked for). */
    range(): {
        lo: number;
        len: number;
    };
}
/** Number(readScalar(...)) of a scalar leaf. */
export declare function numAt(l: Leaf, le: boolean): NumR;
/** BigInt(readScalar(...)) of a scalar leaf (pointers unsigned). */
export declare function bigAt(l: Leaf, le: boolean): BigR;
