import type { StructLayout } from '../layout/index.ts';
import type { KRecord } from './values.ts';
export declare function recordToJson(layout: StructLayout, r: KRecord): Record<string, unknown>;
export declare function recordFromJson(layout: StructLayout, json: unknown, record?: number): KRecord;
/** A record of all zeros in typed form (what `memset(&kp, 0, sizeof(kp))` gives). */
export declare function zeroRecord(layout: StructLayout): KRecord;
