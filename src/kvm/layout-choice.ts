import type { TypeGraph } from '../debuginfo/model.ts';
import type { KernelImage } from '../image/image.ts';
import { loadRevision } from '../layout/defs.ts';
import { bundledSource, DEFAULT_KERNEL_REVISION, graphSource, kernelSetForOsreldate, sourceNote, type KernelLayoutSource } from '../kstruct/index.ts';

/**
 * Which kernel-struct layouts a dump is read with, in this order: (1) the kernel's CTF, (2) the
 * DWARF of --debug kernel.debug, (3) the bundled set whose osreldate range holds the dump's own
 * `osreldate` global, (4) the revision's set when the dump's osreldate cannot be read. A types
 * source that lacks something the reader needs is passed over, and the note says what it lacked.
 */

export interface LayoutChoice {
  chosen: KernelLayoutSource;
  skipped: KernelLayoutSource[];
  /** The one stderr line naming the source (and what was passed over). */
  note: string;
}

/** The kernel's `osreldate` (__FreeBSD_version) as the dump holds it, or why it cannot be had. */
export function dumpOsreldate(img: KernelImage): { value?: number; why?: string } {
  const sym = img.symbols?.lookup('osreldate');
  if (!sym) return { why: 'the kernel has no osreldate symbol' };
  try {
    const b = img.read(sym.value, 4);
    const v = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, img.littleEndian);
    // A sparse dump keeps only the pages a debugger read: an osreldate of 0 is a missing page, not a release.
    if (v <= 0) return { why: `the dump's osreldate reads ${v} (its page was not kept)` };
    return { value: v };
  } catch (e) {
    return { why: `the dump's osreldate cannot be read (${(e as Error).message})` };
  }
}

export function chooseKernelLayouts(img: KernelImage, revision: string | undefined, graphs: readonly TypeGraph[] = []): LayoutChoice {
  const skipped: KernelLayoutSource[] = [];
  const done = (chosen: KernelLayoutSource): LayoutChoice => ({ chosen, skipped, note: sourceNote(chosen, skipped) });
  for (const g of graphs) {
    const s = graphSource(g, img.arch as never);
    if (s.layouts) return done(s);
    skipped.push(s);
  }
  const rel = dumpOsreldate(img);
  const set = rel.value !== undefined ? kernelSetForOsreldate(rel.value) : undefined;
  if (set) return done(bundledSource(img.arch, set, `chosen by the dump's osreldate ${rel.value}`, revision));
  const rev = revision ?? DEFAULT_KERNEL_REVISION;
  const fallback = loadRevision(rev).kernel!;
  const why = rel.value !== undefined ? `no bundled set covers the dump's osreldate ${rel.value}` : rel.why;
  return done(bundledSource(img.arch, fallback, `the set of revision ${rev} (${why})`, revision));
}
