import type { RevisionDef } from '../../layout/index.ts';
import { copyoutRules, loadCopyout, type CopyoutFile } from './compat.ts';
import type { AbiStruct, UnverifiedFact } from './types.ts';

/**
 * The fact trail behind a verdict. Revision files name, per struct, where the member list was read
 * (`sources`) and list members that were inferred rather than read (`inferred`, "struct.field" →
 * why); layouts/compat-copyout.json does the same for conversions and copyout lines. A verdict that
 * rests on any of them lists it here, so nothing that was not read drives a verdict silently.
 */

export interface SourceRef { repo: string; path: string; commit: string; read?: string; standIn?: string }

/** The per-struct source of a revision (undefined for an in-memory definition without one). */
export function sourcesOf(def: RevisionDef): Partial<Record<AbiStruct, SourceRef>> {
  return (def as RevisionDef & { sources?: Partial<Record<AbiStruct, SourceRef>> }).sources ?? {};
}

function inferredMembers(def: RevisionDef): Record<string, string> {
  return (def as RevisionDef & { inferred?: Record<string, string> }).inferred ?? {};
}

/** Members of `structs` in `def` that were inferred, not read. */
export function unverifiedMembers(def: RevisionDef, structs: readonly AbiStruct[]): UnverifiedFact[] {
  const out: UnverifiedFact[] = [];
  for (const [key, why] of Object.entries(inferredMembers(def))) {
    const [struct, field] = key.split('.', 2);
    if ((structs as readonly string[]).includes(struct)) out.push({ revision: def.revision, what: 'member', struct: struct as AbiStruct, field, why });
  }
  return out;
}

interface CopyoutInferred { inferred?: Record<string, string>; revisions: Record<string, { inferred?: Record<string, string> }> }

/** Copyout conversions and lines of a revision that were inferred: a conversion in use, or a field's line. */
export function unverifiedCopyout(revision: string, file: CopyoutFile = loadCopyout()): UnverifiedFact[] {
  const rules = copyoutRules(revision, file);
  if (!rules) return [];
  const f = file as CopyoutFile & CopyoutInferred;
  const out: UnverifiedFact[] = [];
  for (const [conv, why] of Object.entries(f.inferred ?? {})) {
    const fields = [...rules.conv].filter(([, c]) => c === conv).map(([x]) => x);
    if (fields.length) out.push({ revision, what: 'conversion', struct: 'kinfo_proc32', field: fields.join(', '), conversion: conv, why });
  }
  for (const [field, why] of Object.entries(f.revisions[revision]?.inferred ?? {})) out.push({ revision, what: 'copyout-line', struct: 'kinfo_proc32', field, why });
  return out;
}

export function formatUnverified(u: UnverifiedFact): string {
  const what = u.what === 'conversion' ? `copyout ${u.conversion} of ${u.field}` : u.what === 'copyout-line' ? `copyout line for ${u.field}` : `${u.struct}.${u.field}`;
  return `UNVERIFIED (${u.revision}): ${what}: ${u.why}`;
}
