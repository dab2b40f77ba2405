import { type KRecord } from '../codec/index.ts';
import { type Viewer } from '../kernel/fill.ts';
import { type StructLayout } from '../layout/index.ts';
import type { ProcessSource, WalkError } from './source.ts';
/**
 * The kvm_getprocs walker over a process source (./source.ts), in two modes:
 *
 * - `exact`: the records the live `kern.proc.*` sysctl returns for the same system (pid-hash order
 *   when the kernel has `pidhashtbl`, else allproc), produced by the live path's own functions
 *   (`kernProcOut` → fill_kinfo_proc / fill_kinfo_thread / freebsd32 copyout) on the objects read;
 * - `libkvm`: what lib/libkvm's kvm_getprocs returns from a dead kernel (spec §3), built from the
 *   live record by the named rules of ./rules.ts, with libkvm's list, filters, reads and errors.
 *
 * Records stream through `onRecord` (the walk keeps nothing unless `keep`), so a walk over 10⁵
 * processes costs one record buffer, not 10⁵. Failures never stop the walk: each becomes a
 * WalkError with its address; records built from partly read processes name the fields that could
 * not be recovered in `unavailable`. `strict` turns the first error into an exception.
 */
export type KvmMode = 'exact' | 'libkvm';
export interface GetProcsOptions {
    /** One record per thread (the `_td` nodes / KERN_PROC_INC_THREAD); ALL is always per thread. */
    threads?: boolean;
    mode?: KvmMode;
    /** kinfo_proc32 records through the freebsd32 copyout (exact mode, 64-bit arches with compat). */
    compat32?: boolean;
    /** Any error (unreadable object, cycle) makes the walk throw. */
    strict?: boolean;
    /** The caller, for exact mode's p_cansee and ki_jid (default: root in prison0). */
    viewer?: Viewer;
    /** Keep the records in the result (default true); set false with onRecord for constant memory. */
    keep?: boolean;
    onRecord?: (r: KvmRecord) => void;
    /** Called every `progressEvery` processes with (processes visited, list length). */
    onProgress?: (done: number, total: number) => void;
}
export interface KvmRecord {
    index: number;
    pid: number;
    tid: number;
    paddr: bigint;
    tdaddr: bigint;
    /** The record bytes, exactly as the sysctl (or libkvm) returns them. Valid after onRecord only if kept. */
    bytes: Uint8Array;
    /** Fields whose value could not be recovered from memory (their bytes are not data). */
    unavailable: string[];
    /**
     * The controlling terminal's device name (its cdev's si_name, e.g. "pts/0"), when the process
     * has one: what devname(ki_tdev) gives on the live system. Not part of the record.
     */
    tty?: string;
    /** The typed record (decoded on first access). */
    readonly value: KRecord;
}
export interface GetProcsResult {
    mode: KvmMode;
    op: number;
    arg: number;
    layout: StructLayout;
    /** Which kernel list gave the processes, in its order. */
    walked: 'pidhash' | 'allproc' | 'allproc+zombproc' | 'exported-offsets';
    records: KvmRecord[];
    count: number;
    errors: WalkError[];
    notes: string[];
    /** libkvm mode: kvm_getprocs itself would have returned NULL with this kvm_geterr() text. */
    libkvm?: {
        returnsNull: boolean;
        errbuf: string;
    };
    /** All kept record bytes, back to back (what the sysctl's buffer holds). */
    concat(): Uint8Array;
}
/** Record fields derived from each kernel object (what becomes unavailable when it cannot be read). */
export declare const FIELDS_FROM: Record<string, string[]>;
/** kvm_getprocs over a process source. */
export declare function getProcs(src: ProcessSource, op: number, arg: number, opts?: GetProcsOptions): GetProcsResult;
/** The byte ranges of the record that no field rule owns (copied from the live record). */
export declare function unownedRanges(layout: StructLayout): [number, number][];
