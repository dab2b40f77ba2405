import { KvmkitError } from '../base/errors.ts';
import { structLayoutFromId } from '../debuginfo/layout.ts';
import type { TypeGraph } from '../debuginfo/model.ts';
import { archDef, LAYOUT_FILES, layoutData, type ArchName } from '../layout/index.ts';
import type { Leaf, StructLayout } from '../layout/engine.ts';
import { assembleKernelLayouts, KERNEL_STRUCTS, kernelLayouts, type KernelLayouts, type KernelStruct } from './layouts.ts';
import { missingMembers } from './read.ts';

/**
 * Where the kernel-struct layouts of a walk come from: the kernel's own types (CTF in the kernel
 * ELF, DWARF in kernel.debug) or a bundled set (layouts/kernel/<set>.json). Either way the reader
 * gets one `KernelLayouts`; a source whose types lack a struct or member the reader needs is not
 * used (those members are named, never read as zero) and the caller falls back to the next one.
 */

export type LayoutSourceKind = 'ctf' | 'dwarf' | 'bundled';

export interface KernelLayoutSource {
  kind: LayoutSourceKind;
  /** One line for the stderr note and --json metadata: which file or set, and why it was chosen. */
  detail: string;
  /** Present when the reader can use it. */
  layouts?: KernelLayouts;
  /** Structs ("struct pstats") and members ("proc.p_treeflag") the reader needs that these types lack. */
  missing: string[];
  /** Structs of a bundled set whose bodies were not read from the release's headers. */
  unverified: string[];
}

interface AliasFile {
  structs: Record<string, { names: string[]; source: string }>;
  members: Record<string, { paths: string[]; source: string }>;
}
let aliasCache: AliasFile | undefined;
/** The named aliases of layouts/kernel-aliases.json (each with the header line that equates the names). */
export function kernelAliases(): AliasFile {
  return (aliasCache ??= layoutData<AliasFile>(LAYOUT_FILES.kernelAliases));
}

/** A leaf by its path, else by the first of its aliases the layout has (undefined when none). */
export function aliasedLeaf(layout: StructLayout, struct: string, leafPath: string): Leaf | undefined {
  const direct = layout.findLeaf(leafPath);
  if (direct) return direct;
  for (const alt of kernelAliases().members[`${struct}.${leafPath}`]?.paths ?? []) {
    const l = layout.findLeaf(alt);
    if (l) return { ...l, path: leafPath };
  }
  return undefined;
}

/** A layout whose leaf lookups also try the member aliases. */
function withAliases(layout: StructLayout, struct: string): StructLayout {
  const findLeaf = (p: string) => aliasedLeaf(layout, struct, p);
  return {
    ...layout,
    findLeaf,
    leaf: (p) => findLeaf(p) ?? layout.leaf(p),
  };
}

/** A bundled set as a source. */
export function bundledSource(arch: string, set: string, why: string, revision?: string): KernelLayoutSource {
  const kl = kernelLayouts(arch, revision, set);
  const unverified = Object.keys(kl.unverified);
  return { kind: 'bundled', detail: `bundled layouts ${set} (FreeBSD ${kl.release}), ${why}`, layouts: kl, missing: [], unverified };
}

/** The struct of a graph kvmkit calls `name` (directly, or by its alias tags). */
function findGraphStruct(graph: TypeGraph, name: string): number | undefined {
  for (const n of [name, ...(kernelAliases().structs[name]?.names ?? [])]) {
    const id = graph.findStruct(n);
    if (id !== undefined) return id;
  }
  return undefined;
}

/**
 * A kernel's own types as a source: every struct of KERNEL_STRUCTS from the graph (aliases
 * applied). Structs or members the reader needs and the graph lacks are listed in `missing`, and
 * then `layouts` is absent: the reader never reads a member its kernel does not have.
 */
export function graphSource(graph: TypeGraph, arch: ArchName, kind: 'ctf' | 'dwarf' = graph.source.format): KernelLayoutSource {
  const detail = `${kind.toUpperCase()} types of ${graph.source.file} (${graph.source.detail})`;
  const structs = {} as Record<KernelStruct, StructLayout>;
  const missing: string[] = [];
  const revision = `${kind}:${graph.source.file.replace(/^.*[\\/]/, '')}`;
  for (const s of KERNEL_STRUCTS) {
    const id = findGraphStruct(graph, s);
    if (id === undefined) {
      missing.push(`struct ${s}`);
      continue;
    }
    structs[s] = withAliases(structLayoutFromId(graph, id, { arch, revision }), s);
  }
  if (missing.length) return { kind, detail, missing, unverified: [] };
  const a = archDef(arch);
  if (a.types.pointer[0] !== graph.pointerSize) throw new KvmkitError(`the ${kind.toUpperCase()} types are for ${graph.pointerSize}-byte pointers, the dump is ${arch}`, { file: graph.source.file, arch });
  const kl = assembleKernelLayouts(arch, revision, revision, structs, { release: kind, osreldate: 0, unverified: {} });
  const lacking = missingMembers(kl);
  if (lacking.length) return { kind, detail, missing: lacking, unverified: [] };
  return { kind, detail, layouts: kl, missing: [], unverified: [] };
}

/** The stderr note for a chosen source (and the ones passed over). */
export function sourceNote(chosen: KernelLayoutSource, skipped: KernelLayoutSource[] = []): string {
  const parts = [`kernel struct layouts from ${chosen.detail}`];
  for (const s of skipped) parts.push(`not ${s.detail}: it lacks ${s.missing.slice(0, 6).join(', ')}${s.missing.length > 6 ? ` and ${s.missing.length - 6} more` : ''}`);
  if (chosen.unverified.length) parts.push(`unverified (not read from the release's headers, offsets are kvmkit's): ${chosen.unverified.join(', ')}`);
  return parts.join('; ');
}
