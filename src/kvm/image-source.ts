import { KvmkitError, hex } from '../base/errors.ts';
import type { KernelImage } from '../image/image.ts';
import type { KernelGlobals, KernelModel, KObject, Pgrp, Proc, Session, Sysentvec, Thread } from '../kernel/model.ts';
import { buildImage, KernelReader, KstructReadError, P_MAGIC, type KernelLayouts } from '../kstruct/index.ts';
import type { ImageFormat } from '../image/image.ts';
import { kernelTypesOf } from './kernel-types.ts';
import type { ProcessSource, ProcList, ProcRead, RawString, WalkError } from './source.ts';

/**
 * A crash-dump image as a process source, through kstruct's reader (src/kstruct/read.ts). Every
 * struct is read through kstruct's layouts; this adapter only decides, per process, which objects
 * could be read: it touches the members the fill path needs, and replaces each one that fails
 * with null (reporting object kind and address), so the walker can fill what memory gives and
 * name the rest unavailable. Lists (allproc, pid-hash buckets) are followed link by link here so
 * that a bad link or a cycle keeps the part before it.
 */

export interface ImageSourceOptions {
  revision?: string;
  /** The kernel-struct layouts to read with (from chooseKernelLayouts); default: the revision's set. */
  layouts?: KernelLayouts;
  /** Objects kept in the reader's cache between processes (default 2000: a long walk's memory stays flat; measured faster than 20 000). */
  cacheLimit?: number;
}

const MAX_LIST = 200_000;
/** An empty bucket (most of them: the table has ~1.3 buckets per process), shared. */
const EMPTY_LIST: ProcList = Object.freeze({ addrs: Object.freeze([]) as unknown as bigint[], errors: Object.freeze([]) as unknown as WalkError[] });

/** The errors of a process read whole (shared; frozen so that a caller pushing to it fails loudly). */
const NO_ERRORS: WalkError[] = Object.freeze([]) as unknown as WalkError[];

function errOf(e: unknown, object: string, fallback: bigint, pid?: number): WalkError {
  if (e instanceof KstructReadError) return { code: /loops back/.test(e.message) ? 'cycle' : /longer than/.test(e.message) ? 'limit' : 'read', object, address: e.address, pid, message: e.text };
  if (e instanceof KvmkitError) return { code: 'read', object, address: fallback, pid, message: e.text };
  throw e;
}

/** Does this image hold kstruct-laid-out kernel memory? (struct proc's p_magic == P_MAGIC on the first allproc entry.) */
export function kstructRecognises(r: KernelReader): boolean {
  try {
    if (!r.hasSymbol('allproc') || !r.hasSymbol('proc0')) return false;
    const p0 = r.symbol('proc0');
    return Number(r.intAt(p0 + BigInt(r.kl.off('proc', 'p_magic')), 'proc.p_magic', 4, false)) >>> 0 === P_MAGIC;
  } catch {
    return false;
  }
}

