import type { KRecord } from '../../codec/index.ts';
import { type ReaperPidinfo, type ReaperStatus, type ReaperStatusEx } from '../../kernel/procctl.ts';
/**
 * Userland rebuild of the reaper hierarchy from `kinfo_proc` records that carry `ki_reaper` and
 * `ki_reapsubtree` (the fbsd15-reaper layouts; seed 000's proposal), and what PROC_REAP_STATUS,
 * PROC_REAP_GETPIDS, PROC_REAP_KILL and the fork's PROC_REAP_STATUS_EX would answer for a pid —
 * spec §5.4 applied to records only. Nothing here reads a kernel model.
 *
 * Per process (per-thread records deduplicated by ki_pid; the reaper fields are per process):
 * pid, ppid (= real parent), reaper, subtree, tracer, flag, flag2, stat, start.
 *  - kernel parent pointer pptr(q) = ki_tracer if P_TRACED, else ki_ppid;
 *  - reap list L(r) = { q : q.reaper == r, q.pid != r } (the exclusion drops pid 0, its own reaper);
 *  - known reapers = {0, 1} ∪ { r : L(r) non-empty };
 *  - effective reaper E(p) = p if p is a known reaper, else p.reaper;
 *  - hierarchy: nodes are the known reapers, the parent of r is r.reaper, the root is 0;
 *  - subtrees: L(r) grouped by subtree id.
 *
 * LIMITS — what records alone cannot tell (each is measured by test/analysis/reaper-agreement):
 *  1. P_TREE_REAPER is not exported. A reaper with an EMPTY reap list (just after REAP_ACQUIRE, or
 *     once all its members were reaped) looks like a non-reaper: for it STATUS/GETPIDS/KILL are
 *     answered for its own reaper instead (the kernel says OWNED, 0 descendants, rs_pid −1), and its
 *     owner's GETPIDS lacks the REAPER flag for it. Kill target sets of everybody else are unaffected
 *     (an empty list adds nobody).
 *  2. List order is approximated. The kernel's p_reaplist and p_children are head-inserted, and
 *     abandonment (REAP_RELEASE, reaping a sub-reaper) and reparenting (exit, ptrace) re-insert
 *     members later than their fork. We order by latest ki_start first, ties by larger pid — exact
 *     when nothing was re-inserted. So rs_pid (head of E's children, else of L(E)) and the GETPIDS
 *     order are exact only when the candidate list has at most one entry (or L(E) is empty: −1);
 *     sets, counts and flags are exact.
 *  3. The viewer matters. kern.proc.* is filtered by p_cansee, the kernel's procctl counts are not:
 *     from a jailed or unprivileged viewer descendants/children counts, member lists and kill sets
 *     cover only the visible processes, and reapers outside the jail (0, 1) are missing.
 *  4. Records from older revisions (fbsd14, fbsd15, upstream without the fields) have no
 *     ki_reaper/ki_reapsubtree, or zeros there: nothing can be rebuilt (a clear error names the file
 *     and revision). libkvm omits zombies, and a zombie reaper still owns its list: prefer live
 *     records. Records are a snapshot taken without the proctree lock across processes.
 *  5. Permissions are not in records: KILL answers the set of processes that would be visited and
 *     signalled if p_cansignal allowed every one (rk_killed = its size); denials, rk_fpid and
 *     ECAPMODE depend on the caller.
 */
