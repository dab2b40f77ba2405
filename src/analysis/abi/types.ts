import type { ArchName, RevisionDef } from '../../layout/index.ts';

/** The two records kvmkit checks. */
export type AbiStruct = 'kinfo_proc' | 'kinfo_proc32';
export const ABI_STRUCTS: readonly AbiStruct[] = ['kinfo_proc', 'kinfo_proc32'];

/** A revision by name (layouts/revisions/<name>.json) or an in-memory definition (tests, proposals). */
export type RevisionRef = string | RevisionDef;

/**
 * How bad a change is, in increasing order.
 * - `info`: no byte of any existing field changes meaning (padding bookkeeping, struct alignment).
 * - `compatible`: a change that old binaries survive: a field in consumed spare bytes, a rename,
 *   a type spelled differently with the same size, offset and alignment.
 * - `flagged`: a violation of FreeBSD's spare-field discipline that does not (yet) move anything on
 *   the arch in question: a field carved from a spare array of another type/alignment, a spare
 *   count reduced by more than was consumed. CI treats it as incompatible (exit bit 8).
 * - `incompatible`: an existing field moved or resized, the struct size changed, CTASSERT fails.
 */
export type Severity = 'info' | 'compatible' | 'flagged' | 'incompatible';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, compatible: 1, flagged: 2, incompatible: 3 };

export type Verdict = 'identical' | Severity;

export type ChangeKind =
  | 'size-changed'
  | 'alignment-changed'
  | 'ctassert-failed'
  | 'added'
  | 'removed'
  | 'renamed'
  | 'moved'
  | 'resized'
  | 'type-changed'
  | 'spare-consumed'
  | 'spare-mismatch'
  | 'spare-accounting'
  | 'spare-added'
  | 'padding-appeared'
  | 'padding-vanished'
  | 'tail-padding-appeared'
  | 'tail-padding-vanished';

/** Where a field (or hole) sits on one arch. */
export interface Placement {
  offset: number;
  size: number;
  align?: number;
  type?: string;
}

/** One change on one arch. */
export interface ArchChange {
  kind: ChangeKind;
  severity: Severity;
  /** Dotted leaf path or top-level field; `(struct)` for struct-wide changes. */
  field: string;
  /** Arch-independent one-line summary; identical summaries on several arches are collapsed. */
  summary: string;
  /** Arch-specific facts (offsets, sizes) for this arch. */
  detail: string;
  from?: Placement;
  to?: Placement;
  /** For consumed spares: the spare array, its count constant and the counts before/after. */
  spare?: { field: string; constant?: string; fromCount: number; toCount: number; constantFrom?: number; constantTo?: number };
}

/** One change as reported: the per-arch changes with the same kind, field and summary, collapsed. */
export interface Change {
  kind: ChangeKind;
  severity: Severity;
  field: string;
  summary: string;
  arches: ArchName[];
  /** True when every compared arch reports this change. */
  allArches: boolean;
  perArch: Partial<Record<ArchName, { detail: string; from?: Placement; to?: Placement; spare?: ArchChange['spare'] }>>;
  /** The revision on the path from → to (following `base`) where this change first appears, and what that revision is. */
  introducedBy?: { revision: string; change?: string };
  /** kinfo_proc32 only: the field was missing or misplaced against the native 32-bit record before and sits right after. */
  fixesCompat?: boolean;
  /** The change rests on a fact that was inferred, not read (see the report's `unverified`). */
  unverified?: boolean;
}

/** A fact that was inferred rather than read from a stored source (a revision's `inferred`, the copyout file's `inferred`). */
export interface UnverifiedFact {
  revision: string;
  what: 'member' | 'conversion' | 'copyout-line';
  struct: AbiStruct;
  field: string;
  conversion?: string;
  why: string;
}

/** One reviewed suppression (a suppressions file entry). */
export interface Suppression { struct?: string; arch?: string; field?: string; kind?: string; revision?: string; reason: string }

/** A finding a suppression accepted: no exit bit, but listed. */
export interface Suppressed { finding: string; struct: string; arches: ArchName[]; field: string; kind: string; reason: string }

