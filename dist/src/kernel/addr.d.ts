import { type ArchName } from '../layout/index.ts';
import { type KernelStruct } from '../layout/kernel.ts';
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
export type ZoneKind = 'proc' | 'thread' | 'ucred' | 'prison' | 'loginclass' | 'sigacts' | 'vmspace' | 'pstats' | 'pgrp' | 'session' | 'tty' | 'cdev' | 'vnode' | 'pargs' | 'filedesc' | 'pwddesc' | 'sysentvec' | 'wchan';
/** The kernel struct an item of each zone is (cdev items are the enclosing struct cdev_priv). */
export declare const ZONE_STRUCT: Partial<Record<ZoneKind, KernelStruct>>;
export interface Zone {
    kind: ZoneKind;
    struct?: KernelStruct;
    base: bigint;
    stride: number;
    capacity: number;
    /** Bytes of one item that hold data (the struct size); ≤ stride. */
    itemSize: number;
}
/** The zone table of an arch: every zone's base, stride and capacity (independent of any model). */
export declare function zoneTable(arch: ArchName): Zone[];
/** The direct map of an arch (64-bit arches), for turning zone VAs into physical addresses. */
export declare function directMap(arch: ArchName): {
    dmapbase: bigint;
    dmapphys: bigint;
} | undefined;
export declare class AddressSpace {
    readonly arch: ArchName;
    readonly lp64: boolean;
    private readonly va;
    private readonly zones;
    private readonly next;
    private kstackNext;
    constructor(arch: ArchName);
    /** The next item of a zone. */
    alloc(kind: ZoneKind): bigint;
    stride(kind: ZoneKind): number;
    /** Items handed out so far, per zone. */
    used(kind: ZoneKind): number;
    /** A kernel stack of `pages` pages (plus one guard page below it, as kstack_alloc leaves). */
    allocKstack(pages: number): bigint;
    /** The pcb sits at the top of the kernel stack (below the FPU save area on amd64). */
    pcbFor(kstack: bigint, pages: number): bigint;
    /** A plausible user address for a thread's extended-error buffer (td_exterr_ptr), per tid. */
    userErrPtr(tid: number): bigint;
    get pageSize(): number;
}
