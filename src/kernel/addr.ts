import { KvmkitError, hex } from '../base/errors.ts';
import { archDef, type ArchName } from '../layout/index.ts';
import { kernelLayouts, kernelSetNames, type KernelStruct } from '../layout/kernel.ts';

/**
 * Deterministic kernel virtual addresses for model objects.
 *
 * Each kind of object comes from its own "zone" (as UMA zones do): a zone hands out items of a
 * fixed stride in allocation order, and zones are laid end to end, each sized for its capacity, so
 * objects never overlap and a system of 100k processes / 200k threads fits (a zone that runs out
 * is an error, never a silent overlap). Strides come from the kernel-struct layouts
 * (layouts/kernel/, src/layout/kernel.ts): sizeof(struct proc), sizeof(struct thread) plus its
 * td_sched, … rounded to the zone alignment; kinds kvmkit keeps opaque (vnode, pargs, filedesc,
 * pwddesc, wchan) have fixed plausible strides.
 *
 * Where: on 64-bit arches the zones are in the direct map (amd64 0xfffff800…, arm64 0xffffa000…,
 * powerpc64 0xc000…, riscv64 0xffffffd0…), as UMA hands out single-page slabs; the physical
 * address is va − dmapbase (+ the arch's dmap physical base), starting at `physBase`. On 32-bit
 * arches they are in the kernel map (0xc…/0xd…). Kernel stacks come from a separate KVA range
 * (amd64 0xfffffe00…) as kstack_alloc maps them, one guard page below each. Because allocation
 * order is the simulator's order, the same scenario always gives the same addresses.
 */

export type ZoneKind =
  | 'proc' | 'thread' | 'ucred' | 'prison' | 'loginclass' | 'sigacts' | 'vmspace' | 'pstats'
  | 'pgrp' | 'session' | 'tty' | 'cdev' | 'vnode' | 'pargs' | 'filedesc' | 'pwddesc' | 'sysentvec' | 'wchan';

const ZONES: ZoneKind[] = ['proc', 'thread', 'ucred', 'prison', 'loginclass', 'sigacts', 'vmspace', 'pstats', 'pgrp', 'session', 'tty', 'cdev', 'vnode', 'pargs', 'filedesc', 'pwddesc', 'sysentvec', 'wchan'];

/** The kernel struct an item of each zone is (cdev items are the enclosing struct cdev_priv). */
export const ZONE_STRUCT: Partial<Record<ZoneKind, KernelStruct>> = {
  proc: 'proc', thread: 'thread', ucred: 'ucred', prison: 'prison', loginclass: 'loginclass', sigacts: 'sigacts',
  vmspace: 'vmspace', pstats: 'pstats', pgrp: 'pgrp', session: 'session', tty: 'tty', cdev: 'cdev_priv', sysentvec: 'sysentvec',
};

/** Opaque kinds: fixed strides (LP64, ILP32). */
const OPAQUE_STRIDE: Partial<Record<ZoneKind, [number, number]>> = {
  vnode: [0x1c0, 0x100], pargs: [0x100, 0x100], filedesc: [0x100, 0x80], pwddesc: [0x40, 0x20], wchan: [0x40, 0x20],
};

/** Item alignment per zone (UMA_ALIGN_PTR, the thread zone's 32 − 1). */
const ALIGN: Partial<Record<ZoneKind, number>> = { thread: 32 };

/** Items per zone, LP64 / ILP32 (PID_MAX is 99999; forks never reuse an address in the model). */
const CAPACITY: Record<ZoneKind, [number, number]> = {
  proc: [131072, 16384], thread: [262144, 32768], ucred: [131072, 16384], prison: [4096, 1024], loginclass: [1024, 256],
  sigacts: [131072, 16384], vmspace: [131072, 16384], pstats: [131072, 16384], pgrp: [131072, 16384], session: [131072, 16384],
  tty: [4096, 1024], cdev: [4096, 1024], vnode: [262144, 32768], pargs: [131072, 16384], filedesc: [131072, 16384],
  pwddesc: [131072, 16384], sysentvec: [256, 64], wchan: [4096, 1024],
};

const ZONE_ALIGN = 0x200000n;

interface ArchVa {
  /** First zone's VA. */
  base: bigint;
  /** Direct-map base (64-bit arches): pa = va − dmapbase + dmapphys. */
  dmapbase?: bigint;
  dmapphys?: bigint;
  kstackBase: bigint;
  kstackEnd: bigint;
  userErrBase: bigint;
  page: number;
}

const VA: Record<ArchName, ArchVa> = {
  amd64: { base: 0xfffff80004000000n, dmapbase: 0xfffff80000000000n, dmapphys: 0n, kstackBase: 0xfffffe0080000000n, kstackEnd: 0xfffffe8000000000n, userErrBase: 0x00000008201f3000n, page: 4096 },
  arm64: { base: 0xffffa00004000000n, dmapbase: 0xffffa00000000000n, dmapphys: 0x40000000n, kstackBase: 0xffff000100000000n, kstackEnd: 0xffff008000000000n, userErrBase: 0x0000000040a13000n, page: 4096 },
  powerpc64: { base: 0xc000000004000000n, dmapbase: 0xc000000000000000n, dmapphys: 0n, kstackBase: 0xe000000010000000n, kstackEnd: 0xe000008000000000n, userErrBase: 0x0000000081a2c000n, page: 4096 },
  powerpc64le: { base: 0xc000000004000000n, dmapbase: 0xc000000000000000n, dmapphys: 0n, kstackBase: 0xe000000010000000n, kstackEnd: 0xe000008000000000n, userErrBase: 0x0000000081a2c000n, page: 4096 },
  riscv64: { base: 0xffffffd004000000n, dmapbase: 0xffffffd000000000n, dmapphys: 0n, kstackBase: 0xffffffc080000000n, kstackEnd: 0xffffffc800000000n, userErrBase: 0x0000000040b21000n, page: 4096 },
  i386: { base: 0xc1a00000n, kstackBase: 0xd8000000n, kstackEnd: 0xff000000n, userErrBase: 0x2820f000n, page: 4096 },
  armv7: { base: 0xc1800000n, kstackBase: 0xd9000000n, kstackEnd: 0xff000000n, userErrBase: 0x20a41000n, page: 4096 },
  powerpc: { base: 0xd1000000n, kstackBase: 0xe0000000n, kstackEnd: 0xff000000n, userErrBase: 0x01830000n, page: 4096 },
};

