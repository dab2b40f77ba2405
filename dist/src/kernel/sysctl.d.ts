import { KvmkitError } from '../base/errors.ts';
import { type StructLayout } from '../layout/index.ts';
import { type FillContext, type Viewer } from './fill.ts';
import type { KernelModel, Proc, Ucred } from './model.ts';
/**
 * sysctl_kern_proc and its helpers (spec §2.1–§2.3): selector and argument rules, pid-hash
 * iteration order, p_cansee visibility, kern_proc_out (per-process or per-thread records with the
 * buffer reused between threads), the MASK32 compat copyout, size probes and short buffers.
 */
export interface SysctlRequest {
    /** The node number under kern.proc (KERN_PROC_* possibly | KERN_PROC_INC_THREAD). */
    op: number;
    /** The name components after the node (pid, pgid, uid …). */
    name?: number[];
    /** Shorthand for name = [arg]. */
    arg?: number;
    /** Shorthand: add KERN_PROC_INC_THREAD (the `_td` node); ignored for ALL, which is always per thread. */
    threads?: boolean;
    /** The caller is a 32-bit compat process (SCTL_MASK32): records are kinfo_proc32. */
    compat32?: boolean;
    revision: string;
    /** Defaults to root in prison0. */
    viewer?: Viewer;
    /** The caller's buffer size; null = size probe (oldptr NULL); undefined = unlimited. */
    oldlen?: number | null;
}
export interface RecordInfo {
    pid: number;
    tid: number;
    offset: number;
    size: number;
}
export interface SysctlResult {
    /** errno (0 on success): EINVAL (bad name length), ESRCH/p_cansee error (PID), ENOMEM (short buffer). */
    error: number;
    /** The bytes copied out (empty for a size probe). */
    bytes: Uint8Array;
    /** The length sysctl(3) reports in *oldlenp. */
    length: number;
    records: RecordInfo[];
    layout: StructLayout;
}
/** p_cansee(curthread, p) → cr_cansee(viewer, p_ucred): 0 or an errno (spec §2.5). */
export declare function crCansee(viewer: Viewer, u2: Ucred): number;
export declare function pCansee(viewer: Viewer, p: Proc): number;
/** The pid-hash visit order: lock stripe i, then buckets i, i+(pidhashlock+1), … (spec §2.2). */
export declare function pidHashOrder(model: KernelModel): Proc[];
/** pget(pid, PGET_CANSEE): zombies included; pid > PID_MAX is a thread id. */
export declare function pget(model: KernelModel, viewer: Viewer, pid: number): {
    p?: Proc;
    error: number;
};
/** The sysctl_kern_proc_iterate filter. */
export declare function selectorMatches(op: number, arg: number, p: Proc): boolean;
/**
 * kern_proc_out: one record for NOTHREADS, else one per thread filled into the same buffer
 * (never re-zeroed), each optionally translated to kinfo_proc32.
 *
 * Like the kernel's stack-allocated `struct kinfo_proc`, the record buffer lives only for the
 * call: `emit` gets a view that is valid until it returns (callers that keep records copy them).
 * The buffer is reused for the next process, which fill_kinfo_proc zeroes first, so reuse never
 * shows in the bytes; it saves a 1 KiB allocation per process.
 */
export declare function kernProcOut(ctx: FillContext, p: Proc, flags: number, layouts: {
    native: StructLayout;
    compat?: StructLayout;
}, emit: (rec: Uint8Array, tid: number) => void): void;
/** The whole `sysctl kern.proc.<node>[.arg]` request. */
export declare function sysctlKernProc(model: KernelModel, req: SysctlRequest): SysctlResult;
/** `kern.proc.pid.123`, `kern.proc.pgrp_td.5`, `kern.proc.tty.-1`, `kern.proc.all` → a request's op and name. */
export declare function parseMib(mib: string): {
    op: number;
    name: number[];
};
export { KvmkitError };
