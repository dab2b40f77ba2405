import type { KernelModel, KObject, Proc, Thread } from '../kernel/model.ts';
import type { ArchName } from '../layout/index.ts';
/**
 * The process source: what the kvm walker reads a system through. The walker never touches
 * offsets or bytes of kernel structs itself; a source hands it kernel objects in the shape of the
 * one kernel object model (src/kernel/model.ts), so the live path's fill functions run on them
 * unchanged. Three sources exist:
 *
 * - `modelSource(model)`: an in-memory model (development, the equivalence suite without images),
 *   with optional fault injection (unreadable objects, cyclic lists) to exercise partial results;
 * - an image through kstruct's reader (src/kvm/image-source.ts), where struct layouts live;
 * - the exported-offsets source over real dumps (only pid, comm and threads are known).
 *
 * Lists are given as proc addresses in list order with the list's own errors (a link that cannot
 * be read, a cycle); `readProc` returns the process graph with per-object errors. A source may
 * return a graph with some objects missing (null) when they could not be read: the error list then
 * names each one with its address.
 */
/** One failure met during a walk, always with the kernel address it concerns when there is one. */
export interface WalkError {
    /** 'read' = an object could not be read; 'cycle' = a list loops; 'limit' = a list is absurdly long; 'symbol' = a needed symbol is missing. */
    code: 'read' | 'cycle' | 'limit' | 'symbol' | 'list';
    /** The kernel object kind: proc, thread, ucred, prison, sigacts, pgrp, session, tty, cdev, vmspace, sysentvec, pstats, tpgrp, tsession, pproc, reaper, list … */
    object: string;
    address?: bigint;
    pid?: number;
    message: string;
}
export declare function errorText(e: WalkError): string;
export interface ProcList {
    /** Proc addresses in list order (head first). A cycle is cut at the first repeated address. */
    addrs: bigint[];
    errors: WalkError[];
}
/**
 * The pid hash of a source: its bucket count and each bucket's list, followed when asked for, so
 * that a walk in bucket order reads each bucket's links right before the processes on it (and
 * holds one bucket, not the table's 10⁵ addresses).
 */
export interface PidHash {
    /** pidhash + 1. */
    readonly buckets: number;
    bucket(j: number): ProcList;
}
export interface ProcRead {
    addr: bigint;
    /** Absent when struct proc itself cannot be read. */
    proc?: Proc;
    /** Failures reading the objects reachable from the proc (object kind + address). */
    errors: WalkError[];
    /** Record fields the source knows it could not recover (beyond those implied by `errors`). */
    unavailable?: string[];
}
/** Raw-memory questions libkvm asks (it copies fixed byte counts where the live path strlcpy's). */
export type RawString = 'td_wmesg' | 'td_lockname' | 's_login' | 'sv_name';
export interface ProcessSource {
    readonly kind: 'model' | 'image' | 'exported-offsets';
    readonly arch: ArchName;
    readonly revision: string;
    /** A human name (file or "in-memory model"). */
    readonly name: string;
    /**
     * The context the fill functions need: globals (ticks, hz, boottime, cpu_tick_frequency,
     * maxproc/pidhash), prison0 (jailed()), and `procs` (proc_realparent for orphans). For an image
     * it is built by the reader; `unavailableGlobals` names globals it could not read.
     */
    readonly model: KernelModel;
    readonly unavailableGlobals: string[];
    /** kvm_nlist: the address of a kernel symbol, undefined when the kernel has none. */
    symbol(name: string): bigint | undefined;
    allproc(): ProcList;
    /** null when the kernel has no `zombproc` (every modern kernel). */
    zombproc(): ProcList | null;
    /** The pid hash, or null without `pidhashtbl`. */
    pidhash(): PidHash | null;
    readProc(addr: bigint): ProcRead;
    /**
     * `len` raw bytes of kernel memory holding a string of `owner` (td_wmesg/td_lockname: the
     * pointed-to string; s_login: the array in struct session; sv_name: the pointed-to name),
     * including whatever follows the NUL; undefined when unreadable.
     */
    rawString(which: RawString, owner: KObject, len: number): Uint8Array | undefined;
    /** `td_blocked` (the turnstile pointer), which the live path never reads. */
    tdBlocked(td: Thread): bigint;
    /** The kernel's `nprocs` (libkvm sizes its buffer from it); default: the model's process count. */
    nprocs?(): number;
    /** kvm_read on the image (undefined for the in-memory model). */
    read?(va: bigint, len: number): Uint8Array;
    close(): void;
}
/** Faults injected into a model source (tests of partial results and error reporting). */
export interface ModelFaults {
    /** Objects (by address) whose read fails: a proc, thread, ucred, pgrp, session, tty, vmspace … */
    unreadable?: Iterable<bigint>;
    /** Make allproc loop: after the entry at this index, the list continues at `allprocLoopTo`. */
    allprocLoopAfter?: number;
    allprocLoopTo?: number;
    /** Make a process's thread list loop back to its first thread (by pid). */
    threadLoopPid?: number;
    /** Hide symbols (e.g. 'pidhashtbl' to force the allproc walk, 'zombproc' is absent anyway). */
    hideSymbols?: string[];
    /** Pretend the kernel has a zombproc list holding these zombies (as FreeBSD ≤ 12 had). */
    zombproc?: boolean;
}
/**
 * The in-memory model as a process source. Symbols are given plausible addresses; strings lie in
 * memory NUL-padded (what a zeroing allocator leaves), so libkvm's raw copies see zeros after the
 * NUL.
 */
export declare function modelSource(model: KernelModel, revision: string, faults?: ModelFaults): ProcessSource;
