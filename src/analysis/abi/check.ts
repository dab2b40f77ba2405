import { EXIT_CHANGES, EXIT_INCOMPATIBLE } from '../../base/exit.ts';
import { ARCHES, archDef, isArch, type ArchName } from '../../layout/index.ts';
import { UsageError } from '../../base/errors.ts';
import { abiDiff } from './diff.ts';
import { compatVsNative, type CompatOptions } from './compat.ts';
import { sourcesOf, unverifiedCopyout, unverifiedMembers } from './facts.ts';
import { suppress } from './suppress.ts';
import { archList } from './text.ts';
import { ABI_STRUCTS, type AbiCheckReport, type AbiStruct, type CtAssertResult, type RevisionRef, type Suppressed, type Suppression } from './types.ts';
import { archesOf, checkStruct, layoutOf, resolveRevision } from './revs.ts';

export interface AbiCheckOptions {
  struct: AbiStruct | string;
  rev: RevisionRef;
  /** Revision to apply the spare rule against; default the revision's own `base`; `false` skips it. */
  base?: RevisionRef | false;
  compat?: CompatOptions;
  /** Arches to check ("all" or names, comma-separated allowed); a compat pair is checked when either side is chosen. */
  arches?: readonly string[];
  /** Reviewed suppressions (./suppress.ts). */
  suppressions?: readonly Suppression[];
}

function chooseArches(requested: readonly string[] | undefined): ArchName[] {
  const names = (requested ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  if (names.length === 0 || names.includes('all')) return [...ARCHES];
  for (const a of names) if (!isArch(a)) throw new UsageError(`unknown arch "${a}" (known: ${ARCHES.join(', ')})`, { field: 'arch' });
  return ARCHES.filter((a) => names.includes(a));
}

/**
 * One CI gate for a revision: CTASSERT on every arch (both records: they are checked together by the
 * kernel build), the spare rule against the base revision, and compat-vs-native.
 * Exit bits: 8 (with 4) for an incompatible or flagged diff, a failed CTASSERT, or a compat byte-layout
 * mismatch; 4 alone for compatible changes against the base or compat warnings (fields never copied,
 * endianness). A finding a reviewed suppression accepts sets no bit and is listed in `suppressed`.
 */
export function abiCheck(opts: AbiCheckOptions): AbiCheckReport {
  const struct = checkStruct(opts.struct);
  const def = resolveRevision(opts.rev);
  const chosen = chooseArches(opts.arches);
  const problems: string[] = [];
  const suppressed: Suppressed[] = [];
  const sup = (x: { struct: string; arches: ArchName[]; field: string; kind: string }, text: string) => suppress(opts.suppressions, { ...x, revision: def.revision }, text, suppressed);
  let nBad = 0;
  let nChanges = 0;
  let incompatible = false;
  let changes = false;
  const bad = () => { nBad++; incompatible = true; };
  const warn = () => { nChanges++; changes = true; };

  const ctassert: CtAssertResult[] = [];
  for (const s of ABI_STRUCTS) {
    for (const arch of archesOf(def, s).filter((a) => chosen.includes(a))) {
      const l = layoutOf(opts.rev, def, s, arch);
      if (l.ctassert) ctassert.push({ struct: s, arch, macro: l.ctassert.macro, expected: l.ctassert.expected, actual: l.size, holds: l.ctassert.holds });
    }
  }
  for (const c of ctassert.filter((x) => !x.holds)) {
    const line = `CTASSERT(sizeof(struct ${c.struct}) == ${c.macro}) fails on ${c.arch}: asserted ${c.expected}, laid out ${c.actual}`;
    if (sup({ struct: c.struct, arches: [c.arch], field: '(struct)', kind: 'ctassert-failed' }, line)) continue;
    problems.push(line);
    bad();
  }

  const baseRef = opts.base === false ? undefined : (opts.base ?? def.base);
  let spareRule: AbiCheckReport['spareRule'];
  const diffArches = archesOf(def, struct).filter((a) => chosen.includes(a));
  if (baseRef !== undefined && diffArches.length > 0) {
    spareRule = abiDiff({ struct, from: baseRef, to: opts.rev, arches: diffArches, suppressions: opts.suppressions });
    suppressed.push(...spareRule.suppressed);
    if (spareRule.verdict !== 'identical') changes = true;
    for (const c of spareRule.changes) {
      if (c.severity === 'flagged' || c.severity === 'incompatible') {
        problems.push(`${c.severity}: ${c.field === '(struct)' ? '' : c.field + ': '}${c.summary} (${archList(c.arches, spareRule.arches)})`);
        bad();
      } else if (c.severity === 'compatible') nChanges++;
    }
  }

  const pairArches = archesOf(def, 'kinfo_proc32').filter((a) => chosen.includes(a) || (archDef(a).compat32 !== undefined && chosen.includes(archDef(a).compat32!)));
  const compat = compatVsNative(opts.rev, { ...opts.compat, arches: opts.compat?.arches ?? pairArches });
  const seen = new Set<string>();
  for (const p of compat.pairs) {
    for (const f of p.findings) {
      if (f.severity === 'info') continue;
      const line = `compat ${p.arch} vs native ${p.native}: ${f.severity}: ${f.field}: ${f.message}`;
      if (seen.has(line)) continue;
      seen.add(line);
      if (sup({ struct: 'kinfo_proc32', arches: [p.arch], field: f.field, kind: f.kind }, line)) continue;
      problems.push(line);
      if (f.severity === 'incompatible') bad();
      else warn();
    }
  }
  for (const f of compat.copyout?.findings ?? []) {
    const line = `compat copyout: ${f.severity}: ${f.field}: ${f.message}`;
    if (sup({ struct: 'kinfo_proc32', arches: [], field: f.field, kind: f.kind }, line)) continue;
    problems.push(line);
    if (f.severity === 'incompatible') bad();
    else warn();
  }

  // The fact trail: inferred members of either record, and inferred copyout conversions/lines in use.
  const unverified = [...unverifiedMembers(def, ABI_STRUCTS), ...(compat.copyout && typeof def.revision === 'string' ? unverifiedCopyout(def.revision) : [])];

  const exitCode = incompatible ? EXIT_CHANGES | EXIT_INCOMPATIBLE : changes ? EXIT_CHANGES : 0;
  return {
    revision: def.revision,
    struct,
    base: spareRule?.from,
    arches: chosen.filter((a) => ctassert.some((c) => c.arch === a) || archesOf(def, struct).includes(a)),
    sources: sourcesOf(def),
    ctassert,
    spareRule,
    compat,
    problems,
    counts: { incompatible: nBad, changes: nChanges },
    suppressed,
    unverified,
    verdict: incompatible ? 'incompatible' : changes ? 'changes' : 'ok',
    exitCode,
  };
}
