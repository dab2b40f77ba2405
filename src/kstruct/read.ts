import { KvmkitError, hex } from '../base/errors.ts';
import { RecordView } from '../codec/index.ts';
import type { ByteSource } from '../base/source.ts';
import type { KernelImage } from '../image/image.ts';
import { P_TREE_FIRST_ORPHAN, P_TREE_ORPHANED, PRS_NEW } from '../kernel/constants.ts';
import type {
  Cdev, KernelGlobals, KernelModel, LoginClass, Pgrp, Prison, Proc, Pstats, Rusage, RusageExt, Session, Sigacts, Sigset,
  Sysentvec, Thread, Timeval, Tty, Ucred, Vmspace,
} from '../kernel/model.ts';
import { RU_COUNTERS } from '../kernel/model.ts';
import { kernelLayouts, type KernelLayouts, type KernelStruct } from './layouts.ts';

/**
 * Image → model: kernel structs read back from a crash dump into model objects (src/kernel/model.ts)
 * so that the live-path fill functions run on them unchanged. See ./index.ts for the API contract.
 */

/** A kernel object that could not be read: where (address), what (struct) and through which pointer (field). */
export class KstructReadError extends KvmkitError {
  constructor(message: string, readonly address: bigint, readonly struct: string, readonly field?: string) {
    super(message, { address, struct, ...(field ? { field } : {}) });
    this.name = 'KstructReadError';
  }
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

/**
 * A read-through cache over a dump file: 16 KiB chunks, least recently used dropped first. Kernel
 * objects of one zone sit in consecutive physical pages, which minidumps and full dumps store in
 * ascending order, so neighbouring objects are usually one file read.
 */
class ChunkCache implements ByteSource {
  private readonly chunks = new Map<number, Uint8Array>();
  static readonly CHUNK = 16384;
  constructor(private readonly src: ByteSource, private readonly max: number) {}
  get name(): string { return this.src.name; }
  get size(): number { return this.src.size; }
  read(offset: number, length: number): Uint8Array {
    const C = ChunkCache.CHUNK;
    const first = Math.floor(offset / C);
    if (offset < 0 || length < 0 || offset + length > this.src.size || Math.floor((offset + length - 1) / C) !== first || length === 0) return this.src.read(offset, length);
    let c = this.chunks.get(first);
    if (c) {
      this.chunks.delete(first);
    } else {
      const start = first * C;
      c = Uint8Array.from(this.src.read(start, Math.min(C, this.src.size - start)));
      if (this.chunks.size >= this.max) this.chunks.delete(this.chunks.keys().next().value as number);
    }
    this.chunks.set(first, c);
    const o = offset - first * C;
    return c.subarray(o, o + length);
  }
  close(): void {}
}

/** What a model read back from memory cannot contain, whatever the image (never invented). */
export const MODEL_UNAVAILABLE: readonly string[] = [
  'objects: the allocation list (KernelModel.objects) is not in kernel memory; only objects reachable from the globals are read',
  'ttys: only terminals reachable from a session (s_ttyp) are known, keyed by their cdev si_name ("tty@0x…" without a cdev)',
  'prisons: only prison0 and prisons reachable from credentials (and their parents) are known',
  'vnode/pargs/filedesc/pwddesc: addresses only (their contents are not modelled)',
];

type Lazy<T> = () => T;

/** Define obj[key] as a getter that computes once and then becomes a plain data property. */
function lazy<T extends object, K extends string>(obj: T, key: K, fn: Lazy<unknown>): void {
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = fn();
      Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: true });
      return value;
    },
    set(value) {
      Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message.replace(/ \[.*\]$/, '');
  return String(e);
}

const RUX = ['rux_runtime', 'rux_uticks', 'rux_sticks', 'rux_iticks', 'rux_uu', 'rux_su', 'rux_tu'] as const;

/**
 * Reads kernel objects from one image. Objects are memoized by address; pointers and lists of an
 * object are followed lazily on first access (so reading a proc reads one struct proc, and fill
 * reads only what it touches). checkpoint() bounds memory for long walks.
 */
