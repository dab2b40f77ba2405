import { ARCHES, type ArchName } from '../../layout/index.ts';
import { formatUnverified } from './facts.ts';
import type { AbiCheckReport, AbiDiffReport, Change, CompatReport, Suppressed, UnverifiedFact } from './types.ts';

/** Human-readable reports, written like a review comment: one line per change, arch lists collapsed. */

export function archList(arches: readonly ArchName[], all: readonly ArchName[]): string {
  if (arches.length === all.length && all.length > 1) return 'all arches';
  return ARCHES.filter((a) => arches.includes(a)).join(', ');
}

/** "offset 552 on amd64, arm64; 472 on i386" — per-arch details grouped by identical text. */
function details(c: Change, all: readonly ArchName[]): string {
  const by = new Map<string, ArchName[]>();
  for (const a of c.arches) {
    const d = c.perArch[a]!.detail;
    if (!by.has(d)) by.set(d, []);
    by.get(d)!.push(a);
  }
  if (by.size === 1) return [...by.keys()][0];
  return [...by.entries()].map(([d, as]) => `${d} on ${archList(as, all)}`).join('; ');
}

const LABEL: Record<string, string> = { info: 'note', compatible: 'ok', flagged: 'FLAGGED', incompatible: 'INCOMPATIBLE' };

/** `labelled`: the diff spans several revisions, so each change names the one that introduced it. */
export function formatChange(c: Change, all: readonly ArchName[], labelled = false): string {
  const who = c.field === '(struct)' ? '' : `${c.field}: `;
  const by = labelled && c.introducedBy ? ` {${c.introducedBy.revision}${c.introducedBy.change ? `: ${c.introducedBy.change}` : ''}}` : '';
  const fix = c.fixesCompat ? ' [now at its native 32-bit offset]' : '';
  const unv = c.unverified ? ' [UNVERIFIED input]' : '';
  return `  [${LABEL[c.severity]}] ${who}${c.summary}${fix}${unv} — ${archList(c.arches, all)} (${details(c, all)})${by}`;
}

function suppressedLines(list: readonly Suppressed[], indent: string): string[] {
  return list.map((s) => `${indent}[suppressed] ${s.finding} — reason: ${s.reason}`);
}
function unverifiedLines(list: readonly UnverifiedFact[], indent: string): string[] {
  return list.map((u) => `${indent}${formatUnverified(u)}`);
}

function sizeLine(r: AbiDiffReport): string {
  const by = new Map<string, ArchName[]>();
  for (const a of r.arches) {
    const s = r.sizes[a]!;
    const k = s.from === s.to ? `${s.to}` : `${s.from} → ${s.to}`;
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(a);
  }
  const parts = [...by.entries()].map(([k, as]) => `${k} on ${archList(as, r.arches)}`).join('; ');
  return r.sizeUnchanged ? `  size unchanged on all compared arches (${parts})` : `  size CHANGED (${parts})`;
}

const VERDICT_TEXT: Record<string, string> = {
  identical: 'no ABI change',
  info: 'layout bookkeeping changes only (no field moved)',
  compatible: 'compatible changes only',
  flagged: 'spare-discipline violations (treated as incompatible)',
  incompatible: 'INCOMPATIBLE changes',
};

export function formatDiff(r: AbiDiffReport): string {
  const on = r.arches.length === ARCHES.length ? `all ${ARCHES.length} arches` : r.arches.join(', ');
  const lines = [`abi-diff struct ${r.struct}: ${r.from} → ${r.to} on ${on}: ${VERDICT_TEXT[r.verdict]}`];
  const labelled = r.steps.length > 1;
  if (labelled) lines.push(`  spans ${r.steps.length} revisions: ${r.steps.map((s) => `${s.revision}${s.change ? ` (${s.change})` : ''}`).join(' → ')}; each change names the one that introduced it`);
  lines.push(sizeLine(r));
  for (const c of r.changes) lines.push(formatChange(c, r.arches, labelled));
  if (r.compatEffect) lines.push(`  compat-vs-native: ${r.compatEffect.text}`);
  lines.push(...suppressedLines(r.suppressed, '  '), ...unverifiedLines(r.unverified, '  '));
  lines.push(`  ${r.counts.incompatible} incompatible, ${r.counts.flagged} flagged, ${r.counts.compatible} compatible, ${r.counts.info} notes${r.suppressed.length ? `, ${r.suppressed.length} suppressed` : ''}; exit ${r.exitCode}`);
  return lines.join('\n');
}

