import type { RecordView } from '../codec/index.ts';
import { NODEV } from '../kernel/constants.ts';
import type { KernelGlobals, Proc, Session, Thread, Vmspace } from '../kernel/model.ts';
import type { ProcessSource } from './source.ts';
/**
 * libkvm's dead-kernel kvm_getprocs (lib/libkvm/kvm_proc.c, spec §3.1–§3.3) as named rules.
 *
 * A libkvm record is produced from the live path's record for the same process and thread (the
 * live fill functions, run on the same model objects) by overwriting exactly the fields where
 * libkvm computes something else. Every such field belongs to exactly one field rule below; every
 * other field is copied from the live record, which is the spec's "identical in both paths" list.
 * Rules about which processes are listed, in what order, and how selectors and errors behave are
 * walk rules, applied by the walker (./walk.ts) and listed here so that `kvmkit ps --mode libkvm
 * --rules` can print the whole difference from the live path in one table.
 *
 * The libkvm output buffer is reused across the threads of a process and zeroed per process, as
 * in libkvm: rules that "leave a field unchanged" read the previous thread's value from it.
 */
/** What a field rule sees: the two records, the objects, and libkvm's scratch variables. */
export interface LibkvmCtx {
    /** The libkvm record being built (not re-zeroed between threads of one process). */
    k: RecordView;
    /** The live path's record for the same process/thread. */
    live: RecordView;
    p: Proc;
    /** The thread of this iteration; null for a zombie (libkvm does not read its thread). */
    td: Thread | null;
    /** First iteration of this process's thread loop. */
    first: boolean;
    g: KernelGlobals;
    src: ProcessSource;
    /**
     * libkvm's `sess` variable after step 9: the process's session, replaced by the tty's
     * t_session when one was read (§3.2 9.3.4). null when the process has no pgrp.
     */
    sess: Session | null;
    /** ki_tdev as libkvm computes it in step 9. */
    tdev: bigint;
    /** The vmspace scratch variable (stale from an earlier process when its read failed). */
    vm: Vmspace | null;
    /** The 16-byte sv_name scratch (stale/undefined when the read failed). */
    svname: Uint8Array | undefined;
    /** The reaper's pid as read from its struct proc (fbsd15-reaper). */
    reaperPid: number;
}
export interface FieldRule {
    kind: 'field';
    id: string;
    /** Where the spec states it (§3.3 row, or the §3.2 step). */
    spec: string;
    /** The live path vs libkvm, one line. */
    summary: string;
    /** Top-level kinfo_proc fields this rule owns (only those the layout has are used). */
    fields: string[];
    apply(c: LibkvmCtx): void;
}
export interface WalkRule {
    kind: 'walk';
    id: string;
    spec: string;
    summary: string;
}
export type LibkvmRule = FieldRule | WalkRule;
/** memset of a whole top-level field (struct members included); no-op when the layout lacks it. */
export declare function zeroField(v: RecordView, name: string): void;
/** Copy a whole top-level field from another record of the same layout. */
export declare function copyField(dst: RecordView, src: RecordView, name: string): void;
/** The libkvm ki_stat decision list (§3.2, after step 17): INACTIVE threads leave ki_stat as it was. */
export declare function libkvmStat(p: Proc, td: Thread, previous: number): number;
export declare const LIBKVM_RULES: LibkvmRule[];
export declare const FIELD_RULES: FieldRule[];
export declare function libkvmRule(id: string): LibkvmRule;
export { NODEV };
