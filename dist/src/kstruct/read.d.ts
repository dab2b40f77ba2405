import { KvmkitError } from '../base/errors.ts';
import { RecordView } from '../codec/index.ts';
import type { KernelImage } from '../image/image.ts';
import type { Cdev, KernelGlobals, KernelModel, LoginClass, Pgrp, Prison, Proc, Pstats, Rusage, RusageExt, Session, Sigacts, Sigset, Sysentvec, Thread, Tty, Ucred, Vmspace } from '../kernel/model.ts';
import { type BigR, type NumR, type StrR } from './decode.ts';
import { type KernelLayouts, type KernelStruct } from './layouts.ts';
import { KernelMemory } from './mem.ts';
/**
 * Image → model: kernel structs read back from a crash dump into model objects (src/kernel/model.ts)
 * so that the live-path fill functions run on them unchanged. See ./index.ts for the API contract.
 *
 * How it stays cheap (a walk reads ~10 structs per process):
 * - memory goes through ./mem.ts (pages translated once, file chunks cached, no copy per struct);
 * - each struct is decoded by readers with constant offsets made once per layout (./decode.ts),
 *   from the bytes its fields span only (the whole struct must still be readable);
 * - pointers and lists are resolved on first access by accessors on the objects' classes (no
 *   per-object closures or defineProperty), and remembered in the object.
 */