export function imageSource(img: KernelImage, opts: ImageSourceOptions = {}): ProcessSource {
  const revision = opts.revision ?? 'fbsd15';
  // Layouts chosen by the caller (chooseKernelLayouts), else the kernel's own CTF when it has one, else the revision's set.
  const types = opts.layouts ? { layouts: opts.layouts, source: `${opts.layouts.set} (chosen by the caller)`, notes: [] as string[] } : kernelTypesOf(img);
  const r = new KernelReader(img, { revision, layouts: types.layouts, cacheLimit: opts.cacheLimit ?? 2000, maxListLength: MAX_LIST });
  const kl = r.kl;
  const unavailableGlobals: string[] = [];
  let globals: KernelGlobals;
  try {
    globals = r.globals();
  } catch {
    const get = <T>(name: string, f: () => T, dflt: T): T => {
      try {
        return f();
      } catch {
        unavailableGlobals.push(name);
        return dflt;
      }
    };
    const int = (n: string) => Number(r.intAt(r.symbol(n), n));
    globals = {
      ticks: get('ticks', () => int('ticks'), 0),
      hz: get('hz', () => int('hz'), 1),
      boottime: get('boottime', () => { const v = r.raw('timeval', r.symbol('boottime')); return { sec: BigInt(v.get('tv_sec')), usec: BigInt(v.get('tv_usec')) }; }, { sec: 0n, usec: 0n }),
      cpu_tick_frequency: get('cpu_tick_frequency', () => r.intAt(r.symbol('cpu_tick_frequency'), 'cpu_tick_frequency', 8, false), 1n),
      maxproc: get('maxproc', () => int('maxproc'), 0),
      pidhash: get('pidhash', () => Number(r.intAt(r.symbol('pidhash'), 'pidhash', kl.pointerSize, false)), 0),
      pidhashlock: 0,
    };
    (r as unknown as { globalsMemo: KernelGlobals }).globalsMemo = globals;
  }
  const model: KernelModel = r.modelShell();
  const has = (n: string) => r.hasSymbol(n);

  /** Follow a list link by link: the entries before a bad link or a repeat are kept. */
  const follow = (first: bigint, nextOff: number, what: () => string): ProcList => {
    const addrs: bigint[] = [];
    const errors: WalkError[] = [];
    // Repeats are found by scanning while the list is short (a pid-hash bucket holds one or two
    // processes: a Set per bucket would be 10⁵ Sets per walk), by a Set once it is long.
    let seen: Set<bigint> | undefined;
    const next = BigInt(nextOff);
    let cur = first;
    while (cur !== 0n) {
      if (seen ? seen.has(cur) : addrs.includes(cur)) {
        errors.push({ code: 'cycle', object: 'list', address: cur, message: `${what()} list loops back to proc ${hex(cur)}` });
        break;
      }
      if (addrs.length >= MAX_LIST) {
        errors.push({ code: 'limit', object: 'list', address: cur, message: `${what()} list longer than ${MAX_LIST} entries` });
        break;
      }
      if (seen) seen.add(cur);
      else if (addrs.length === 32) seen = new Set([...addrs, cur]);
      addrs.push(cur);
      try {
        cur = r.pointerAt(cur + next, 'proc', 'link');
      } catch {
        // Read again with the list's name in the field (built only when a link fails).
        try {
          r.pointerAt(cur + next, 'proc', `${what()} link`);
        } catch (e) {
          errors.push(errOf(e, 'proc', cur));
        }
        break;
      }
    }
    return { addrs, errors };
  };

  /** Read `obj[key]`; on failure set it to null (or `dflt`) and record the error. */
  const touch = <T extends object, K extends keyof T>(obj: T, key: K, object: string, errors: WalkError[], pid: number, dflt: unknown = null): T[K] | null => {
    try {
      return obj[key];
    } catch (e) {
      errors.push(errOf(e, object, (obj as { addr?: bigint }).addr ?? 0n, pid));
      (obj as Record<K, unknown>)[key] = dflt;
      return null;
    }
  };

  const readThreads = (p: Proc, errors: WalkError[]): void => {
    try {
      void p.p_threads;
      return;
    } catch {
      // Rebuild the thread list link by link, keeping the threads before the bad one.
    }
    const tds: Thread[] = [];
    const seen = new Set<bigint>();
    try {
      let cur = r.pointerAt(p.addr + BigInt(kl.off('proc', 'p_threads.tqh_first')), 'proc', 'p_threads');
      while (cur !== 0n) {
        if (seen.has(cur)) {
          errors.push({ code: 'cycle', object: 'thread', address: cur, pid: p.p_pid, message: `p_threads list loops back to thread ${hex(cur)}` });
          break;
        }
        seen.add(cur);
        let td: Thread;
        try {
          td = r.thread(cur, p);
        } catch (e) {
          errors.push({ ...errOf(e, 'thread', cur, p.p_pid), address: cur, message: `cannot read thread at ${hex(cur)}` });
          break;
        }
        tds.push(td);
        cur = r.pointerAt(cur + BigInt(kl.off('thread', 'td_plist.tqe_next')), 'thread', 'td_plist');
      }
    } catch (e) {
      errors.push(errOf(e, 'thread', p.addr, p.p_pid));
    }
    p.p_threads = tds;
  };

  /**
   * The members the fill path reads, in the order (and under the conditions) readProc's careful
   * path touches them; throws at the first one that cannot be read. Nearly every process reads
   * whole, so readProc tries this first and allocates nothing for errors; only when it throws does
   * the careful path run, which finds the resolved members remembered and the failing one failing
   * again, so the errors and patches are those it would have made alone.
   */
  const touchAll = (p: Proc): void => {
    const cred = p.p_ucred;
    if (cred) {
      void cred.cr_prison;
      void cred.cr_loginclass;
    }
    void p.p_sigacts;
    void p.p_vmspace;
    void p.p_stats;
    void p.p_sysent;
    void p.p_pptr;
    void p.p_reaper;
    void p.p_tracevp;
    const pg = p.p_pgrp;
    if (pg) {
      const s = pg.pg_session;
      if (s) {
        void s.s_leader;
        const tp = s.s_ttyp;
        if (tp) {
          void tp.t_dev;
          void tp.t_pgrp;
          void tp.t_session;
        }
      }
      if (!membersRead.has(pg.addr)) {
        for (const q of pg.pg_members) {
          if (q.p_pptr === null || q.p_reaper === null) continue;
          void q.p_pgrp;
        }
        membersRead.add(pg.addr);
      }
    }
    for (const td of p.p_threads) {
      void td.td_wmesg;
      void td.td_lockname;
    }
  };

  /**
   * Process groups whose members (and their parents, reapers and groups) were all read: the dump
   * does not change, so the next member of the group need not read them again (a group of n
   * processes costs n member reads, not n²).
   */
  const membersRead = new Set<bigint>();
  /** Where each raw string (or its pointer) sits in its owner. */
  const RAW_OFF: Record<RawString, bigint> = {
    td_wmesg: BigInt(kl.off('thread', 'td_wmesg')), td_lockname: BigInt(kl.off('thread', 'td_lockname')),
    s_login: BigInt(kl.off('session', 's_login')), sv_name: BigInt(kl.off('sysentvec', 'sv_name')),
  };
  /** Processes the careful path patched, with the errors it found (a cached process read again gives them again). */
  const patchedErrors = new WeakMap<Proc, WalkError[]>();
  const src: ProcessSource = {
    kind: 'image',
    arch: kl.arch,
    revision,
    name: img.source.name,
    layoutSource: types.source,
    layoutNotes: types.notes,
    model,
    unavailableGlobals,
    symbol: (name) => (has(name) ? r.symbol(name) : undefined),
    allproc: () => {
      try {
        return follow(r.pointerAt(r.symbol('allproc'), 'allproc', 'lh_first'), kl.off('proc', 'p_list.le_next'), () => 'allproc');
      } catch (e) {
        return { addrs: [], errors: [errOf(e, 'list', 0n)] };
      }
    },
    zombproc: () => (has('zombproc') ? follow(r.pointerAt(r.symbol('zombproc'), 'zombproc', 'lh_first'), kl.off('proc', 'p_list.le_next'), () => 'zombproc') : null),
    pidhash: () => {
      if (!has('pidhashtbl')) return null;
      let heads: bigint[];
      try {
        heads = r.pidHashHeads();
      } catch (e) {
        const error = errOf(e, 'list', 0n);
        return { buckets: 1, bucket: () => ({ addrs: [], errors: [error] }) };
      }
      const off = kl.off('proc', 'p_hash.le_next');
      return { buckets: heads.length, bucket: (j) => (heads[j] === 0n ? EMPTY_LIST : follow(heads[j], off, () => `pidhashtbl[${j}]`)) };
    },
    readProc(addr): ProcRead {
      r.checkpoint();
      let p: Proc;
      try {
        p = r.proc(addr);
      } catch (e) {
        return { addr, errors: [{ ...errOf(e, 'proc', addr), address: addr }] };
      }
      // A process read before (and still cached) was already patched: give the same errors again.
      const known = patchedErrors.get(p);
      if (known) return { addr, proc: p, errors: known };
      try {
        touchAll(p);
        return { addr, proc: p, errors: NO_ERRORS };
      } catch {
        // Some member cannot be read: the careful path below finds which and patches it.
      }
      const errors: WalkError[] = [];
      patchedErrors.set(p, errors);
      const pid = p.p_pid;
      const cred = touch(p, 'p_ucred', 'ucred', errors, pid);
      if (cred) {
        touch(cred, 'cr_prison', 'prison', errors, pid, model.prison0);
        touch(cred, 'cr_loginclass', 'loginclass', errors, pid, { addr: 0n, lc_name: '' });
      }
      touch(p, 'p_sigacts', 'sigacts', errors, pid);
      touch(p, 'p_vmspace', 'vmspace', errors, pid);
      touch(p, 'p_stats', 'pstats', errors, pid);
      const sv = touch(p, 'p_sysent', 'sysentvec', errors, pid) as Sysentvec | null;
      touch(p, 'p_pptr', 'pproc', errors, pid);
      touch(p, 'p_reaper', 'reaper', errors, pid);
      touch(p, 'p_tracevp', 'ktrio', errors, pid, 0n);
      void sv;
      const pg = touch(p, 'p_pgrp', 'pgrp', errors, pid) as Pgrp | null;
      if (pg) {
        const s = touch(pg, 'pg_session', 'session', errors, pid) as Session | null;
        if (s) {
          touch(s, 's_leader', 'sleader', errors, pid);
          const tp = touch(s, 's_ttyp', 'tty', errors, pid);
          if (tp) {
            touch(tp, 't_dev', 'cdev', errors, pid);
            touch(tp, 't_pgrp', 'tpgrp', errors, pid);
            touch(tp, 't_session', 'tsession', errors, pid);
          }
        }
        // pgrp_calc_jobc reads the members and their parents/reapers.
        const members = touch(pg, 'pg_members', 'members', errors, pid, []) as Proc[] | null;
        for (const q of members ?? []) {
          for (const k of ['p_pptr', 'p_reaper', 'p_pgrp'] as const) {
            if (touch(q, k, 'members', errors, pid, k === 'p_pgrp' ? null : q) === null && k !== 'p_pgrp') break;
          }
        }
      }
      readThreads(p, errors);
      for (const td of p.p_threads) {
        touch(td, 'td_wmesg', 'wmesg', errors, pid);
        touch(td, 'td_lockname', 'lockname', errors, pid);
      }
      return { addr, proc: p, errors };
    },
    rawString(which: RawString, owner: KObject, len: number) {
      try {
        let va: bigint;
        switch (which) {
          case 'td_wmesg': va = r.pointerAt(owner.addr + RAW_OFF.td_wmesg, 'thread', 'td_wmesg'); break;
          case 'td_lockname': va = r.pointerAt(owner.addr + RAW_OFF.td_lockname, 'thread', 'td_lockname'); break;
          case 's_login': va = owner.addr + RAW_OFF.s_login; break;
          case 'sv_name': va = r.pointerAt(owner.addr + RAW_OFF.sv_name, 'sysentvec', 'sv_name'); break;
        }
        // Through the reader's page and chunk caches (a string sits next to what was just read).
        return r.mem.read(va, len);
      } catch (e) {
        if (e instanceof KvmkitError) return undefined;
        throw e;
      }
    },
    tdBlocked: (td) => {
      try {
        return r.pointerAt(td.addr + BigInt(kl.off('thread', 'td_blocked')), 'thread', 'td_blocked');
      } catch (e) {
        if (e instanceof KvmkitError) return 0n;
        throw e;
      }
    },
    nprocs: () => Number(r.intAt(r.symbol('nprocs'), 'nprocs')),
    read: (va, len) => img.read(va, len),
    close() {},
  };
  return src;
}

/** openKvm's hook: a source when kstruct's layouts describe this kernel's memory, else undefined. */
export function kstructSource(img: KernelImage, opts: { revision?: string; layouts?: KernelLayouts }): ProcessSource | undefined {
  const probe = new KernelReader(img, { revision: opts.revision, layouts: opts.layouts ?? kernelTypesOf(img).layouts });
  if (!kstructRecognises(probe)) return undefined;
  return imageSource(img, { revision: opts.revision, layouts: opts.layouts });
}

/** The bench's hook: model → vmcore + kernel files through kstruct's writer. */
export function buildImageFiles(model: KernelModel, o: { core: string; kernel: string; format: string; revision: string }): void {
  buildImage(model, { format: o.format as ImageFormat, vmcore: o.core, kernel: o.kernel, revision: o.revision });
}
