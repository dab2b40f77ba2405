import { type ArchName } from '../../layout/index.ts';
import type { AbiCheckReport, AbiDiffReport, Change, CompatReport } from './types.ts';
/** Human-readable reports, written like a review comment: one line per change, arch lists collapsed. */
export declare function archList(arches: readonly ArchName[], all: readonly ArchName[]): string;
export declare function formatChange(c: Change, all: readonly ArchName[]): string;
export declare function formatDiff(r: AbiDiffReport): string;
export declare function formatCompat(r: CompatReport): string;
export declare function formatCheck(r: AbiCheckReport): string;
