import { type ArchName, type StructLayout } from '../layout/index.ts';
/**
 * Detection: which (struct, arch, revision) could have produced these bytes, with no flags given.
 * Evidence: ki_structsize against each layout's size in either byte order (libkvm's dead-kernel
 * records carry 0 there, so a length that divides evenly also counts), then plausibility of the
 * decoded values, kernel-pointer ranges per arch, and the revision-specific fields (bytes in slots
 * that are spares in older revisions). Every candidate that survives is returned, best first, with
 * its reasons, so the caller can say "ambiguous" instead of guessing silently.
 */
export interface Candidate {
    struct: string;
    arch: ArchName;
    revision: string;
    layout: StructLayout;
    score: number;
    reasons: string[];
}
export declare function detect(bytes: Uint8Array, opts?: {
    archHints?: ArchName[];
    recordSize?: number;
}): Candidate[];
