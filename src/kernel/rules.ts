import { KvmkitError } from '../base/errors.ts';

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

const RULES: Record<string, LiveRules> = {
  fbsd14: { revision: 'fbsd14', sflagAlwaysInmem: false, rssizeSkipsSwapped: true, reaperFill: 'pgrp-start' },
  fbsd15: { revision: 'fbsd15', sflagAlwaysInmem: true, rssizeSkipsSwapped: false, reaperFill: 'pgrp-start' },
  // Upstream main of 2026, the fork's base: the same fill code as fbsd15 (only its kinfo_proc32 differs).
  'main-a48e98c9': { revision: 'main-a48e98c9', sflagAlwaysInmem: true, rssizeSkipsSwapped: false, reaperFill: 'pgrp-start' },
  'fbsd15-reaper': { revision: 'fbsd15-reaper', sflagAlwaysInmem: true, rssizeSkipsSwapped: false, reaperFill: 'pgrp-start' },
};

export function liveRules(revision: string): LiveRules {
  const r = RULES[revision];
  if (!r) throw new KvmkitError(`no live-path rules for revision "${revision}" (known: ${Object.keys(RULES).join(', ')})`, { revision });
  return r;
}

export function liveRevisions(): string[] {
  return Object.keys(RULES);
}