/** A kernel object that could not be read: where (address), what (struct) and through which pointer (field). */
export declare class KstructReadError extends KvmkitError {
    readonly address: bigint;
    readonly struct: string;
    readonly field?: string | undefined;
    constructor(message: string, address: bigint, struct: string, field?: string | undefined);
}
export interface ReaderOptions {
    /** Layout revision (default fbsd15; every revision names the same kernel set). */
    revision?: string;
    /** Objects kept in the address-keyed cache before checkpoint() drops them (default 20 000; Infinity = never). */
    cacheLimit?: number;
    /** Longest list followed (allproc, a hash bucket, p_children …) before it is called corrupt (default 100 000). */
    maxListLength?: number;
    /** Longest pointed-to string read (td_wmesg, td_lockname, sv_name), NUL included (default 256). */
    maxString?: number;
    /** Bytes of dump file kept in the reader's read cache (16 KiB chunks; default 32 MiB; 0 = none). */
    readCacheBytes?: number;
}
/** What a model read back from memory cannot contain, whatever the image (never invented). */
export declare const MODEL_UNAVAILABLE: readonly string[];
/** Where a struct's decoded fields lie: read [lo, lo + len) of a struct of `size` bytes. */
interface Range {
    lo: number;
    len: number;
    size: number;
}
declare function makePlans(kl: KernelLayouts): {
    proc: {
        p_pid: NumR;
        p_comm: StrR;
        p_state: NumR;
        p_flag: NumR;
        p_flag2: NumR;
        p_treeflag: NumR;
        p_ru: (dv: DataView, o: number) => Rusage;
        p_rux: (dv: DataView, o: number) => RusageExt;
        p_crux: (dv: DataView, o: number) => RusageExt;
        p_oppid: NumR;
        p_reapsubtree: NumR;
        p_args: BigR;
        p_textvp: BigR;
        p_fd: BigR;
        p_pd: BigR;
        p_traceflag: NumR;
        p_nice: NumR;
        p_fibnum: NumR;
        p_xexit: NumR;
        p_xsig: NumR;
        p_acflag: NumR;
        p_lock: NumR;
        p_swtick: NumR;
        p_siglist: (dv: DataView, o: number) => Sigset;
        ucred: BigR;
        sigacts: BigR;
        vmspace: BigR;
        stats: BigR;
        sysent: BigR;
        pptr: BigR;
        reaper: BigR;
        pgrp: BigR;
        ktrio: BigR;
        threads: BigR;
        children: BigR;
        reaplist: BigR;
        orphans: BigR;
        orphanPrev: BigR;
        pglistNext: BigR;
        r: Range;
    };
    thread: {
        td_tid: NumR;
        td_name: StrR;
        td_state: NumR;
        td_inhibitors: NumR;
        td_wchan: BigR;
        td_priority: NumR;
        td_base_pri: NumR;
        td_user_pri: NumR;
        td_pri_class: NumR;
        td_lastcpu: NumR;
        td_oncpu: NumR;
        td_flags: NumR;
        td_pflags: NumR;
        td_pflags2: NumR;
        td_exterr_ptr: BigR;
        td_pcb: BigR;
        td_kstack: BigR;
        td_kstack_pages: NumR;
        td_slptick: NumR;
        td_cow: NumR;
        td_sigmask: (dv: DataView, o: number) => Sigset;
        td_siglist: (dv: DataView, o: number) => Sigset;
        td_ru: (dv: DataView, o: number) => Rusage;
        td_rux: (dv: DataView, o: number) => RusageExt;
        td_incruntime: BigR;
        td_uticks: BigR;
        td_sticks: BigR;
        td_iticks: BigR;
        sched_pctcpu: NumR;
        sched_estcpu: NumR;
        wmesg: BigR;
        lockname: BigR;
        proc: BigR;
        next: BigR;
        r: Range;
    };
    ucred: {
        cr_ngroups: NumR;
        cr_groups: BigR;
        cr_uid: NumR;
        cr_ruid: NumR;
        cr_svuid: NumR;
        cr_gid: NumR;
        cr_rgid: NumR;
        cr_svgid: NumR;
        cr_flags: NumR;
        prison: BigR;
        loginclass: BigR;
        r: Range;
    };
    prison: {
        pr_id: NumR;
        pr_name: StrR;
        parent: BigR;
        r: Range;
    };
    loginclass: {
        lc_name: StrR;
        r: Range;
    };
    sigacts: {
        ps_sigignore: (dv: DataView, o: number) => Sigset;
        ps_sigcatch: (dv: DataView, o: number) => Sigset;
        r: Range;
    };
    vmspace: {
        vm_map_size: BigR;
        pm_resident_count: BigR;
        vm_swrss: BigR;
        vm_tsize: BigR;
        vm_dsize: BigR;
        vm_ssize: BigR;
        r: Range;
    };
    pstats: {
        p_start: (dv: DataView, o: number) => import("../kernel/model.ts").Timeval;
        r: Range;
    };
    sysentvec: {
        sv_name: BigR;
        r: Range;
    };
    pgrp: {
        pg_id: NumR;
        session: BigR;
        members: BigR;
        r: Range;
    };
    session: {
        s_sid: NumR;
        s_ttyvp: BigR;
        s_login: StrR;
        s_count: NumR;
        leader: BigR;
        ttyp: BigR;
        r: Range;
    };
    tty: {
        dev: BigR;
        session: BigR;
        pgrp: BigR;
        r: Range;
    };
    cdev: {
        si_name: StrR;
        udev: BigR;
        r: Range;
    };
    ktrio: {
        vp: BigR;
        r: Range;
    };
    offs: {
        threadNext: number;
        sibling: number;
        reapsibling: number;
        orphanNext: number;
        pglist: number;
        hash: number;
        list: number;
        orphan: bigint;
        treeflag: bigint;
        orphanPrev: bigint;
        orphansFirst: bigint;
    };
};
type Plans = ReturnType<typeof makePlans>;
/**
 * A Map whose clear() drops its storage for a new one instead of emptying it. V8 empties (and
 * rehashes) a Map by allocating a new hash table and leaving the old table pointing to it; once one
 * table of a long-lived Map has been promoted to the old generation, that pointer keeps the next
 * table, and every object cached in it, alive through every scavenge until a full GC, and the next
 * table gets promoted in turn. On the 100k-process walk half of what the reader allocated survived
 * each scavenge that way (GC ≈ 1 s of a 3.7 s reader-only walk). A dropped Map holds no pointer to
 * its successor. model.procs / model.threads are these (the shell model keeps the same object).
 */