/** kinfo_proc32 diffs: what the change does to compat-vs-native (layout problems per compat pair, before and after). */
export interface CompatEffect {
  from: Partial<Record<ArchName, number>>;
  to: Partial<Record<ArchName, number>>;
  verdict: 'fixes' | 'breaks' | 'unchanged';
  text: string;
}

export interface ArchSizes {
  from: number;
  to: number;
  fromAlign: number;
  toAlign: number;
  /** The size the `to` revision asserts (KINFO_PROC_SIZE / KINFO_PROC32_SIZE), if any. */
  asserted?: number;
  ctassertHolds?: boolean;
}

export interface AbiDiffReport {
  struct: AbiStruct;
  from: string;
  to: string;
  arches: ArchName[];
  verdict: Verdict;
  /** Exit status bits (src/cli/exit.ts): 4 = changes, 8 = incompatible (or flagged) changes. */
  exitCode: number;
  sizeUnchanged: boolean;
  sizes: Partial<Record<ArchName, ArchSizes>>;
  changes: Change[];
  counts: Record<Severity, number>;
  /** The named revisions between from (exclusive) and to (inclusive) along `base`, when from is an ancestor of to. */
  steps: { revision: string; change?: string }[];
  compatEffect?: CompatEffect;
  suppressed: Suppressed[];
  unverified: UnverifiedFact[];
}

// ---- compat-vs-native ----

export type CompatSeverity = 'info' | 'warning' | 'incompatible';

export type CompatFindingKind =
  | 'missing'
  | 'extra'
  | 'misplaced'
  | 'resized'
  | 'alignment'
  | 'representation'
  | 'struct-size'
  | 'padding'
  | 'struct-alignment'
  | 'endianness'
  | 'not-copied'
  | 'copyout-unknown-field'
  | 'copyout-conversion';

export interface CompatFinding {
  kind: CompatFindingKind;
  severity: CompatSeverity;
  field: string;
  message: string;
  /** The kinfo_proc32 side (on the 64-bit arch). */
  compat?: Placement;
  /** The native kinfo_proc side (on the 32-bit arch). */
  native?: Placement;
}

export interface CompatPair {
  /** The 64-bit arch whose kernel builds kinfo_proc32. */
  arch: ArchName;
  /** The 32-bit arch whose native kinfo_proc it must reproduce. */
  native: ArchName;
  compatSize: number;
  nativeSize: number;
  compatAlign: number;
  nativeAlign: number;
  /** Fields compared (top-level). */
  compared: number;
  findings: CompatFinding[];
}

export interface CopyoutReport {
  /** Where the rules came from (layouts/compat-copyout.json). */
  source: string;
  copied: { field: string; conversion: string }[];
  /** Native, non-spare kinfo_proc fields the compat copyout never writes: 32-bit callers get 0. */
  notCopied: { field: string; note?: string }[];
  /** Spare fields left at 0 by the initial zeroing. */
  zeroed: string[];
  findings: CompatFinding[];
}

export interface CompatReport {
  revision: string;
  pairs: CompatPair[];
  copyout?: CopyoutReport;
  verdict: 'ok' | CompatSeverity;
  exitCode: number;
}

// ---- abi-check ----

export interface CtAssertResult { struct: AbiStruct; arch: ArchName; macro: string; expected: number; actual: number; holds: boolean }

export interface AbiCheckReport {
  revision: string;
  struct: AbiStruct;
  base?: string;
  ctassert: CtAssertResult[];
  /** The spare rule: abi-diff from the base revision, or undefined when there is no base. */
  spareRule?: AbiDiffReport;
  compat: CompatReport;
  /** Arches checked (all the revision defines unless --arch chose some). */
  arches: ArchName[];
  /** Where each struct's member list was read (the revision file's `sources`). */
  sources: Record<string, unknown>;
  /** One line per problem that sets an exit bit. */
  problems: string[];
  /** Problems by class: incompatible (exit bit 8: CTASSERT, incompatible/flagged diff, compat layout) and changes (bit 4: compatible changes, warnings). */
  counts: { incompatible: number; changes: number };
  /** Problems a reviewed suppression accepted (no exit bit). */
  suppressed: Suppressed[];
  /** Facts the verdict rests on that were inferred, not read. */
  unverified: UnverifiedFact[];
  verdict: 'ok' | 'changes' | 'incompatible';
  exitCode: number;
}
