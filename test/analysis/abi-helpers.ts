import { loadRevision, type RevisionDef } from '../../src/layout/index.ts';

/** A deep copy of a stored revision, renamed, to be edited into a deliberately broken one. */
export function cloneRev(name: string, newName: string): RevisionDef {
  const d = JSON.parse(JSON.stringify(loadRevision(name))) as RevisionDef;
  d.revision = newName;
  return d;
}

/** Insert declarations before the member named `before` (or replace it when `replace`). */
export function edit(def: RevisionDef, struct: string, before: string, decls: string[], replace = false): RevisionDef {
  const body = def.structs[struct];
  const i = body.findIndex((d) => new RegExp(`\\b${before}\\b`).test(d));
  if (i < 0) throw new Error(`no member ${before} in ${struct}`);
  body.splice(i, replace ? 1 : 0, ...decls);
  return def;
}

export const LP64 = ['amd64', 'arm64', 'powerpc64', 'powerpc64le', 'riscv64'];
export const ILP32 = ['i386', 'armv7', 'powerpc'];
