/**
 * The per-revision rule table of freebsd32_kinfo_proc_out (spec §2.6), read from the shared
 * declarative file layouts/compat-copyout.json (also read by the ABI checks). A revision may
 * `extends` another, then `add` fields to a conversion, `move` fields to another conversion, or
 * `omit` fields. The result maps each kinfo_proc32 top-level field to its conversion; a field
 * with no rule is never written by the copyout and stays 0 from the initial bzero.
 */
export type Conversion = 'SET' | 'CP' | 'PTRTRIM' | 'TV' | 'RU' | 'FU64' | 'BYTES';
export declare const CONVERSIONS: Conversion[];
export declare const COMPAT_COPYOUT_FILE: string;
export interface CopyoutRules {
    revision: string;
    /** Field → conversion, in the table's order (the copyout's order does not matter: fields do not overlap). */
    fields: Map<string, Conversion>;
    /** Notes on fields this revision's copyout leaves out. */
    notes: Record<string, string>;
    sources: string[];
}
export declare function copyoutRules(revision: string): CopyoutRules;
