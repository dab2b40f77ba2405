import * as fs from 'node:fs';
import { KvmkitError, UsageError } from '../../base/errors.ts';
import { ARCHES, computeLayout, getLayout, loadRevision, revisionNames, validateRevision, type ArchName, type RevisionDef, type StructLayout } from '../../layout/index.ts';
import { ABI_STRUCTS, type AbiStruct, type RevisionRef } from './types.ts';

/** Resolve a revision reference: a name in layouts/revisions, a path to a revision JSON file, or a definition. */
export function resolveRevision(ref: RevisionRef): RevisionDef {
  if (typeof ref !== 'string') return ref;
  if (ref.endsWith('.json') || ref.includes('/')) {
    if (!fs.existsSync(ref)) throw new UsageError(`revision file ${ref} does not exist`);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(ref, 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot read revision file ${ref}: ${(e as Error).message}`);
    }
    try {
      return validateRevision(json, ref);
    } catch (e) {
      throw e instanceof KvmkitError ? new UsageError(e.text, e.context) : e;
    }
  }
  if (!revisionNames().includes(ref)) throw new UsageError(`unknown revision "${ref}" (known: ${revisionNames().join(', ')})`);
  return loadRevision(ref);
}

export function checkStruct(s: string): AbiStruct {
  if (!(ABI_STRUCTS as readonly string[]).includes(s)) throw new UsageError(`unknown struct "${s}" (known: ${ABI_STRUCTS.join(', ')})`);
  return s as AbiStruct;
}

/** Arches on which a revision defines a struct: those with an asserted size, or all when none is asserted. */
export function archesOf(def: RevisionDef, struct: string): ArchName[] {
  if (!def.structs[struct]) return [];
  const asserted = def.asserted?.[struct];
  return asserted ? ARCHES.filter((a) => asserted.sizes[a] !== undefined) : [...ARCHES];
}

/** A layout without CTASSERT enforcement (the checker reports failures instead of throwing). Named revisions are cached. */
export function layoutOf(ref: RevisionRef, def: RevisionDef, struct: string, arch: ArchName): StructLayout {
  try {
    if (typeof ref === 'string' && !ref.endsWith('.json') && !ref.includes('/')) return getLayout(struct, arch, ref, { enforce: false });
    return computeLayout(def, struct, arch, { enforce: false });
  } catch (e) {
    if (e instanceof KvmkitError) throw e;
    throw new KvmkitError(`cannot lay out struct ${struct}: ${(e as Error).message}`, { struct, arch, revision: def.revision });
  }
}
