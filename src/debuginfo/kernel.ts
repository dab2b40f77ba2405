import { KvmkitError } from '../base/errors.ts';
import type { ArchName } from '../layout/defs.ts';
import type { StructLayout } from '../layout/engine.ts';
import { assembleKernelLayouts, KERNEL_STRUCTS, type KernelLayouts, type KernelStruct } from '../layout/kernel.ts';
import { graphLayouts } from './layout.ts';
import type { TypeGraph } from './model.ts';

/**
 * The kernel-struct layouts the walker needs, from a kernel's own types (its CTF, or DWARF) instead
 * of layouts/kernel: what `ps --kernel` uses when the kernel carries types. Structs are looked up
 * by the names KERNEL_STRUCTS gives; a kernel whose types lack one is reported with every missing
 * name (the caller falls back to the next layout source), never laid out as zeros.
 */
export interface GraphKernelLayouts {
  layouts?: KernelLayouts;
  /** KERNEL_STRUCTS the types do not define. */
  missing: KernelStruct[];
}

export function kernelLayoutsFromGraph(graph: TypeGraph, arch: ArchName): GraphKernelLayouts {
  const gl = graphLayouts(graph, { arch, revision: `${graph.source.format}:${graph.source.file}` });
  const structs = {} as Record<KernelStruct, StructLayout>;
  const missing: KernelStruct[] = [];
  for (const s of KERNEL_STRUCTS) {
    const l = gl.byName(s);
    if (l) structs[s] = l;
    else missing.push(s);
  }
  if (missing.length) return { missing };
  return { layouts: assembleKernelLayouts(arch, `${graph.source.format}:${graph.source.file}`, graph.source.detail, structs), missing };
}

/** The same, as an error naming what is missing when the types lack any of the structs. */
export function requireKernelLayouts(graph: TypeGraph, arch: ArchName): KernelLayouts {
  const r = kernelLayoutsFromGraph(graph, arch);
  if (!r.layouts) throw new KvmkitError(`the kernel's ${graph.source.format.toUpperCase()} types define no struct ${r.missing.join(', ')}`, { file: graph.source.file, object: graph.source.detail });
  return r.layouts;
}