export class KernelReader {
  readonly kl: KernelLayouts;
  readonly unavailable: string[] = [...MODEL_UNAVAILABLE];
  private readonly cacheLimit: number;
  private readonly maxList: number;
  private readonly maxString: number;
  private readonly caches = new Map<string, Map<bigint, object>>();
  private size = 0;
  /** Processes / threads materialized since the last checkpoint, by pid / tid (the shell model's maps). */
  readonly procsByPid = new Map<number, Proc>();
  readonly threadsByTid = new Map<number, Thread>();
  private pinned: [string, bigint, object][] = [];
  private globalsMemo?: KernelGlobals;
  private orphanDepth = 0;

  /** The image reads go through (the image with a chunk cache in front of its file). */
  private readonly mem: KernelImage;

  constructor(readonly img: KernelImage, opts: ReaderOptions = {}) {
    this.kl = kernelLayouts(img.arch, opts.revision);
    const cacheChunks = Math.floor((opts.readCacheBytes ?? 32 << 20) / ChunkCache.CHUNK);
    this.mem = cacheChunks > 0 ? (Object.create(img, { source: { value: new ChunkCache(img.source, cacheChunks) } }) as KernelImage) : img;
    this.cacheLimit = opts.cacheLimit ?? 20_000;
    this.maxList = opts.maxListLength ?? 100_000;
    this.maxString = opts.maxString ?? 256;
  }

  // ---- symbols and raw memory ----

  symbol(name: string): bigint {
    if (!this.img.symbols) throw new KvmkitError('reading kernel objects needs the kernel ELF (its symbols)', { file: this.img.source.name, field: name });
    return this.img.symbols.value(name);
  }

  hasSymbol(name: string): boolean {
    return !!this.img.symbols?.lookup(name);
  }

