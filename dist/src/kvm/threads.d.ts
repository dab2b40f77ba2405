import type { KernelImage } from '../image/image.ts';
/**
 * The process and thread list of a crash dump, read with nothing but the offsets the kernel
 * exports about itself (`proc_off_*`, `thread_off_*`: `const int` objects whose values are in the
 * dump). No struct layout is assumed beyond the queue macros: LIST_ENTRY/TAILQ_ENTRY/TAILQ_HEAD all
 * start with their "next"/"first" pointer.
 */
/** The exported offsets, in the order libfbsdvmcore's reader prints them. */
export declare const OFFSET_SYMBOLS: readonly ["proc_off_p_list", "proc_off_p_pid", "proc_off_p_threads", "proc_off_p_comm", "thread_off_td_tid", "thread_off_td_plist", "thread_off_td_oncpu", "thread_off_td_name"];
export type OffsetSymbol = (typeof OFFSET_SYMBOLS)[number];
/** PID_MAX is 99999; a list longer than this is corrupt, whatever the visited set says. */
export declare const MAX_PROCS = 100000;
export declare const MAX_THREADS_PER_PROC = 100000;
export interface ThreadEntry {
    tdaddr: bigint;
    tid?: number;
    name?: string;
    oncpu?: number;
    crashed?: boolean;
    /** Set when this thread could not be read; the walk of this process stops here. */
    error?: string;
}
export interface ProcEntry {
    paddr: bigint;
    pid?: number;
    comm?: string;
    threads: ThreadEntry[];
    /** Set when the process could not be read, or its list link is bad; the walk stops here. */
    error?: string;
}
export interface OffsetValue {
    value: number;
    /** Where the `const int` lives in kernel memory. */
    address: bigint;
}
export interface ThreadWalk {
    offsets: Record<OffsetSymbol, OffsetValue>;
    dumptid: number;
    allproc: bigint;
    procs: ProcEntry[];
    /** True when an error entry ended a list early. */
    incomplete: boolean;
}
/** Read the exported offsets; a missing symbol or unreadable value is fatal (nothing can be walked). */
export declare function readOffsets(img: KernelImage): Record<OffsetSymbol, OffsetValue>;
/** Walk `allproc` and each process's `p_threads`. Bad pointers and cycles become error entries. */
export declare function walkThreads(img: KernelImage): ThreadWalk;
/** The text report, shaped like libfbsdvmcore's listing (expected/*.txt in the corpus). */
export declare function formatThreadWalk(w: ThreadWalk): string;
/** The JSON shape of `kvmkit threads --json`: addresses as "0x…" strings. */
export declare function threadWalkJson(w: ThreadWalk): unknown[];
