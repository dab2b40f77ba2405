import { type ArchName, type FieldLayout, type RevisionDef, type StructLayout } from '../../layout/index.ts';
import { type AbiDiffReport, type AbiStruct, type ArchChange, type Change, type RevisionRef, type Verdict } from './types.ts';
/**
 * Leaf-by-leaf ABI diff of one struct between two revisions, on every arch at once, with FreeBSD's
 * spare-field discipline: a new member may only take bytes that a `ki_spare*` array of the same
 * element size and alignment held before, and the array's `KI_NSPARE_*` count must shrink by exactly
 * what was taken. Everything is derived from the two computed layouts; no offset is known here.
 */
export interface AbiDiffOptions {
    struct: AbiStruct | string;
    from: RevisionRef;
    to: RevisionRef;
    /** Arches to compare; default every arch on which both revisions define the struct. */
    arches?: readonly string[];
}
export declare function isSpareField(f: FieldLayout): boolean;
/** The type as declared, with the array length: `pid_t`, `void *[4]`, `char[46]`. */
export declare function declType(f: FieldLayout): string;
/** The changes between two layouts of the same struct on one arch. */
export declare function diffLayouts(A: StructLayout, B: StructLayout, defA: RevisionDef, defB: RevisionDef): ArchChange[];
export declare function exitCodeOf(v: Verdict): number;
/** Collapse per-arch changes with the same kind, field, severity and summary. */
export declare function collapse(perArch: Map<ArchName, ArchChange[]>, arches: ArchName[]): Change[];
/** The ABI diff of a struct between two revisions on every requested arch. */
export declare function abiDiff(opts: AbiDiffOptions): AbiDiffReport;
