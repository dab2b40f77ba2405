import { type ArchName, type StructLayout } from '../../layout/index.ts';
import type { CompatPair, CompatReport, CopyoutReport, RevisionRef } from './types.ts';
/**
 * Compat-vs-native: a 64-bit kernel's `struct kinfo_proc32` exists to reproduce, byte for byte, the
 * native `struct kinfo_proc` of the matching 32-bit arch (archDef(arch).compat32). Compared field by
 * field and leaf by leaf by offset, size and alignment (a pointer in the native record is a uint32_t
 * in the compat one; `freebsd32_uint64_t` stands for `uint64_t`/`dev_t`). Then the revision's copyout
 * rules (layouts/compat-copyout.json) say which native fields are ever written into it.
 */
export declare const COPYOUT_FILE: string;
interface CopyoutRevision {
    source: string;
    extends?: string;
    copy?: Record<string, string[]>;
    add?: Record<string, string[]>;
    move?: Record<string, string[]>;
    omit?: string[];
    notes?: Record<string, string>;
}
export interface CopyoutFile {
    conversions: Record<string, string>;
    revisions: Record<string, CopyoutRevision>;
}
export declare function loadCopyout(): CopyoutFile;
export interface CopyoutRules {
    source: string;
    /** field → conversion */
    conv: Map<string, string>;
    notes: Record<string, string>;
}
/** The flattened rules of one revision (following `extends`), or undefined if the file has none. */
export declare function copyoutRules(revision: string, file?: CopyoutFile): CopyoutRules | undefined;
/** Compare one kinfo_proc32 layout (64-bit arch) with the native kinfo_proc layout (32-bit arch). */
export declare function compareCompat(C: StructLayout, N: StructLayout): CompatPair;
/** Check the revision's copyout rules against its layouts (names only, arch-independent). */
export declare function checkCopyout(rules: CopyoutRules, native64: StructLayout, compat: StructLayout): CopyoutReport;
export interface CompatOptions {
    /** Copyout rules to use instead of layouts/compat-copyout.json (or false to skip the copyout check). */
    copyout?: CopyoutFile | false;
    arches?: readonly ArchName[];
}
/** Compare every kinfo_proc32 of a revision with the native kinfo_proc it must reproduce, then check the copyout. */
export declare function compatVsNative(revision: RevisionRef, opts?: CompatOptions): CompatReport;
export {};
