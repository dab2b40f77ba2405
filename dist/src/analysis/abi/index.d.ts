export * from './types.ts';
export { abiDiff, diffLayouts, collapse, exitCodeOf, isSpareField, declType, type AbiDiffOptions } from './diff.ts';
export { compatVsNative, compareCompat, checkCopyout, copyoutRules, loadCopyout, COPYOUT_FILE, type CompatOptions, type CopyoutFile, type CopyoutRules } from './compat.ts';
export { abiCheck, type AbiCheckOptions } from './check.ts';
export { formatDiff, formatCompat, formatCheck, archList } from './text.ts';
export { renderDiffHtml } from './html.ts';
export { resolveRevision, archesOf } from './revs.ts';
export { benchAbiDiff } from './bench.ts';
