import { type ReaperView } from './rebuild.ts';
/** Text, JSON and Graphviz renderings of a rebuilt reaper view. */
export declare function statusFlagNames(f: number): string[];
export declare function statusExFlagNames(f: number): string[];
export declare function pidinfoFlagNames(f: number): string[];
/** The readable tree: each reaper, its subtrees and their members; nested reapers expanded under their entry. */
export declare function renderTree(view: ReaperView, opts?: {
    maxMembers?: number;
}): string;
/** JSON: the hierarchy, every process's reaper facts, the source and the limits. */
export declare function treeJson(view: ReaperView): Record<string, unknown>;
/** Graphviz: one cluster per (reaper, subtree); reaper → member edges; reapers drawn bold. */
export declare function renderDot(view: ReaperView): string;
