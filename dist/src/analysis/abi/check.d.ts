import { type CompatOptions } from './compat.ts';
import { type AbiCheckReport, type AbiStruct, type RevisionRef } from './types.ts';
export interface AbiCheckOptions {
    struct: AbiStruct | string;
    rev: RevisionRef;
    /** Revision to apply the spare rule against; default the revision's own `base`; `false` skips it. */
    base?: RevisionRef | false;
    compat?: CompatOptions;
}
/**
 * One CI gate for a revision: CTASSERT on every arch (both records: they are checked together by the
 * kernel build), the spare rule against the base revision, and compat-vs-native.
 * Exit bits: 8 (with 4) for an incompatible or flagged diff, a failed CTASSERT, or a compat byte-layout
 * mismatch; 4 alone for compatible changes against the base or compat warnings (fields never copied,
 * endianness).
 */
export declare function abiCheck(opts: AbiCheckOptions): AbiCheckReport;
