import { revisionNames } from "../../layout/index.js";
import { abiDiff } from "./diff.js";
import { ABI_STRUCTS } from "./types.js";
/**
 * Time abi-diff over every ordered pair of distinct revisions in layouts/revisions, for both records,
 * on all arches at once (each call diffs every arch on which the struct exists). Returns milliseconds
 * for one full pass; layouts come from the engine's cache after their first computation.
 */
export function benchAbiDiff() {
    const revs = revisionNames();
    const t0 = performance.now();
    let n = 0;
    for (const from of revs) {
        for (const to of revs) {
            if (from === to)
                continue;
            for (const struct of ABI_STRUCTS) {
                abiDiff({ struct, from, to });
                n++;
            }
        }
    }
    const ms = performance.now() - t0;
    if (n === 0)
        throw new Error('benchAbiDiff: no revision pairs');
    return ms;
}
