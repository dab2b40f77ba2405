import * as r from 'restructure';
import type { StructLayout } from '../layout/index.ts';
import type { KRecord } from './values.ts';
export interface RestructureCodec {
    decode(b: Uint8Array, offset?: number): KRecord;
    encode(rec: KRecord, out?: Uint8Array, offset?: number): Uint8Array;
    struct: r.Struct;
}
export declare function restructureCodec(layout: StructLayout): RestructureCodec;