  /** The bytes of one struct at addr as a RecordView (kernel layout), or a KstructReadError. */
  raw(struct: KernelStruct, addr: bigint, size = this.kl.structs[struct].size): RecordView {
    if (addr === 0n) throw new KstructReadError(`NULL struct ${struct} pointer`, addr, struct);
    let bytes: Uint8Array;
    try {
      bytes = this.mem.read(addr, size);
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read struct ${struct} at ${hex(addr)}: ${describe(e)}`, addr, struct);
    }
    return new RecordView(this.kl.structs[struct], bytes);
  }

  pointerAt(va: bigint, struct: string, field: string): bigint {
    try {
      const b = this.mem.read(va, this.kl.pointerSize);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return this.kl.pointerSize === 8 ? dv.getBigUint64(0, this.kl.littleEndian) : BigInt(dv.getUint32(0, this.kl.littleEndian));
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read ${struct}.${field} at ${hex(va)}: ${describe(e)}`, va, struct, field);
    }
  }

  intAt(va: bigint, what: string, size: 4 | 8 = 4, signed = true): bigint {
    try {
      const b = this.mem.read(va, size);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      if (size === 8) return signed ? dv.getBigInt64(0, this.kl.littleEndian) : dv.getBigUint64(0, this.kl.littleEndian);
      return BigInt(signed ? dv.getInt32(0, this.kl.littleEndian) : dv.getUint32(0, this.kl.littleEndian));
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read ${what} at ${hex(va)}: ${describe(e)}`, va, what);
    }
  }

  /** A NUL-terminated string a pointer field points to (read page by page, at most maxString bytes). */
  string(va: bigint, struct: string, field: string): string {
    let s = '';
    let cur = va;
    while (s.length < this.maxString) {
      const n = Math.min(this.maxString - s.length, 4096 - Number(cur & 4095n), 64);
      let b: Uint8Array;
      try {
        b = this.mem.read(cur, n);
      } catch (e) {
        if (!(e instanceof KvmkitError)) throw e;
        throw new KstructReadError(`cannot read the string ${struct}.${field} points to at ${hex(va)}: ${describe(e)}`, va, struct, field);
      }
      const z = b.indexOf(0);
      s += Buffer.from(b.subarray(0, z < 0 ? b.length : z)).toString('latin1');
      if (z >= 0) return s;
      cur += BigInt(n);
    }
    throw new KstructReadError(`the string ${struct}.${field} points to at ${hex(va)} has no NUL within ${this.maxString} bytes`, va, struct, field);
  }

  /** Element addresses of a LIST/TAILQ: `first`, then the next pointer at element + nextOff; cycles and overlong lists are errors. */
  list(first: bigint, nextOff: number, struct: string, field: string, max = this.maxList): bigint[] {
    const out: bigint[] = [];
    const seen = new Set<bigint>();
    let cur = first;
    while (cur !== 0n) {
      if (seen.has(cur)) throw new KstructReadError(`${field} list loops back to ${struct} at ${hex(cur)}`, cur, struct, field);
      if (out.length >= max) throw new KstructReadError(`${field} list is longer than ${max} entries`, cur, struct, field);
      seen.add(cur);
      out.push(cur);
      cur = this.pointerAt(cur + BigInt(nextOff), struct, `${field} link`);
    }
    return out;
  }

  // ---- cache ----

  private cache<T extends object>(kind: string, addr: bigint, make: () => T): T {
    let m = this.caches.get(kind);
    if (!m) this.caches.set(kind, (m = new Map()));
    const hit = m.get(addr);
    if (hit) return hit as T;
    const o = make();
    m.set(addr, o);
    this.size++;
    return o;
  }

  /** Objects currently cached. */
  get cached(): number {
    return this.size;
  }

  /**
   * Drop the cache when it holds more than cacheLimit objects (pinned globals survive). Call it
   * between processes, never while filling one: objects read before and after a drop are
   * different JS objects, and the fill code compares objects by identity.
   */
  checkpoint(): void {
    if (this.size <= this.cacheLimit) return;
    this.caches.clear();
    this.procsByPid.clear();
    this.threadsByTid.clear();
    this.size = 0;
    for (const [kind, addr, o] of this.pinned) {
      let m = this.caches.get(kind);
      if (!m) this.caches.set(kind, (m = new Map()));
      m.set(addr, o);
      this.size++;
      if (kind === 'proc') this.procsByPid.set((o as Proc).p_pid, o as Proc);
    }
  }

  private pin(kind: string, o: { addr: bigint }): void {
    this.pinned.push([kind, o.addr, o]);
  }

  // ---- globals ----

  /** ticks, hz, boottime, cpu_tick_frequency, maxproc, pidhash, pidhashlock. */
  globals(): KernelGlobals {
    if (this.globalsMemo) return this.globalsMemo;
    const int = (n: string) => Number(this.intAt(this.symbol(n), n));
    const ulong = (n: string) => Number(this.intAt(this.symbol(n), n, this.kl.pointerSize, false));
    const bt = this.raw('timeval', this.symbol('boottime'));
    return (this.globalsMemo = {
      ticks: int('ticks'),
      hz: int('hz'),
      boottime: { sec: BigInt(bt.get('tv_sec')), usec: BigInt(bt.get('tv_usec')) },
      cpu_tick_frequency: this.intAt(this.symbol('cpu_tick_frequency'), 'cpu_tick_frequency', 8, false),
      maxproc: int('maxproc'),
      pidhash: ulong('pidhash'),
      pidhashlock: ulong('pidhashlock'),
    });
  }

  prison0(): Prison {
    const p = this.prison(this.symbol('prison0'));
    if (!this.pinned.some(([, a]) => a === p.addr)) this.pin('prison', p);
    return p;
  }

  proc0(): Proc {
    const p = this.proc(this.symbol('proc0'));
    if (!this.pinned.some(([, a]) => a === p.addr)) this.pin('proc', p);
    return p;
  }

  /** Addresses on `allproc`, head first (newest fork first, proc0 last). */
  allprocAddrs(): bigint[] {
    const head = this.pointerAt(this.symbol('allproc'), 'allproc', 'lh_first');
    return this.list(head, this.kl.off('proc', 'p_list.le_next'), 'proc', 'allproc');
  }

  /** The pid-hash buckets' first pointers (one read of the whole table). */
  pidHashHeads(): bigint[] {
    const g = this.globals();
    const tbl = this.pointerAt(this.symbol('pidhashtbl'), 'pidhashtbl', 'value');
    const n = g.pidhash + 1;
    if (n <= 0 || n > 1 << 24) throw new KstructReadError(`absurd pidhash ${g.pidhash}`, this.symbol('pidhash'), 'pidhash');
    const ps = this.kl.pointerSize;
    let b: Uint8Array;
    try {
      b = this.mem.read(tbl, n * ps);
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read pidhashtbl (${n} buckets) at ${hex(tbl)}: ${describe(e)}`, tbl, 'pidhashtbl');
    }
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: bigint[] = [];
    for (let j = 0; j < n; j++) out.push(ps === 8 ? dv.getBigUint64(j * 8, this.kl.littleEndian) : BigInt(dv.getUint32(j * 4, this.kl.littleEndian)));
    return out;
  }

  /** One bucket's processes, head first. */
  bucketAddrs(heads: bigint[], j: number): bigint[] {
    return this.list(heads[j], this.kl.off('proc', 'p_hash.le_next'), 'proc', `pidhashtbl[${j}]`);
  }

  /**
   * Process addresses in the live sysctl's order (spec §2.2): lock stripe i = 0 … pidhashlock,
   * buckets i, i + pidhashlock + 1, …; each bucket head to tail. PRS_NEW processes are included
   * (the caller skips them after reading p_state). Yields bucket by bucket, so nothing is held.
   */
  *pidHashOrder(): Generator<bigint> {
    const g = this.globals();
    const heads = this.pidHashHeads();
    const seen = new Set<bigint>();
    for (let i = 0; i <= g.pidhashlock; i++) {
      for (let j = i; j <= g.pidhash; j += g.pidhashlock + 1) {
        for (const a of this.bucketAddrs(heads, j)) {
          if (seen.has(a)) throw new KstructReadError(`process at ${hex(a)} is in two pid-hash buckets`, a, 'proc', 'p_hash');
          seen.add(a);
          yield a;
        }
      }
    }
  }

  // ---- objects ----

  private ptr(v: RecordView, path: string): bigint {
    return v.get(path) as bigint;
  }

  private wrapField<T>(struct: string, addr: bigint, field: string, fn: () => T): () => T {
    return () => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof KstructReadError) throw new KstructReadError(`${struct} at ${hex(addr)}, field ${field}: ${describe(e)}`, e.address, e.struct, `${struct}.${field}`);
        throw e;
      }
    };
  }

  private sigset(v: RecordView, path: string): Sigset {
    const a = v.getArray(`${path}.__bits`);
    return [Number(a[0]) >>> 0, Number(a[1]) >>> 0, Number(a[2]) >>> 0, Number(a[3]) >>> 0];
  }

  private timeval(v: RecordView, path: string): Timeval {
    return { sec: BigInt(v.get(`${path}.tv_sec`)), usec: BigInt(v.get(`${path}.tv_usec`)) };
  }

  private rusage(v: RecordView, path: string): Rusage {
    const r = { ru_utime: this.timeval(v, `${path}.ru_utime`), ru_stime: this.timeval(v, `${path}.ru_stime`) } as Rusage;
    for (const k of RU_COUNTERS) r[k] = BigInt(v.get(`${path}.${k}`));
    return r;
  }

  private rux(v: RecordView, path: string): RusageExt {
    const r = {} as RusageExt;
    for (const k of RUX) r[k] = BigInt(v.get(`${path}.${k}`));
    return r;
  }

  private str(v: RecordView, path: string): string {
    return v.get(path) as string;
  }

  /** struct proc at addr; pointers and lists resolve on first access. */
  proc(addr: bigint): Proc {
    return this.cache('proc', addr, () => {
      let v = this.raw('proc', addr);
      const num = (f: string) => Number(v.get(f));
      const p = {
        addr,
        p_pid: num('p_pid'),
        p_comm: this.str(v, 'p_comm'),
        p_state: num('p_state'),
        p_flag: num('p_flag'),
        p_flag2: num('p_flag2'),
        p_treeflag: num('p_treeflag'),
        p_ru: this.rusage(v, 'p_ru'),
        p_rux: this.rux(v, 'p_rux'),
        p_crux: this.rux(v, 'p_crux'),
        p_oppid: num('p_oppid'),
        p_reapsubtree: num('p_reapsubtree'),
        p_args: this.ptr(v, 'p_args'),
        p_textvp: this.ptr(v, 'p_textvp'),
        p_fd: this.ptr(v, 'p_fd'),
        p_pd: this.ptr(v, 'p_pd'),
        p_traceflag: num('p_traceflag'),
        p_nice: num('p_nice'),
        p_fibnum: num('p_fibnum'),
        p_xexit: num('p_xexit'),
        p_xsig: num('p_xsig'),
        p_acflag: num('p_acflag'),
        p_lock: num('p_lock'),
        p_swtick: num('p_swtick'),
        p_siglist: this.sigset(v, 'p_sigqueue.sq_signals'),
      } as Proc;
      const P = (field: string, fn: () => unknown) => lazy(p, field, this.wrapField('proc', addr, field, fn));
      const opt = <T>(a: bigint, f: (a: bigint) => T): T | null => (a === 0n ? null : f(a));
      const ucred = this.ptr(v, 'p_ucred'), sigacts = this.ptr(v, 'p_sigacts'), vmspace = this.ptr(v, 'p_vmspace');
      const stats = this.ptr(v, 'p_stats'), sysent = this.ptr(v, 'p_sysent'), pptr = this.ptr(v, 'p_pptr');
      const reaper = this.ptr(v, 'p_reaper'), pgrp = this.ptr(v, 'p_pgrp'), ktrio = this.ptr(v, 'p_ktrioparms');
      const tdFirst = this.ptr(v, 'p_threads.tqh_first'), children = this.ptr(v, 'p_children.lh_first');
      const reaplist = this.ptr(v, 'p_reaplist.lh_first'), orphans = this.ptr(v, 'p_orphans.lh_first');
      P('p_ucred', () => opt(ucred, (x) => this.ucred(x)));
      P('p_sigacts', () => opt(sigacts, (x) => this.sigacts(x)));
      P('p_vmspace', () => opt(vmspace, (x) => this.vmspace(x)));
      P('p_stats', () => opt(stats, (x) => this.pstats(x)));
      P('p_sysent', () => opt(sysent, (x) => this.sysentvec(x)));
      P('p_pptr', () => opt(pptr, (x) => this.proc(x)));
      P('p_reaper', () => opt(reaper, (x) => this.proc(x)));
      P('p_pgrp', () => opt(pgrp, (x) => this.pgrp(x)));
      P('p_tracevp', () => (ktrio === 0n ? 0n : this.ptr(this.raw('ktr_io_params', ktrio), 'vp')));
      P('p_threads', () => this.list(tdFirst, this.kl.off('thread', 'td_plist.tqe_next'), 'thread', 'p_threads').map((a) => this.thread(a, p)));
      P('p_children', () => this.list(children, this.kl.off('proc', 'p_sibling.le_next'), 'proc', 'p_children').map((a) => this.proc(a)));
      P('p_reaplist', () => this.list(reaplist, this.kl.off('proc', 'p_reapsibling.le_next'), 'proc', 'p_reaplist').map((a) => this.proc(a)));
      P('p_orphans', () => this.list(orphans, this.kl.off('proc', 'p_orphan.le_next'), 'proc', 'p_orphans').map((a) => this.proc(a)));
      this.procsByPid.set(p.p_pid, p);
      if (p.p_treeflag & P_TREE_ORPHANED) this.materializeRealParent(p, v);
      v = null as unknown as RecordView; // the lazy closures share this scope: do not keep the struct bytes alive
      return p;
    });
  }

  /**
   * An orphan (traced, reparented to its debugger) finds its real parent as proc_realparent does:
   * back along p_orphan.le_prev to the first orphan, whose le_prev is &parent->p_orphans.lh_first.
   * The parent is materialized so that the fill code's search of the model's processes finds it.
   */
  private materializeRealParent(p: Proc, v: RecordView): void {
    if (this.orphanDepth > 8) return;
    this.orphanDepth++;
    try {
      const entry = this.kl.off('proc', 'p_orphan');
      let prev = this.ptr(v, 'p_orphan.le_prev');
      let flags = p.p_treeflag;
      for (let i = 0; i < this.maxList && !(flags & P_TREE_FIRST_ORPHAN); i++) {
        const q = prev - BigInt(entry);
        flags = Number(this.intAt(q + BigInt(this.kl.off('proc', 'p_treeflag')), 'proc.p_treeflag', 4, false));
        prev = this.pointerAt(q + BigInt(this.kl.off('proc', 'p_orphan.le_prev')), 'proc', 'p_orphan.le_prev');
      }
      this.proc(prev - BigInt(this.kl.off('proc', 'p_orphans.lh_first')));
    } finally {
      this.orphanDepth--;
    }
  }

  /** struct thread (+ its td_sched) at addr. `owner` short-cuts td_proc when read through p_threads. */
  thread(addr: bigint, owner?: Proc): Thread {
    return this.cache('thread', addr, () => {
      let v = this.raw('thread', addr, this.kl.threadItemSize);
      let ts = new RecordView(this.kl.structs.td_sched, v.bytes, this.kl.structs.thread.size);
      const num = (f: string) => Number(v.get(f));
      const big = (f: string) => BigInt(v.get(f));
      const wmesg = this.ptr(v, 'td_wmesg'), lockname = this.ptr(v, 'td_lockname'), procAddr = this.ptr(v, 'td_proc');
      const td = {
        addr,
        td_tid: num('td_tid'),
        td_name: this.str(v, 'td_name'),
        td_state: num('td_state'),
        td_inhibitors: num('td_inhibitors'),
        td_wchan: this.ptr(v, 'td_wchan'),
        td_priority: num('td_priority'),
        td_base_pri: num('td_base_pri'),
        td_user_pri: num('td_user_pri'),
        td_pri_class: num('td_pri_class'),
        td_lastcpu: num('td_lastcpu'),
        td_oncpu: num('td_oncpu'),
        td_flags: num('td_flags'),
        td_pflags: num('td_pflags'),
        td_pflags2: num('td_pflags2'),
        td_exterr_ptr: this.ptr(v, 'td_exterr_ptr'),
        td_pcb: this.ptr(v, 'td_pcb'),
        td_kstack: big('td_kstack'),
        td_kstack_pages: num('td_kstack_pages'),
        td_slptick: num('td_slptick'),
        td_cow: num('td_cow'),
        td_sigmask: this.sigset(v, 'td_sigmask'),
        td_siglist: this.sigset(v, 'td_sigqueue.sq_signals'),
        td_ru: this.rusage(v, 'td_ru'),
        td_rux: this.rux(v, 'td_rux'),
        td_incruntime: big('td_incruntime'),
        td_uticks: big('td_uticks'),
        td_sticks: big('td_sticks'),
        td_iticks: big('td_iticks'),
        sched_pctcpu: Number(ts.get('ts_pctcpu')),
        sched_estcpu: Number(ts.get('ts_estcpu')),
      } as Thread;
      const T = (field: string, fn: () => unknown) => lazy(td, field, this.wrapField('thread', addr, field, fn));
      T('td_wmesg', () => (wmesg === 0n ? null : this.string(wmesg, 'thread', 'td_wmesg')));
      T('td_lockname', () => (lockname === 0n ? null : this.string(lockname, 'thread', 'td_lockname')));
      if (owner) td.td_proc = owner;
      else T('td_proc', () => this.proc(procAddr));
      this.threadsByTid.set(td.td_tid, td);
      v = ts = null as unknown as RecordView;
      return td;
    });
  }

  ucred(addr: bigint): Ucred {
    return this.cache('ucred', addr, () => {
      const v = this.raw('ucred', addr);
      const n = Number(v.get('cr_ngroups'));
      if (n < 0 || n > 65536) throw new KstructReadError(`absurd cr_ngroups ${n} in ucred at ${hex(addr)}`, addr, 'ucred', 'cr_ngroups');
      const groupsAt = this.ptr(v, 'cr_groups');
      const groups: number[] = [];
      if (n > 0) {
        let b: Uint8Array;
        try {
          b = this.mem.read(groupsAt, n * 4);
        } catch (e) {
          if (!(e instanceof KvmkitError)) throw e;
          throw new KstructReadError(`ucred at ${hex(addr)}, field cr_groups: cannot read ${n} gids at ${hex(groupsAt)}: ${describe(e)}`, groupsAt, 'ucred', 'ucred.cr_groups');
        }
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let i = 0; i < n; i++) groups.push(dv.getUint32(i * 4, this.kl.littleEndian));
      }
      const c = {
        addr,
        cr_uid: Number(v.get('cr_uid')), cr_ruid: Number(v.get('cr_ruid')), cr_svuid: Number(v.get('cr_svuid')),
        cr_gid: Number(v.get('cr_gid')), cr_rgid: Number(v.get('cr_rgid')), cr_svgid: Number(v.get('cr_svgid')),
        cr_groups: groups, cr_flags: Number(v.get('cr_flags')),
      } as Ucred;
      const prison = this.ptr(v, 'cr_prison'), lc = this.ptr(v, 'cr_loginclass');
      lazy(c, 'cr_prison', this.wrapField('ucred', addr, 'cr_prison', () => this.prison(prison)));
      lazy(c, 'cr_loginclass', this.wrapField('ucred', addr, 'cr_loginclass', () => this.loginclass(lc)));
      return c;
    });
  }

  prison(addr: bigint): Prison {
    return this.cache('prison', addr, () => {
      const v = this.raw('prison', addr);
      const pr = { addr, pr_id: Number(v.get('pr_id')), pr_name: this.str(v, 'pr_name') } as Prison;
      const parent = this.ptr(v, 'pr_parent');
      lazy(pr, 'pr_parent', this.wrapField('prison', addr, 'pr_parent', () => (parent === 0n ? null : this.prison(parent))));
      return pr;
    });
  }

  loginclass(addr: bigint): LoginClass {
    return this.cache('loginclass', addr, () => ({ addr, lc_name: this.str(this.raw('loginclass', addr), 'lc_name') }));
  }

  sigacts(addr: bigint): Sigacts {
    return this.cache('sigacts', addr, () => {
      const v = this.raw('sigacts', addr);
      return { addr, ps_sigignore: this.sigset(v, 'ps_sigignore'), ps_sigcatch: this.sigset(v, 'ps_sigcatch') };
    });
  }

  vmspace(addr: bigint): Vmspace {
    return this.cache('vmspace', addr, () => {
      const v = this.raw('vmspace', addr);
      const b = (f: string) => BigInt(v.get(f));
      return {
        addr, vm_map_size: b('vm_map.size'), pm_resident_count: b('vm_pmap.pm_stats.resident_count'),
        vm_swrss: b('vm_swrss'), vm_tsize: b('vm_tsize'), vm_dsize: b('vm_dsize'), vm_ssize: b('vm_ssize'),
      };
    });
  }

  pstats(addr: bigint): Pstats {
    return this.cache('pstats', addr, () => ({ addr, p_start: this.timeval(this.raw('pstats', addr), 'p_start') }));
  }

  sysentvec(addr: bigint): Sysentvec {
    return this.cache('sysentvec', addr, () => {
      const name = this.ptr(this.raw('sysentvec', addr), 'sv_name');
      // A NULL sv_name reads as "" (fill_kinfo_proc_only tests for NULL and empty alike).
      return { addr, sv_name: name === 0n ? '' : this.string(name, 'sysentvec', 'sv_name') };
    });
  }

  pgrp(addr: bigint): Pgrp {
    return this.cache('pgrp', addr, () => {
      const v = this.raw('pgrp', addr);
      const pg = { addr, pg_id: Number(v.get('pg_id')) } as Pgrp;
      const sess = this.ptr(v, 'pg_session'), first = this.ptr(v, 'pg_members.lh_first');
      lazy(pg, 'pg_session', this.wrapField('pgrp', addr, 'pg_session', () => this.session(sess)));
      lazy(pg, 'pg_members', this.wrapField('pgrp', addr, 'pg_members', () => this.list(first, this.kl.off('proc', 'p_pglist.le_next'), 'proc', 'pg_members').map((a) => this.proc(a))));
      return pg;
    });
  }

  session(addr: bigint): Session {
    return this.cache('session', addr, () => {
      const v = this.raw('session', addr);
      const s = { addr, s_sid: Number(v.get('s_sid')), s_ttyvp: this.ptr(v, 's_ttyvp'), s_login: this.str(v, 's_login'), s_count: Number(v.get('s_count')) } as Session;
      const leader = this.ptr(v, 's_leader'), ttyp = this.ptr(v, 's_ttyp');
      lazy(s, 's_leader', this.wrapField('session', addr, 's_leader', () => (leader === 0n ? null : this.proc(leader))));
      lazy(s, 's_ttyp', this.wrapField('session', addr, 's_ttyp', () => (ttyp === 0n ? null : this.tty(ttyp))));
      return s;
    });
  }

  tty(addr: bigint): Tty {
    return this.cache('tty', addr, () => {
      const v = this.raw('tty', addr);
      const t = { addr } as Tty;
      const dev = this.ptr(v, 't_dev'), sess = this.ptr(v, 't_session'), pg = this.ptr(v, 't_pgrp');
      lazy(t, 't_dev', this.wrapField('tty', addr, 't_dev', () => (dev === 0n ? null : this.cdev(dev))));
      lazy(t, 't_session', this.wrapField('tty', addr, 't_session', () => (sess === 0n ? null : this.session(sess))));
      lazy(t, 't_pgrp', this.wrapField('tty', addr, 't_pgrp', () => (pg === 0n ? null : this.pgrp(pg))));
      return t;
    });
  }

  /** struct cdev at addr; its udev is the enclosing cdev_priv's cdp_inode (dev2udev). */
  cdev(addr: bigint): Cdev {
    return this.cache('cdev', addr, () => {
      const v = this.raw('cdev_priv', addr);
      return { addr, si_name: this.str(v, 'cdp_c.si_name'), udev: BigInt(v.get('cdp_inode')) };
    });
  }

  // ---- models ----

  /**
   * A KernelModel for the fill functions while walking: globals, prison0, proc0, vmspace0 and
   * initproc from their symbols; `procs`/`threads` are the processes/threads materialized since the
   * last checkpoint (what the fill code's proc_realparent search needs); pidhashtbl, allproc and
   * objects are empty (walk with pidHashOrder()/allprocAddrs() instead).
   */
  modelShell(): KernelModel {
    const initproc = this.hasSymbol('initproc') ? this.pointerAt(this.symbol('initproc'), 'initproc', 'value') : 0n;
    const vm0 = this.vmspace(this.symbol('vmspace0'));
    this.pin('vmspace', vm0);
    const prison0 = this.prison0();
    return {
      arch: this.kl.arch,
      globals: this.globals(),
      prison0,
      proc0: this.proc0(),
      initproc: initproc === 0n ? null : this.proc(initproc),
      vmspace0: vm0,
      pidhashtbl: [],
      allproc: [],
      procs: this.procsByPid,
      threads: this.threadsByTid,
      objects: [],
      prisons: new Map([[0, prison0]]),
      ttys: new Map(),
    };
  }
}

