import { KvmkitError } from '../base/errors.ts';
import { openTypes } from '../debuginfo/open.ts';
import type { TypeGraph } from '../debuginfo/model.ts';

/**
 * The kernel's own types for `ps`, in the order they are tried: the kernel ELF's (its CTF, or
 * DWARF if it has any), then --debug kernel.debug's DWARF. A file without types, or with corrupt
 * ones, is left out with a note saying why; the walk then falls back to the bundled layouts.
 */
export function kernelTypes(kernel: string, debug: string | undefined): { graphs: TypeGraph[]; notes: string[] } {
  const graphs: TypeGraph[] = [];
  const notes: string[] = [];
  for (const [file, what] of [[kernel, 'the kernel'], [debug, '--debug']] as const) {
    if (!file) continue;
    try {
      graphs.push(openTypes(file).graph);
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      notes.push(`types of ${what} (${file}) not used: ${e.text}`);
    }
  }
  return { graphs, notes };
}
