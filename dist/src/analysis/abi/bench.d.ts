/**
 * Time abi-diff over every ordered pair of distinct revisions in layouts/revisions, for both records,
 * on all arches at once (each call diffs every arch on which the struct exists). Returns milliseconds
 * for one full pass; layouts come from the engine's cache after their first computation.
 */
export declare function benchAbiDiff(): number;
