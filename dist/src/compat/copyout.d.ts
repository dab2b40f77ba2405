import { RecordView } from '../codec/index.ts';
import { type Leaf, type StructLayout } from '../layout/index.ts';
import { type Conversion } from './rules.ts';
/**
 * freebsd32_kinfo_proc_out (spec §2.6): struct kinfo_proc → struct kinfo_proc32 for a 64-bit
 * kernel and a 32-bit caller. The 32-bit record is zeroed, ki_structsize is set to its size, then
 * each field is converted by its revision's rule (./rules.ts): CP (C assignment, low bits kept),
 * PTRTRIM (> 0xffffffff → 0), TV (timeval → timeval32), RU (freebsd32_rusage_out), FU64 (64-bit
 * value into freebsd32_uint64_t), BYTES (whole char arrays, stale bytes included). Fields without a
 * rule stay 0.
 */
interface Op {
    conv: Conversion;
    field: string;
    dst: Leaf[];
    src: Leaf[];
    dstOff: number;
    dstSize: number;
    srcOff: number;
    srcSize: number;
}
export interface CopyoutPlan {
    arch: string;
    revision: string;
    native: StructLayout;
    compat: StructLayout;
    ops: Op[];
    /** kinfo_proc32 fields the copyout never writes (0 in every compat record). */
    uncopied: {
        field: string;
        spare: boolean;
        note?: string;
    }[];
    /** Native kinfo_proc fields whose value never reaches a 32-bit caller. */
    dropped: {
        field: string;
        spare: boolean;
        note?: string;
    }[];
}
/** The compat copyout for a 64-bit arch (amd64, arm64, powerpc64, powerpc64le) and a revision. */
export declare function copyoutPlan(arch: string, revision: string): CopyoutPlan;
/** freebsd32_kinfo_proc_out(ki, ki32): `src` views a native record, `dst` a kinfo_proc32 buffer. */
export declare function kinfoProcOut(plan: CopyoutPlan, src: RecordView, dst: RecordView): void;
/**
 * The same copyout, rule by rule as the C states it, without the compiled byte moves: the
 * reference the compiled form is tested against.
 */
export declare function kinfoProcOutByRule(plan: CopyoutPlan, src: RecordView, dst: RecordView): void;
/** Convert a buffer of native records to compat records (the `kvmkit compat` command). */
export declare function convertRecords(arch: string, revision: string, bytes: Uint8Array, file?: string): Uint8Array;
export {};