export declare const REAPER_LIMITS: readonly string[];
/** One process as the records show it. */
export interface RProc {
    pid: number;
    /** ki_ppid: the real parent's pid. */
    ppid: number;
    /** ki_reaper. */
    reaper: number;
    /** ki_reapsubtree. */
    subtree: number;
    /** ki_tracer (0 when not traced). */
    tracer: number;
    flag: number;
    flag2: number;
    stat: number;
    /** ki_start in microseconds since the epoch. */
    start: bigint;
    comm: string;
    jid: number;
    /** Number of records (threads) seen for this pid. */
    records: number;
    /** Index of the first record. */
    index: number;
}
export interface ReaperSource {
    file?: string;
    struct?: string;
    arch?: string;
    revision?: string;
    /** What produced the records: a records file, a core, a scenario's live path, a dump image. */
    kind?: string;
}
export type Answer<T> = {
    error: 0;
    value: T;
} | {
    error: number;
    value?: undefined;
    reason?: string;
};
export interface StatusAnswer extends ReaperStatus {
    /** True when rs_pid is recoverable exactly (−1, or a single candidate); false = approximation. */
    rs_pid_exact: boolean;
    /** Where rs_pid came from: 'none' (−1), 'children' (head of E's children), 'reaplist'. */
    rs_pid_from: 'none' | 'children' | 'reaplist';
}
export interface GetpidsAnswer {
    pids: ReaperPidinfo[];
    /** The reaper whose list was walked (E(p)). */
    reaper: number;
    /** True when the order is recoverable exactly (at most one member). */
    order_exact: boolean;
}
export interface KillPlan {
    /** E(p): the reaper walked. */
    reaper: number;
    mode: 'children' | 'subtree' | 'all';
    subtree?: number;
    /** Pids that would be signalled, in the (approximated) kernel order. */
    targets: number[];
    /** Known reapers whose lists were walked (breadth first); empty in children mode. */
    walked: number[];
    /** What procctl would return if p_cansignal allowed every target. */
    assumingPermitted: {
        error: number;
        rk_killed: number;
        rk_fpid: number;
    };
}
export interface ReaperNode {
    pid: number;
    comm: string;
    /** The reaper's own reaper (hierarchy parent); the root 0 has itself. */
    reaper: number;
    /** The reaper's own subtree id within its reaper's list. */
    subtree: number;
    zombie: boolean;
    /** Not in the records (outside the viewer's jail, or reaped) but referenced by members. */
    invisible: boolean;
    descendants: number;
    children: number;
    subtrees: {
        id: number;
        members: number[];
    }[];
    reapers: ReaperNode[];
}
/** The approximate kernel list order: newest first (latest ki_start, then larger pid). */
export declare function newestFirst(a: RProc, b: RProc): number;
/**
 * Per-process view of a record set (dedup by ki_pid). Throws when the records have no reaper fields.
 */
export declare function procsFromRecords(records: readonly KRecord[], src?: ReaperSource): RProc[];
export interface KillOptions {
    /** REAPER_KILL_CHILDREN. */
    children?: boolean;
    /** REAPER_KILL_SUBTREE with this rk_subtree. */
    subtree?: number;
    /** rk_sig, checked like the kernel does (1 … 128); default SIGTERM. */
    sig?: number;
}
/** The reaper view rebuilt from records (spec §5.4). */
export declare class ReaperView {
    readonly procs: Map<number, RProc>;
    /** L(r) in approximate kernel order (newest first). */
    readonly reapLists: Map<number, RProc[]>;
    /** Processes whose kernel parent pointer is this pid, approximate p_children order. */
    readonly children: Map<number, RProc[]>;
    readonly knownReapers: Set<number>;
    readonly source: ReaperSource;
    /** pid 0 is in the records: a host (unjailed, privileged) view of every process. */
    readonly complete: boolean;
    constructor(procs: readonly RProc[], source?: ReaperSource);
    static fromRecords(records: readonly KRecord[], source?: ReaperSource): ReaperView;
    /** The kernel's p_pptr: the tracer while traced, else the real parent. */
    pptr(q: RProc): number;
    /**
     * proc_realparent(q) as a pid: ki_ppid (p_oppid), except when that pid is not a process of a
     * complete snapshot (pid 0 visible = host view): then p_pptr's pid cannot equal p_oppid, and the
     * kernel falls back to q's reaper. (Seen after a ptrace attach to a child of a zombie that is later
     * reaped: p_oppid keeps the reaped pid.)
     */
    realParent(q: RProc): number;
    isKnownReaper(pid: number): boolean;
    /** E(p). */
    effectiveReaper(p: RProc): number;
    list(r: number): RProc[];
    childrenOf(r: number): RProc[];
    /** The procctl target lookup: pfind skips zombies; pid 0 means the caller, which records cannot name. */
    lookup(pid: number): {
        p?: RProc;
        error: number;
        reason?: string;
    };
    /** PROC_REAP_STATUS. */
    status(pid: number): Answer<StatusAnswer>;
    /** pi_flags for a member q of L(e). */
    pidinfoFlags(e: number, q: RProc): number;
    /** PROC_REAP_GETPIDS with rp_count = count (default: all). */
    getpids(pid: number, count?: number): Answer<GetpidsAnswer>;
    /** PROC_REAP_STATUS_EX (the fork's command). */
    statusEx(pid: number): Answer<ReaperStatusEx>;
    /** PROC_REAP_KILL's target set (CHILDREN, SUBTREE or the whole reaper subtree). */
    kill(pid: number, opts?: KillOptions): Answer<KillPlan>;
    /** Kill flags as the kernel takes them (REAPER_KILL_*), for callers holding raw flags. */
    static killOptions(flags: number, subtree?: number): KillOptions;
    /** The reaper hierarchy: known reapers, each with its list grouped by subtree and its nested reapers. */
    hierarchy(): ReaperNode[];
    /** Invariant problems (spec §5.4 item 5): reaper chains must reach 0 without a cycle. Empty = fine. */
    check(): string[];
}
