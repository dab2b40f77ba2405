/**
 * ps(1) over kinfo_proc records, by FreeBSD's bin/ps rules: keywords and formats (keywords.ts,
 * format.ts), STAT and TT (state.ts), selectors and sort order (select.ts); facts.ts says where
 * each number came from.
 */
export { FORMATS, TDF_SINTR, MAXSLP, PZERO } from './facts.ts';
export { KEYWORDS, ALIASES, KEYWORD_BY_NAME, keywordNames, type Keyword, type PsRow, type PsEnv } from './keywords.ts';
export { parseFormat, renderTable, type Column } from './format.ts';
export { stateText, tname, longtname, psView, type Decoded } from './state.ts';
export { parseSelectors, splitList, kernelOp, matcher, pscomp, SELECTOR_OPTIONS, type Selectors, type SortBy } from './select.ts';
export { runPs, columnsFor, recordJson, type PsOptions, type PsResult, type FormatFlag } from './run.ts';
export { procstatLine, procstatThreadLine, PROCSTAT_HEADER, PROCSTAT_THREADS_HEADER, byPidTid } from './procstat.ts';