export declare class FreshMap<K, V> extends Map<K, V> {
    private m;
    get size(): number;
    get(k: K): V | undefined;
    has(k: K): boolean;
    set(k: K, v: V): this;
    delete(k: K): boolean;
    clear(): void;
    keys(): MapIterator<K>;
    values(): MapIterator<V>;
    entries(): MapIterator<[K, V]>;
    [Symbol.iterator](): MapIterator<[K, V]>;
    forEach(f: (v: V, k: K, map: Map<K, V>) => void, self?: unknown): void;
}
/** Object kinds in the reader's cache (0 marks an empty slot). */
declare const K: {
    readonly proc: 1;
    readonly thread: 2;
    readonly ucred: 3;
    readonly prison: 4;
    readonly loginclass: 5;
    readonly sigacts: 6;
    readonly vmspace: 7;
    readonly pstats: 8;
    readonly sysentvec: 9;
    readonly pgrp: 10;
    readonly session: 11;
    readonly tty: 12;
    readonly cdev: 13;
};
type Kind = (typeof K)[keyof typeof K];
/**
 * The reader's object cache: (kind, address) → object, open addressing with linear probing, hashed
 * from the address's low 32 bits (BigInt.asUintN(32, a): ~20 ns, where a Map<bigint> lookup
 * took ~70 ns and 13 Maps made anew each checkpoint allocated their growing tables, ~8% of what a
 * walk allocated). Its arrays live as long as the reader and are emptied in place; the table
 * doubles when half full (a process may read far more than cacheLimit objects: a long pg_members).
 * @internal (exported for its test)
 */
export declare class ObjCache {
    private kinds;
    private keys;
    private vals;
    private mask;
    private shift;
    /** Entries held. */
    count: number;
    constructor(expected: number);
    private slot;
    get(kind: Kind, addr: bigint): object | undefined;
    set(kind: Kind, addr: bigint, o: object): void;
    clear(): void;
    private grow;
}
/**
 * Reads kernel objects from one image. Objects are memoized by address; pointers and lists of an
 * object are followed lazily on first access (so reading a proc reads one struct proc, and fill
 * reads only what it touches). checkpoint() bounds memory for long walks.
 */
