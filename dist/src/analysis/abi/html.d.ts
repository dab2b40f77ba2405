import { type AbiDiffReport, type RevisionRef } from './types.ts';
export declare function renderDiffHtml(report: AbiDiffReport, from: RevisionRef, to: RevisionRef): string;