export function formatCompat(r: CompatReport): string {
  const lines = [`compat-vs-native ${r.revision}: ${r.verdict === 'ok' ? 'kinfo_proc32 reproduces the native 32-bit record' : r.verdict}`];
  for (const p of r.pairs) {
    const bad = p.findings.filter((f) => f.severity !== 'info').length;
    lines.push(`  kinfo_proc32 on ${p.arch} (${p.compatSize} bytes, align ${p.compatAlign}) vs kinfo_proc on ${p.native} (${p.nativeSize} bytes, align ${p.nativeAlign}): ${p.compared} fields compared, ${bad ? `${bad} problem(s)` : 'byte layout identical'}`);
    for (const f of p.findings) lines.push(`    [${f.severity === 'info' ? 'note' : f.severity.toUpperCase()}] ${f.field}: ${f.message}`);
  }
  if (r.copyout) {
    const c = r.copyout;
    lines.push(`  compat copyout (${c.source}): ${c.copied.length} fields copied, ${c.notCopied.length} native field(s) never copied${c.notCopied.length ? ': ' + c.notCopied.map((n) => n.field).join(', ') : ''}`);
    for (const f of c.findings) lines.push(`    [${f.severity === 'info' ? 'note' : f.severity.toUpperCase()}] ${f.field}: ${f.message}`);
  }
  return lines.join('\n');
}

export function formatCheck(r: AbiCheckReport): string {
  const lines = [`abi-check struct ${r.struct} revision ${r.revision}${r.base ? ` (base ${r.base})` : ' (no base revision)'}: ${r.verdict}`];
  const failed = r.ctassert.filter((c) => !c.holds);
  const archs = [...new Set(r.ctassert.map((c) => c.arch))];
  lines.push(failed.length === 0 ? `  CTASSERT holds for ${[...new Set(r.ctassert.map((c) => c.struct))].join(' and ')} on ${archs.length} arch(es)` : failed.map((c) => `  [INCOMPATIBLE] CTASSERT(sizeof(struct ${c.struct}) == ${c.macro}) fails on ${c.arch}: asserted ${c.expected}, laid out ${c.actual}`).join('\n'));
  if (r.spareRule) lines.push(formatDiff(r.spareRule).replace(/^/gm, '  '));
  lines.push(formatCompat(r.compat).replace(/^/gm, '  '));
  if (r.problems.length) {
    lines.push('  problems:');
    for (const p of r.problems) lines.push(`    - ${p}`);
  }
  if (r.suppressed.length) lines.push('  suppressed (reviewed):', ...suppressedLines(r.suppressed, '    '));
  if (r.unverified.length) lines.push('  rests on facts that were not read:', ...unverifiedLines(r.unverified, '    '));
  lines.push(`  exit ${r.exitCode}`);
  return lines.join('\n');
}

/** --stat: one line per verdict class, then the exit status. */
export function formatDiffStat(r: AbiDiffReport): string {
  return [
    `abi-diff ${r.struct} ${r.from} → ${r.to}: ${r.verdict}`,
    `  incompatible ${r.counts.incompatible}`,
    `  flagged      ${r.counts.flagged}`,
    `  compatible   ${r.counts.compatible}`,
    `  info         ${r.counts.info}`,
    `  suppressed   ${r.suppressed.length}`,
    `  unverified   ${r.unverified.length}`,
    `  exit ${r.exitCode}`,
  ].join('\n');
}

export function formatCheckStat(r: AbiCheckReport): string {
  return [
    `abi-check ${r.struct} ${r.revision}: ${r.verdict}`,
    `  incompatible ${r.counts.incompatible}`,
    `  changes      ${r.counts.changes}`,
    `  suppressed   ${r.suppressed.length}`,
    `  unverified   ${r.unverified.length}`,
    `  exit ${r.exitCode}`,
  ].join('\n');
}
