import * as fs from 'node:fs';
import { UsageError } from '../../base/errors.ts';
import { ARCHES, isArch, type ArchName } from '../../layout/index.ts';
import type { Suppressed, Suppression } from './types.ts';

/**
 * Reviewed suppressions (libabigail's idea): a project gates CI on exit 0 after a human has
 * accepted a finding. Each entry names what it accepts — any of struct, arch, field, kind (the
 * rule: a change or finding kind such as "endianness" or "spare-consumed"), revision — and must
 * give a reason. A finding is suppressed when every key the entry names matches it; suppressed
 * findings no longer set exit bits but are listed, with the entry's reason, in the report.
 */

export interface SuppressionFile { suppressions: Suppression[] }

const KEYS = ['struct', 'arch', 'field', 'kind', 'revision', 'reason'] as const;

/** Read and validate a suppressions file: errors name the file and the entry. */
export function loadSuppressions(file: string): Suppression[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read suppressions file ${file}: ${(e as Error).message}`, { file });
  }
  const list = (json as SuppressionFile)?.suppressions;
  if (!Array.isArray(list)) throw new UsageError(`suppressions file ${file}: expected { "suppressions": [ ... ] }`, { file });
  return list.map((s, i) => checkEntry(s, `${file}: suppressions[${i}]`, file));
}

function checkEntry(s: unknown, where: string, file?: string): Suppression {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new UsageError(`${where}: expected an object`, { file });
  const e = s as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!(KEYS as readonly string[]).includes(k)) throw new UsageError(`${where}: unknown key "${k}" (known: ${KEYS.join(', ')})`, { file, field: k });
  for (const k of KEYS) if (e[k] !== undefined && typeof e[k] !== 'string') throw new UsageError(`${where}: "${k}" must be a string`, { file, field: k });
  if (!e.reason || !(e.reason as string).trim()) throw new UsageError(`${where}: every suppression needs a "reason" (what was reviewed and why it is accepted)`, { file, field: 'reason' });
  if (!e.struct && !e.arch && !e.field && !e.kind) throw new UsageError(`${where}: name at least one of struct, arch, field, kind`, { file });
  if (e.arch && !isArch(e.arch as string)) throw new UsageError(`${where}: unknown arch "${e.arch}" (known: ${ARCHES.join(', ')})`, { file, field: 'arch' });
  return e as unknown as Suppression;
}

/** What a finding is, for matching. `arches`: the arches it was reported on (all must be covered). */
export interface Subject { struct: string; arches: readonly ArchName[]; field: string; kind: string; revision: string }

export function matches(s: Suppression, x: Subject): boolean {
  if (s.struct && s.struct !== x.struct) return false;
  if (s.arch && !(x.arches.length > 0 && x.arches.every((a) => a === s.arch))) return false;
  if (s.field && s.field !== x.field) return false;
  if (s.kind && s.kind !== x.kind) return false;
  if (s.revision && s.revision !== x.revision) return false;
  return true;
}

/** The first entry that accepts a finding, recorded in `out`; true when suppressed. */
export function suppress(list: readonly Suppression[] | undefined, x: Subject, text: string, out: Suppressed[]): boolean {
  const s = list?.find((e) => matches(e, x));
  if (!s) return false;
  out.push({ finding: text, struct: x.struct, arches: [...x.arches], field: x.field, kind: x.kind, reason: s.reason });
  return true;
}
