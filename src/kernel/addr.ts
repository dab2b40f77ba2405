import { archDef, type ArchName } from '../layout/index.ts';

/**
 * Deterministic kernel virtual addresses for model objects.
 *
 * Each kind of object comes from its own "zone" (as UMA zones do): zone k starts at
 * `base + k * zoneSpan` and hands out items of a fixed stride in allocation order. The bases are
 * plausible per arch: the direct map on 64-bit arches (amd64 0xfffff800…, arm64 0xffffa000…,
 * powerpc64 0xc000…, riscv64 0xffffffd0…), the kernel map on 32-bit ones (0xc…/0xd…). Kernel stacks
 * come from a separate KVA range (amd64 0xfffffe00…) as kstack_alloc maps them. Because allocation
 * order is the simulator's order, the same scenario always gives the same addresses.
 */

export type ZoneKind =
  | 'proc' | 'thread' | 'ucred' | 'prison' | 'loginclass' | 'sigacts' | 'vmspace' | 'pstats'
  | 'pgrp' | 'session' | 'tty' | 'cdev' | 'vnode' | 'pargs' | 'filedesc' | 'pwddesc' | 'sysentvec' | 'wchan';

const ZONES: ZoneKind[] = ['proc', 'thread', 'ucred', 'prison', 'loginclass', 'sigacts', 'vmspace', 'pstats', 'pgrp', 'session', 'tty', 'cdev', 'vnode', 'pargs', 'filedesc', 'pwddesc', 'sysentvec', 'wchan'];

/** Item strides (bytes) per zone, LP64 / ILP32: roughly the kernel's struct sizes rounded to a cache line. */
const STRIDE: Record<ZoneKind, [number, number]> = {
  proc: [0x580, 0x340], thread: [0x600, 0x3c0], ucred: [0x100, 0xa0], prison: [0x500, 0x300], loginclass: [0x40, 0x20],
  sigacts: [0x880, 0x880], vmspace: [0x200, 0x140], pstats: [0xc0, 0x80], pgrp: [0x80, 0x40], session: [0x80, 0x50],
  tty: [0x400, 0x200], cdev: [0x140, 0xc0], vnode: [0x1c0, 0x100], pargs: [0x100, 0x100], filedesc: [0x100, 0x80],
  pwddesc: [0x40, 0x20], sysentvec: [0x100, 0x100], wchan: [0x40, 0x20],
};

interface ArchVa { base: bigint; zoneSpan: bigint; kstackBase: bigint; userErrBase: bigint; page: number }

const VA: Record<ArchName, ArchVa> = {
  amd64: { base: 0xfffff80003a00000n, zoneSpan: 0x00400000n, kstackBase: 0xfffffe0080000000n, userErrBase: 0x00000008201f3000n, page: 4096 },
  arm64: { base: 0xffffa00002c00000n, zoneSpan: 0x00400000n, kstackBase: 0xffff000100000000n, userErrBase: 0x0000000040a13000n, page: 4096 },
  powerpc64: { base: 0xc000000002000000n, zoneSpan: 0x00400000n, kstackBase: 0xe000000010000000n, userErrBase: 0x0000000081a2c000n, page: 4096 },
  powerpc64le: { base: 0xc000000002000000n, zoneSpan: 0x00400000n, kstackBase: 0xe000000010000000n, userErrBase: 0x0000000081a2c000n, page: 4096 },
  riscv64: { base: 0xffffffd002400000n, zoneSpan: 0x00400000n, kstackBase: 0xffffffc080000000n, userErrBase: 0x0000000040b21000n, page: 4096 },
  i386: { base: 0x01a00000n + 0xc0000000n, zoneSpan: 0x00100000n, kstackBase: 0xd8000000n, userErrBase: 0x2820f000n, page: 4096 },
  armv7: { base: 0xc1800000n, zoneSpan: 0x00100000n, kstackBase: 0xd9000000n, userErrBase: 0x20a41000n, page: 4096 },
  powerpc: { base: 0xd1000000n, zoneSpan: 0x00100000n, kstackBase: 0xe0000000n, userErrBase: 0x01830000n, page: 4096 },
};

export class AddressSpace {
  readonly arch: ArchName;
  readonly lp64: boolean;
  private readonly va: ArchVa;
  private readonly next = new Map<ZoneKind, number>();
  private kstackNext = 0;

  constructor(arch: ArchName) {
    this.arch = arch;
    this.lp64 = archDef(arch).model === 'LP64';
    this.va = VA[arch];
  }

  /** The next item of a zone. */
  alloc(kind: ZoneKind): bigint {
    const i = this.next.get(kind) ?? 0;
    this.next.set(kind, i + 1);
    return this.va.base + BigInt(ZONES.indexOf(kind)) * this.va.zoneSpan + BigInt(i * this.stride(kind));
  }

  stride(kind: ZoneKind): number {
    return STRIDE[kind][this.lp64 ? 0 : 1];
  }

  /** A kernel stack of `pages` pages (plus one guard page below it, as kstack_alloc leaves). */
  allocKstack(pages: number): bigint {
    const slot = this.kstackNext;
    this.kstackNext += pages + 1;
    return this.va.kstackBase + BigInt((slot + 1) * this.va.page);
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
