import { KvmkitError } from '../base/errors.ts';
import { archDef, loadRevision, type ArchName } from './defs.ts';
import { getLayout, type StructLayout } from './engine.ts';

/**
 * The kernel-struct layouts of one (arch, revision): the set layouts/kernel/<name>.json named by
 * the revision's `"kernel"` key, laid out by the ordinary layout engine. Every revision of
 * layouts/revisions/ names the same set ("fbsd"): the kernel structs kvmkit models do not differ
 * between them (all have p_reaper/p_reapsubtree; only kinfo_proc differs).
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
  pointerSize: 4 | 8;
  littleEndian: boolean;
  structs: Record<KernelStruct, StructLayout>;
  /** Bytes of one thread zone item: struct thread followed by its td_sched (td_get_sched(td) = &td[1]). */
  threadItemSize: number;
  /** Offset of a (possibly nested) leaf, e.g. off('proc', 'p_list.le_next'). */
  off(struct: KernelStruct, path: string): number;
}

const cache = new Map<string, KernelLayouts>();

export function kernelLayouts(arch: string, revision = DEFAULT_KERNEL_REVISION): KernelLayouts {
  const key = `${arch}/${revision}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rev = loadRevision(revision);
  if (!rev.kernel) throw new KvmkitError(`revision ${revision} names no kernel layout set ("kernel" key)`, { revision, arch });
  const structs = {} as Record<KernelStruct, StructLayout>;
  for (const s of KERNEL_STRUCTS) structs[s] = getLayout(s, arch, revision);
  const kl = assembleKernelLayouts(arch as ArchName, revision, rev.kernel, structs);
  cache.set(key, kl);
  return kl;
}

/**
 * A KernelLayouts from its struct layouts, wherever they came from (layouts/, or a kernel's own
 * CTF or DWARF through src/debuginfo): the one place its derived members are computed.
 */
export function assembleKernelLayouts(arch: ArchName, revision: string, set: string, structs: Record<KernelStruct, StructLayout>): KernelLayouts {
  const a = archDef(arch);
  const offCache = new Map<string, number>();
  return {
    arch,
    revision,
    set,
    pointerSize: a.types.pointer[0] as 4 | 8,
    littleEndian: a.endian === 'little',
    structs,
    threadItemSize: structs.thread.size + structs.td_sched.size,
    off(struct, path) {
      const k = `${struct}.${path}`;
      let o = offCache.get(k);
      if (o === undefined) {
        const l = structs[struct];
        o = path.includes('.') || path.includes('[') ? l.leaf(path).offset : l.field(path).offset;
        offCache.set(k, o);
      }
      return o;
    },
  };
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
