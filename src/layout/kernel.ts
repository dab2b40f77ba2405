import { KvmkitError } from '../base/errors.ts';
import { KERNEL_FILES } from './data.ts';
import { archDef, loadRevision, type ArchName, type RevisionDef } from './defs.ts';
import { computeLayout, kernelSet, type StructLayout } from './engine.ts';

/**
 * The kernel-struct layouts of one (arch, kernel set): layouts/kernel/<set>.json, laid out by the
 * ordinary layout engine. A revision names its set with its `"kernel"` key (fbsd14 → fbsd13,
 * fbsd15* → fbsd15.0); a reader of an image may pick the set by the kernel's own osreldate
 * instead (`kernelSetForOsreldate`), since the kinfo_proc revision asked for and the kernel the
 * dump came from are two different things.
 */

export const KERNEL_STRUCTS = [
  'proc', 'thread', 'td_sched', 'pgrp', 'session', 'ucred', 'prison', 'loginclass', 'tty', 'cdev', 'cdev_priv',
  'sigacts', 'vmspace', 'pstats', 'sysentvec', 'ktr_io_params', 'list_head_proc', 'timeval',
] as const;
export type KernelStruct = (typeof KERNEL_STRUCTS)[number];

/** The revision used where none is given (address assignment, CLI default). */
export const DEFAULT_KERNEL_REVISION = 'fbsd15';

export interface KernelLayouts {
  arch: ArchName;
  revision: string;
  /** The layout set name (layouts/kernel/<set>.json). */
  set: string;
  /** The FreeBSD release the set describes (its `release` key). */
  release: string;
  /** The osreldate a simulated kernel of this set carries (the low end of the set's range). */
  osreldate: number;
  /** The structs of KERNEL_STRUCTS (and what they contain) whose bodies were not read from the release's headers, with why. */
  unverified: Record<string, string>;
  pointerSize: 4 | 8;
  littleEndian: boolean;
  structs: Record<KernelStruct, StructLayout>;
  /** Bytes of one thread zone item: struct thread followed by its td_sched (td_get_sched(td) = &td[1]). */
  threadItemSize: number;
  /** Offset of a (possibly nested) leaf, e.g. off('proc', 'p_list.le_next'). */
  off(struct: KernelStruct, path: string): number;
}

const cache = new Map<string, KernelLayouts>();

/** The kernel layout sets bundled in layouts/kernel/. */
export function kernelSetNames(): string[] {
  return Object.keys(KERNEL_FILES).sort();
}

/** The bundled set whose osreldate range (its `osreldate` key, from sys/sys/param.h's __FreeBSD_version) holds `osreldate`. */
export function kernelSetForOsreldate(osreldate: number): string | undefined {
  return kernelSetNames().find((n) => {
    const r = kernelSet(n).osreldate;
    return r !== undefined && osreldate >= r[0] && osreldate <= r[1];
  });
}

/**
 * Kernel layouts of a revision (its "kernel" set), or of an explicit set: the kinfo_proc revision
 * only names the set; the structs depend on the set alone.
 */
export function kernelLayouts(arch: string, revision = DEFAULT_KERNEL_REVISION, set?: string): KernelLayouts {
  const rev = loadRevision(revision);
  const name = set ?? rev.kernel;
  if (!name) throw new KvmkitError(`revision ${revision} names no kernel layout set ("kernel" key)`, { revision, arch });
  const key = `${arch}/${revision}/${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const kset = kernelSet(name);
  // A revision of the set alone: the kinfo_proc revision's own structs and constants do not enter.
  const setRev: RevisionDef = { revision: `kernel:${name}`, kernel: name, constants: {}, structs: {}, asserted: {} };
  const structs = {} as Record<KernelStruct, StructLayout>;
  for (const s of KERNEL_STRUCTS) structs[s] = computeLayout(setRev, s, arch);
  const kl = assembleKernelLayouts(arch as ArchName, revision, name, structs, {
    release: kset.release ?? name,
    osreldate: kset.osreldate?.[0] ?? 0,
    unverified: unverifiedIn(kset, arch as ArchName, structs),
  });
  cache.set(key, kl);
  return kl;
}

/** What a KernelLayouts says about where its bodies came from. */
export interface KernelSetInfo { release: string; osreldate: number; unverified: Record<string, string> }

/**
 * A KernelLayouts from its struct layouts, wherever they came from (layouts/, or a kernel's own
 * CTF or DWARF through src/debuginfo): the one place its derived members are computed.
 */
export function assembleKernelLayouts(arch: ArchName, revision: string, set: string, structs: Record<KernelStruct, StructLayout>, info: KernelSetInfo = { release: set, osreldate: 0, unverified: {} }): KernelLayouts {
  const a = archDef(arch);
  const offCache = new Map<string, number>();
  return {
    arch,
    revision,
    set,
    ...info,
    pointerSize: a.types.pointer[0] as 4 | 8,
    littleEndian: a.endian === 'little',
    structs,
    threadItemSize: structs.thread.size + structs.td_sched.size,
    off(struct, path) {
      const k = `${struct}.${path}`;
      let o = offCache.get(k);
      if (o === undefined) {
        const l = structs[struct];
        o = path.includes('.') || path.includes('[') ? l.leaf(path).offset : (l.findLeaf(path)?.offset ?? l.field(path).offset);
        offCache.set(k, o);
      }
      return o;
    },
  };
}

/** The unverified bodies a set's KERNEL_STRUCTS use on an arch (nested structs included), with why. */
function unverifiedIn(kset: ReturnType<typeof kernelSet>, arch: ArchName, structs: Record<KernelStruct, StructLayout>): Record<string, string> {
  const why = { ...(kset.unverified ?? {}) };
  for (const k of Object.keys(kset.arches?.[arch]?.structs ?? {})) delete why[k];
  const used = new Set<string>();
  const visit = (l: StructLayout) => {
    if (used.has(l.struct)) return;
    used.add(l.struct);
    for (const f of l.fields) if (f.type.struct) visit(f.type.struct);
  };
  for (const l of Object.values(structs)) visit(l);
  return Object.fromEntries(Object.entries(why).filter(([k]) => used.has(k)));
}

/** The offsets the kernel exports about itself (`const int proc_off_*` / `thread_off_*`), from the layouts. */
export function exportedOffsets(kl: KernelLayouts): Record<string, number> {
  return {
    proc_off_p_list: kl.off('proc', 'p_list'),
    proc_off_p_pid: kl.off('proc', 'p_pid'),
    proc_off_p_threads: kl.off('proc', 'p_threads'),
    proc_off_p_comm: kl.off('proc', 'p_comm'),
    thread_off_td_tid: kl.off('thread', 'td_tid'),
    thread_off_td_plist: kl.off('thread', 'td_plist'),
    thread_off_td_oncpu: kl.off('thread', 'td_oncpu'),
    thread_off_td_name: kl.off('thread', 'td_name'),
  };
}
