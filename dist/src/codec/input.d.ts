import { type StructLayout } from '../layout/index.ts';
import { type Candidate } from './detect.ts';
import type { KRecord } from './values.ts';
export interface RecordsInput {
    file: string;
    kind: 'core' | 'raw';
    layout: StructLayout;
    bytes: Uint8Array;
    /** File offset of the first record. */
    offset: number;
    records: KRecord[];
    /** When the layout was detected: every candidate, best first (more than one = ambiguous). */
    candidates?: Candidate[];
    truncated?: {
        wholeRecords: number;
        trailingBytes: number;
    };
}
export interface ReadOptions {
    struct?: string;
    arch?: string;
    rev?: string;
    partial?: boolean;
}
/**
 * Read records from a file: a FreeBSD process core (its NT_PROCSTAT_PROC note) or a raw array of
 * records (`sysctl -b kern.proc.*`, `kvmkit sysctl -o`, `kvmkit ps --raw`). With struct, arch and
 * revision all given nothing is guessed; otherwise the layout is detected and every candidate is
 * reported back.
 */
export declare function readRecordsFile(file: string, opts?: ReadOptions): RecordsInput;
