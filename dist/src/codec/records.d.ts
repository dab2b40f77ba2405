import type { StructLayout } from '../layout/index.ts';
import type { KRecord } from './values.ts';
export interface DecodedRecords {
    layout: StructLayout;
    records: KRecord[];
    /** Set when the input ended inside a record and the caller allowed a partial result. */
    truncated?: {
        wholeRecords: number;
        trailingBytes: number;
    };
}
/**
 * Decode a raw array of records, as `sysctl -b kern.proc.all` writes them. A trailing partial
 * record is an error that says how many whole records were read; with `partial` they are kept
 * and the result is marked truncated instead — never silently dropped.
 */
export declare function decodeRecords(layout: StructLayout, bytes: Uint8Array, opts?: {
    file?: string;
    partial?: boolean;
    baseOffset?: number;
}): DecodedRecords;
export declare function encodeRecords(layout: StructLayout, records: KRecord[]): Uint8Array;
