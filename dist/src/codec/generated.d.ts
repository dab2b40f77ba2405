import type { StructLayout } from '../layout/index.ts';
import type { KRecord } from './values.ts';
/**
 * The fast codec. From a layout's plan it compiles, once per layout, a straight-line decoder and
 * encoder (DataView reads at constant offsets, object literals with a fixed shape, so V8 keeps them
 * in fast mode). Where code generation is forbidden (a strict Content-Security-Policy blocks
 * `new Function`), the same plan is interpreted instead: slower, same bytes.
 */
export type DecodeFn = (bytes: Uint8Array, offset?: number) => KRecord;
export type EncodeFn = (record: KRecord, out?: Uint8Array, offset?: number) => Uint8Array;
export interface Codec {
    decode: DecodeFn;
    encode: EncodeFn;
    compiled: boolean;
    layout: StructLayout;
}
export declare function interpretedCodec(layout: StructLayout): Codec;
/** Compile a codec with `new Function`; throws where code generation is not allowed. */
export declare function compiledCodec(layout: StructLayout): Codec;
/** Whether `new Function` works here (it does not under a strict CSP). */
export declare function codegenAvailable(): boolean;
/** The fastest codec available for a layout: compiled where allowed, interpreted otherwise. */
export declare function codecFor(layout: StructLayout, opts?: {
    forceInterpreted?: boolean;
}): Codec;
