import { KvmkitError } from '../base/errors.ts';
import { readCtfGraph } from '../debuginfo/ctf/index.ts';
import type { KernelImage } from '../image/image.ts';
import { graphSource, type KernelLayouts } from '../kstruct/index.ts';

/**
 * Which kernel-struct layouts a walk of an image uses: the kernel's own CTF (`.SUNW_ctf`) when it
 * has one that defines every struct the walker reads, else the bundled layouts of layouts/kernel.
 * The choice is said (`source`), and why CTF was passed over (`notes`): a kernel without CTF, CTF
 * lacking structs, or corrupt CTF — which is a note and a fallback, not a failed walk.
 */
export interface KernelTypes {
  /** Undefined: use the bundled layouts for the walk's revision. */
  layouts?: KernelLayouts;
  /** e.g. `ctf (kernel: .SUNW_ctf (CTF v3))` or `bundled`. */
  source: string;
  notes: string[];
}

const cache = new WeakMap<KernelImage, KernelTypes>();

export function kernelTypesOf(img: KernelImage): KernelTypes {
  let hit = cache.get(img);
  if (!hit) cache.set(img, (hit = lookup(img)));
  return hit;
}

function lookup(img: KernelImage): KernelTypes {
  const elf = img.symbols?.elf;
  if (!elf) return { source: 'bundled', notes: [] };
  try {
    const types = readCtfGraph(elf, elf.name);
    if (!types) return { source: 'bundled', notes: [`${elf.name} has no .SUNW_ctf section`] };
    // The one rule for a type graph's kernel layouts (named aliases, every member the reader needs): kstruct's graphSource.
    const { layouts, missing } = graphSource(types, img.arch);
    if (!layouts) return { source: 'bundled', notes: [`the kernel's CTF lacks ${missing.join(', ')}; using the bundled layouts`] };
    return { layouts, source: `ctf (${elf.name}: ${types.source.detail})`, notes: [] };
  } catch (e) {
    if (!(e instanceof KvmkitError)) throw e;
    return { source: 'bundled', notes: [`the kernel's CTF cannot be used (${e.message}); using the bundled layouts`] };
  }
}
