/**
 * Where the live path differs between the kernels behind each layout revision. The fill code is
 * one and the same for every revision and arch; these switches (and `RecordView.has()` for fields
 * a layout lacks) are the only variation. Sources: spec §2.4 ("newest" vs "older" rows), §6.
 */
export interface LiveRules {
    revision: string;
    /**
     * ki_sflag: the newest tree sets PS_INMEM always; older kernels (FreeBSD 14, with kstack
     * swapping) set it iff p_flag has P_INMEM.
     */
    sflagAlwaysInmem: boolean;
    /** ki_rssize: older kernels skip the kstack pages of swapped-out threads (TDI_SWAPPED). */
    rssizeSkipsSwapped: boolean;
    /**
     * ki_reaper placement (only where the layout has the field): 'pgrp-start' = the fork, filled at
     * the start of fill_kinfo_proc_pgrp before the NULL-pgrp return (kib's tree fills it at the end).
     */
    reaperFill: 'pgrp-start' | 'pgrp-end';
}
export declare function liveRules(revision: string): LiveRules;
export declare function liveRevisions(): string[];