export interface Zone {
  kind: ZoneKind;
  struct?: KernelStruct;
  base: bigint;
  stride: number;
  capacity: number;
  /** Bytes of one item that hold data (the struct size); ≤ stride. */
  itemSize: number;
}

const zoneCache = new Map<ArchName, Zone[]>();

/** The zone table of an arch: every zone's base, stride and capacity (independent of any model). */
export function zoneTable(arch: ArchName): Zone[] {
  const hit = zoneCache.get(arch);
  if (hit) return hit;
  const lp64 = archDef(arch).model === 'LP64';
  // A model is laid out once and written in any bundled set: a zone item holds the largest of them.
  const sets = kernelSetNames().map((set) => kernelLayouts(arch, undefined, set));
  const size = (kind: ZoneKind, struct: KernelStruct) => Math.max(...sets.map((kl) => (kind === 'thread' ? kl.threadItemSize : kl.structs[struct].size)));
  let va = VA[arch].base;
  const out: Zone[] = [];
  for (const kind of ZONES) {
    const struct = ZONE_STRUCT[kind];
    const align = ALIGN[kind] ?? 16;
    const itemSize = struct ? size(kind, struct) : OPAQUE_STRIDE[kind]![lp64 ? 0 : 1];
    const stride = Math.ceil(itemSize / align) * align;
    const capacity = CAPACITY[kind][lp64 ? 0 : 1];
    out.push({ kind, struct, base: va, stride, capacity, itemSize });
    va += BigInt(stride * capacity);
    va = ((va + ZONE_ALIGN - 1n) / ZONE_ALIGN) * ZONE_ALIGN;
  }
  const kstack = VA[arch].kstackBase;
  if (VA[arch].base < kstack && va > kstack) {
    throw new KvmkitError(`zones of ${arch} end at ${hex(va)}, past the kernel stack range at ${hex(kstack)}`, { arch });
  }
  zoneCache.set(arch, out);
  return out;
}

/** The direct map of an arch (64-bit arches), for turning zone VAs into physical addresses. */
export function directMap(arch: ArchName): { dmapbase: bigint; dmapphys: bigint } | undefined {
  const v = VA[arch];
  return v.dmapbase !== undefined ? { dmapbase: v.dmapbase, dmapphys: v.dmapphys ?? 0n } : undefined;
}

export class AddressSpace {
  readonly arch: ArchName;
  readonly lp64: boolean;
  private readonly va: ArchVa;
  private readonly zones: Map<ZoneKind, Zone>;
  private readonly next = new Map<ZoneKind, number>();
  private kstackNext = 0;

  constructor(arch: ArchName) {
    this.arch = arch;
    this.lp64 = archDef(arch).model === 'LP64';
    this.va = VA[arch];
    this.zones = new Map(zoneTable(arch).map((z) => [z.kind, z]));
  }

  /** The next item of a zone. */
  alloc(kind: ZoneKind): bigint {
    const z = this.zones.get(kind)!;
    const i = this.next.get(kind) ?? 0;
    if (i >= z.capacity) throw new KvmkitError(`kernel zone "${kind}" is full (${z.capacity} items of ${z.stride} bytes on ${this.arch})`, { arch: this.arch, object: kind });
    this.next.set(kind, i + 1);
    return z.base + BigInt(i * z.stride);
  }

  stride(kind: ZoneKind): number {
    return this.zones.get(kind)!.stride;
  }

  /** Items handed out so far, per zone. */
  used(kind: ZoneKind): number {
    return this.next.get(kind) ?? 0;
  }

  /** A kernel stack of `pages` pages (plus one guard page below it, as kstack_alloc leaves). */
  allocKstack(pages: number): bigint {
    const slot = this.kstackNext;
    this.kstackNext += pages + 1;
    const va = this.va.kstackBase + BigInt((slot + 1) * this.va.page);
    if (va + BigInt(pages * this.va.page) > this.va.kstackEnd) throw new KvmkitError(`kernel stack range of ${this.arch} is exhausted`, { arch: this.arch, object: 'kstack' });
    return va;
  }

  /** The pcb sits at the top of the kernel stack (below the FPU save area on amd64). */
  pcbFor(kstack: bigint, pages: number): bigint {
    const top = kstack + BigInt(pages * this.va.page);
    return top - BigInt(this.lp64 ? 0x380 : 0x2c0);
  }

  /** A plausible user address for a thread's extended-error buffer (td_exterr_ptr), per tid. */
  userErrPtr(tid: number): bigint {
    return this.va.userErrBase + BigInt((tid % 4096) * 0x40);
  }

  get pageSize(): number {
    return this.va.page;
  }
}
