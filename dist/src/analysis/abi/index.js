export * from "./types.js";
export { abiDiff, diffLayouts, collapse, exitCodeOf, isSpareField, declType } from "./diff.js";
export { compatVsNative, compareCompat, checkCopyout, copyoutRules, loadCopyout, COPYOUT_FILE } from "./compat.js";
export { abiCheck } from "./check.js";
export { formatDiff, formatCompat, formatCheck, archList } from "./text.js";
export { renderDiffHtml } from "./html.js";
export { resolveRevision, archesOf } from "./revs.js";
export { benchAbiDiff } from "./bench.js";
