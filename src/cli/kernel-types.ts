import type { TypeGraph } from '../debuginfo/model.ts';
import { KvmkitError } from '../base/errors.ts';

/**
 * The kernel's own types for `ps`: the CTF of the kernel ELF, then the DWARF of --debug, through
 * debuginfo's `openTypes(file)` (src/debuginfo/open.ts). That module is loaded when present;
 * without it (or when a file has no types, or they are corrupt) the list is shorter and a note
 * says why, and the walk falls back to the bundled layouts.
 */
export async function kernelTypes(kernel: string, debug: string | undefined): Promise<{ graphs: TypeGraph[]; notes: string[] }> {
  const graphs: TypeGraph[] = [];
  const notes: string[] = [];
  let open: ((file: string) => TypeGraph | undefined) | undefined;
  try {
    // A variable specifier: the readers are a separate stage that may not be built into this tree.
    const mod = '../debuginfo/open.ts';
    open = ((await import(mod)) as { openTypes?: (file: string) => TypeGraph | undefined }).openTypes;
  } catch {
    open = undefined;
  }
  for (const [file, what] of [[kernel, 'CTF of the kernel'], [debug, 'DWARF of --debug']] as const) {
    if (!file) continue;
    if (!open) {
      notes.push(`${what} (${file}) not read: this build has no CTF/DWARF reader (src/debuginfo/open.ts)`);
      continue;
    }
    try {
      const g = open(file);
      if (g) graphs.push(g);
      else notes.push(`${what} (${file}): no type information in it`);
    } catch (e) {
      notes.push(`${what} (${file}) not usable: ${e instanceof KvmkitError ? e.text : (e as Error).message}`);
    }
  }
  return { graphs, notes };
}