export declare class KernelReader {
    readonly img: KernelImage;
    readonly kl: KernelLayouts;
    readonly unavailable: string[];
    /** @internal decode plans of this reader's layouts. */
    readonly plans: Plans;
    /** The reader's view of kernel memory (translation and file-chunk caches). */
    readonly mem: KernelMemory;
    private readonly cacheLimit;
    private readonly maxList;
    private readonly maxString;
    private readonly cache;
    private strings;
    private size;
    /** Processes / threads materialized since the last checkpoint, by pid / tid (the shell model's maps). */
    readonly procsByPid: Map<number, Proc>;
    readonly threadsByTid: Map<number, Thread>;
    private pinned;
    private globalsMemo?;
    private orphanDepth;
    constructor(img: KernelImage, opts?: ReaderOptions);
    symbol(name: string): bigint;
    hasSymbol(name: string): boolean;
    /** The bytes of one struct at addr as a RecordView (kernel layout), or a KstructReadError. */
    raw(struct: KernelStruct, addr: bigint, size?: number): RecordView;
    /**
     * Make struct `struct` at addr readable at this.mem.dv / this.mem.buf and return the offset of
     * its first byte there. The whole struct must be readable (as a kvm_read of it would), but only
     * the bytes the plan decodes are brought in when every page of it translates.
     */
    private at;
    pointerAt(va: bigint, struct: string, field: string): bigint;
    intAt(va: bigint, what: string, size?: 4 | 8, signed?: boolean): bigint;
    /** A NUL-terminated string a pointer field points to (read page by page, at most maxString bytes). */
    string(va: bigint, struct: string, field: string): string;
    /** Element addresses of a LIST/TAILQ: `first`, then the next pointer at element + nextOff; cycles and overlong lists are errors. */
    list(first: bigint, nextOff: number, struct: string, field: string, max?: number): bigint[];
    /**
     * @internal A pointer member of an object read from memory: `a` (NULL gives null, or 0n for
     * p_tracevp, when `nullable`), as the object `what` names. A KstructReadError is re-thrown
     * naming the object and the member ("proc at 0x…, field p_ucred: …", field "proc.p_ucred").
     */
    deref(what: number, a: bigint, nullable: boolean, struct: string, owner: bigint, field: string): never;
    /**
     * @internal A list member (p_threads, p_children, p_reaplist, p_orphans, pg_members), resolved as
     * deref does. p_threads and pg_members are first read element by element, each link taken from
     * the element just read (two loads per thread fewer than following the links, then reading the
     * elements); when that meets anything but a plain list (a repeat, too many entries, an element
     * that cannot be read) the list is read the canonical way, links first, whose errors are the ones
     * given. The elements read meanwhile are the same cached objects.
     */
    derefList(which: number, first: bigint, struct: string, owner: bigint, field: string, proc?: Proc): never;
    /**
     * A list read element by element, each link taken from the element just read (`next`);
     * undefined at the first irregularity (a repeat, too many entries, an unreadable element).
     */
    private byLink;
    private memberError;
    /** Objects currently cached. */
    get cached(): number;
    /**
     * Drop the cache when it holds more than cacheLimit objects (pinned globals survive). Call it
     * between processes, never while filling one: objects read before and after a drop are
     * different JS objects, and the fill code compares objects by identity.
     */
    checkpoint(): void;
    private pin;
    private put;
    /** ticks, hz, boottime, cpu_tick_frequency, maxproc, pidhash, pidhashlock. */
    globals(): KernelGlobals;
    prison0(): Prison;
    proc0(): Proc;
    /** Addresses on `allproc`, head first (newest fork first, proc0 last). */
    allprocAddrs(): bigint[];
    /** The pid-hash buckets' first pointers (one read of the whole table). */
    pidHashHeads(): bigint[];
    /** One bucket's processes, head first. */
    bucketAddrs(heads: bigint[], j: number): bigint[];
    /**
     * Process addresses in the live sysctl's order (spec §2.2): lock stripe i = 0 … pidhashlock,
     * buckets i, i + pidhashlock + 1, …; each bucket head to tail. PRS_NEW processes are included
     * (the caller skips them after reading p_state). Yields bucket by bucket, so nothing is held.
     */
    pidHashOrder(): Generator<bigint>;
    /** struct proc at addr; pointers and lists resolve on first access. */
    proc(addr: bigint): Proc;
    /**
     * An orphan (traced, reparented to its debugger) finds its real parent as proc_realparent does:
     * back along p_orphan.le_prev to the first orphan, whose le_prev is &parent->p_orphans.lh_first.
     * The parent is materialized so that the fill code's search of the model's processes finds it.
     */
    private materializeRealParent;
    /** struct thread (+ its td_sched) at addr. `owner` short-cuts td_proc when read through p_threads. */
    thread(addr: bigint, owner?: Proc): Thread;
    ucred(addr: bigint): Ucred;
    prison(addr: bigint): Prison;
    loginclass(addr: bigint): LoginClass;
    sigacts(addr: bigint): Sigacts;
    vmspace(addr: bigint): Vmspace;
    pstats(addr: bigint): Pstats;
    sysentvec(addr: bigint): Sysentvec;
    /** @internal ktr_io_params.vp (ktr_get_tracevp). */
    ktrioVp(addr: bigint): bigint;
    pgrp(addr: bigint): Pgrp;
    session(addr: bigint): Session;
    tty(addr: bigint): Tty;
    /** struct cdev at addr; its udev is the enclosing cdev_priv's cdp_inode (dev2udev). */
    cdev(addr: bigint): Cdev;
    /**
     * A KernelModel for the fill functions while walking: globals, prison0, proc0, vmspace0 and
     * initproc from their symbols; `procs`/`threads` are the processes/threads materialized since the
     * last checkpoint (what the fill code's proc_realparent search needs); pidhashtbl, allproc and
     * objects are empty (walk with pidHashOrder()/allprocAddrs() instead).
     */
    modelShell(): KernelModel;
}
/** The reader of an image (one per image, default options). */
export declare function readerFor(img: KernelImage, opts?: ReaderOptions): KernelReader;
/** struct proc at addr, with everything it points to resolvable (lazily). */
export declare function readProc(img: KernelImage, addr: bigint): Proc;
/** The kernel globals the live path reads (spec §2.5). */
export declare function readGlobals(img: KernelImage): KernelGlobals;
export interface ReadModelResult {
    model: KernelModel;
    /** Parts of a KernelModel that memory cannot give back (see MODEL_UNAVAILABLE). */
    unavailable: string[];
}
/**
 * The whole model back from an image (small images: everything reachable is read and kept):
 * pid hash (every hashed process, zombies included), allproc, their threads, and the objects
 * they point to. PRS_NEW processes stay in the hash as the kernel keeps them.
 */
export declare function readModel(img: KernelImage, opts?: ReaderOptions): ReadModelResult;
export {};