const readers = new WeakMap<KernelImage, KernelReader>();

/** The reader of an image (one per image, default options). */
export function readerFor(img: KernelImage, opts?: ReaderOptions): KernelReader {
  let r = readers.get(img);
  if (!r) readers.set(img, (r = new KernelReader(img, opts)));
  return r;
}

/** struct proc at addr, with everything it points to resolvable (lazily). */
export function readProc(img: KernelImage, addr: bigint): Proc {
  return readerFor(img).proc(addr);
}

/** The kernel globals the live path reads (spec §2.5). */
export function readGlobals(img: KernelImage): KernelGlobals {
  return readerFor(img).globals();
}

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
export function readModel(img: KernelImage, opts: ReaderOptions = {}): ReadModelResult {
  const r = new KernelReader(img, { ...opts, cacheLimit: Infinity });
  const shell = r.modelShell();
  const g = shell.globals;
  const heads = r.pidHashHeads();
  const pidhashtbl: Proc[][] = [];
  const procs = new Map<number, Proc>();
  const threads = new Map<number, Thread>();
  for (let j = 0; j <= g.pidhash; j++) {
    const bucket = r.bucketAddrs(heads, j).map((a) => r.proc(a));
    pidhashtbl.push(bucket);
    for (const p of bucket) {
      procs.set(p.p_pid, p);
      if (p.p_state !== PRS_NEW) for (const td of p.p_threads) threads.set(td.td_tid, td);
    }
  }
  const allproc = r.allprocAddrs().map((a) => r.proc(a));
  const prisons = new Map<number, Prison>([[0, shell.prison0]]);
  const ttys = new Map<string, Tty>();
  for (const p of procs.values()) {
    for (let pr: Prison | null = p.p_ucred?.cr_prison ?? null; pr; pr = pr.pr_parent) prisons.set(pr.pr_id, pr);
    const tp = p.p_pgrp?.pg_session.s_ttyp;
    if (tp) ttys.set(tp.t_dev ? tp.t_dev.si_name : `tty@${hex(tp.addr)}`, tp);
  }
  const model: KernelModel = { ...shell, pidhashtbl, allproc, procs, threads, prisons, ttys };
  return { model, unavailable: r.unavailable };
}
