import { hex } from '../base/errors.ts';
import { TDI_LOCK } from '../kernel/constants.ts';
import type { KernelModel, KObject, Proc, Session, Sysentvec, Thread } from '../kernel/model.ts';
import type { ArchName } from '../layout/index.ts';

/**
 * The process source: what the kvm walker reads a system through. The walker never touches
 * offsets or bytes of kernel structs itself; a source hands it kernel objects in the shape of the
 * one kernel object model (src/kernel/model.ts), so the live path's fill functions run on them
 * unchanged. Three sources exist:
 *
 * - `modelSource(model)`: an in-memory model (development, the equivalence suite without images),
 *   with optional fault injection (unreadable objects, cyclic lists) to exercise partial results;
 * - an image through kstruct's reader (src/kvm/image-source.ts), where struct layouts live;
 * - the exported-offsets source over real dumps (only pid, comm and threads are known).
 *
 * Lists are given as proc addresses in list order with the list's own errors (a link that cannot
 * be read, a cycle); `readProc` returns the process graph with per-object errors. A source may
 * return a graph with some objects missing (null) when they could not be read: the error list then
 * names each one with its address.
 */

/** One failure met during a walk, always with the kernel address it concerns when there is one. */
export interface WalkError {
  /** 'read' = an object could not be read; 'cycle' = a list loops; 'limit' = a list is absurdly long; 'symbol' = a needed symbol is missing. */
  code: 'read' | 'cycle' | 'limit' | 'symbol' | 'list';
  /** The kernel object kind: proc, thread, ucred, prison, sigacts, pgrp, session, tty, cdev, vmspace, sysentvec, pstats, tpgrp, tsession, pproc, reaper, list … */
  object: string;
  address?: bigint;
  pid?: number;
  message: string;
}

export function errorText(e: WalkError): string {
  return `${e.message}${e.address !== undefined && !e.message.includes(hex(e.address)) ? ` (address ${hex(e.address)})` : ''}${e.pid !== undefined ? ` [pid ${e.pid}]` : ''}`;
}

export interface ProcList {
  /** Proc addresses in list order (head first). A cycle is cut at the first repeated address. */
  addrs: bigint[];
  errors: WalkError[];
}

/**
 * The pid hash of a source: its bucket count and each bucket's list, followed when asked for, so
 * that a walk in bucket order reads each bucket's links right before the processes on it (and
 * holds one bucket, not the table's 10⁵ addresses).
 */
export interface PidHash {
  /** pidhash + 1. */
  readonly buckets: number;
  bucket(j: number): ProcList;
}

export interface ProcRead {
  addr: bigint;
  /** Absent when struct proc itself cannot be read. */
  proc?: Proc;
  /** Failures reading the objects reachable from the proc (object kind + address). */
  errors: WalkError[];
  /** Record fields the source knows it could not recover (beyond those implied by `errors`). */
  unavailable?: string[];
}

/** Raw-memory questions libkvm asks (it copies fixed byte counts where the live path strlcpy's). */
export type RawString = 'td_wmesg' | 'td_lockname' | 's_login' | 'sv_name';

export interface ProcessSource {
  readonly kind: 'model' | 'image' | 'exported-offsets';
  readonly arch: ArchName;
  readonly revision: string;
  /** A human name (file or "in-memory model"). */
  readonly name: string;
  /** Where an image walk's kernel-struct layouts came from (`ctf (...)` or `bundled`), and why CTF was not used. */
  readonly layoutSource?: string;
  readonly layoutNotes?: readonly string[];
  /**
   * The context the fill functions need: globals (ticks, hz, boottime, cpu_tick_frequency,
   * maxproc/pidhash), prison0 (jailed()), and `procs` (proc_realparent for orphans). For an image
   * it is built by the reader; `unavailableGlobals` names globals it could not read.
   */
  readonly model: KernelModel;
  readonly unavailableGlobals: string[];
  /** kvm_nlist: the address of a kernel symbol, undefined when the kernel has none. */
  symbol(name: string): bigint | undefined;
  allproc(): ProcList;
  /** null when the kernel has no `zombproc` (every modern kernel). */
  zombproc(): ProcList | null;
  /** The pid hash, or null without `pidhashtbl`. */
  pidhash(): PidHash | null;
  readProc(addr: bigint): ProcRead;
  /**
   * `len` raw bytes of kernel memory holding a string of `owner` (td_wmesg/td_lockname: the
   * pointed-to string; s_login: the array in struct session; sv_name: the pointed-to name),
   * including whatever follows the NUL; undefined when unreadable.
   */
  rawString(which: RawString, owner: KObject, len: number): Uint8Array | undefined;
  /** `td_blocked` (the turnstile pointer), which the live path never reads. */
  tdBlocked(td: Thread): bigint;
  /** The kernel's `nprocs` (libkvm sizes its buffer from it); default: the model's process count. */
  nprocs?(): number;
  /** kvm_read on the image (undefined for the in-memory model). */
  read?(va: bigint, len: number): Uint8Array;
  close(): void;
}

/** Faults injected into a model source (tests of partial results and error reporting). */
export interface ModelFaults {
  /** Objects (by address) whose read fails: a proc, thread, ucred, pgrp, session, tty, vmspace … */
  unreadable?: Iterable<bigint>;
  /** Make allproc loop: after the entry at this index, the list continues at `allprocLoopTo`. */
  allprocLoopAfter?: number;
  allprocLoopTo?: number;
  /** Make a process's thread list loop back to its first thread (by pid). */
  threadLoopPid?: number;
  /** Hide symbols (e.g. 'pidhashtbl' to force the allproc walk, 'zombproc' is absent anyway). */
  hideSymbols?: string[];
  /** Pretend the kernel has a zombproc list holding these zombies (as FreeBSD ≤ 12 had). */
  zombproc?: boolean;
}

function latin1(s: string, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(Buffer.from(s, 'latin1').subarray(0, len));
  return out;
}

/**
 * The in-memory model as a process source. Symbols are given plausible addresses; strings lie in
 * memory NUL-padded (what a zeroing allocator leaves), so libkvm's raw copies see zeros after the
 * NUL.
 */
export function modelSource(model: KernelModel, revision: string, faults: ModelFaults = {}): ProcessSource {
  const byAddr = new Map<bigint, Proc>();
  for (const p of model.procs.values()) byAddr.set(p.addr, p);
  for (const p of model.allproc) byAddr.set(p.addr, p);
  const bad = new Set(faults.unreadable ?? []);
  const hidden = new Set(faults.hideSymbols ?? []);
  const SYMS = ['allproc', 'nprocs', 'ticks', 'hz', 'cpu_tick_frequency', 'pidhashtbl', 'pidhash', 'pidhashlock', 'maxproc', 'boottimebin', 'prison0', 'proc0'];
  if (faults.zombproc) SYMS.push('zombproc');
  const symtab = new Map(SYMS.filter((s) => !hidden.has(s)).map((s, i) => [s, 0xffffffff81c00000n + BigInt(i) * 0x40n]));
  const err = (object: string, o: { addr: bigint } | null | undefined, pid?: number): WalkError => ({ code: 'read', object, address: o?.addr ?? 0n, pid, message: `cannot read ${object} at ${hex(o?.addr ?? 0n)}` });
  const list = (procs: Proc[], loop?: { after: number; to: number }): ProcList => {
    const addrs = procs.map((p) => p.addr);
    const errors: WalkError[] = [];
    if (loop && loop.after < addrs.length) {
      const to = addrs[loop.to];
      addrs.length = loop.after + 1;
      errors.push({ code: 'cycle', object: 'list', address: to, message: `allproc list loops back to proc ${hex(to)}` });
    }
    for (let i = 0; i < addrs.length; i++) {
      // A proc whose p_list link is unreadable ends the list there.
      if (bad.has(addrs[i])) {
        errors.push(err('proc', procs[i]));
        addrs.length = i + 1;
        break;
      }
    }
    return { addrs, errors };
  };
  return {
    kind: 'model',
    arch: model.arch,
    revision,
    name: 'in-memory model',
    model,
    unavailableGlobals: [],
    symbol: (name) => symtab.get(name.replace(/^_/, '')),
    allproc: () => list(model.allproc, faults.allprocLoopAfter !== undefined ? { after: faults.allprocLoopAfter, to: faults.allprocLoopTo ?? 0 } : undefined),
    zombproc: () => (faults.zombproc ? list([...model.procs.values()].filter((p) => p.p_state === 2 && !model.allproc.includes(p))) : null),
    pidhash: () => (hidden.has('pidhashtbl') ? null : { buckets: model.pidhashtbl.length, bucket: (j) => list(model.pidhashtbl[j]) }),
    readProc(addr) {
      const p = byAddr.get(addr);
      if (!p || bad.has(addr)) return { addr, errors: [{ code: 'read', object: 'proc', address: addr, message: `cannot read proc at ${hex(addr)}` }] };
      if (!bad.size && faults.threadLoopPid === undefined) return { addr, proc: p, errors: [] };
      const tty = p.p_pgrp?.pg_session.s_ttyp;
      const touched = [p.p_ucred, p.p_sigacts, p.p_vmspace, p.p_pgrp, p.p_sysent, p.p_stats, p.p_pgrp?.pg_session, tty, ...p.p_threads].some((o) => o && bad.has(o.addr));
      if (!touched && faults.threadLoopPid !== p.p_pid) return { addr, proc: p, errors: [] };
      // Faulty objects are returned as null (a reader that could not read them), on a shallow copy
      // (so identity tests such as s_leader === p fail for this process only, as for a re-read proc).
      const errors: WalkError[] = [];
      const q: Proc = { ...p };
      const pid = p.p_pid;
      const drop = <K extends keyof Proc>(k: K, object: string) => {
        const o = q[k] as unknown as KObject | null;
        if (o && bad.has(o.addr)) {
          errors.push(err(object, o, pid));
          (q as unknown as Record<string, unknown>)[k] = null;
        }
      };
      drop('p_ucred', 'ucred');
      drop('p_sigacts', 'sigacts');
      drop('p_vmspace', 'vmspace');
      drop('p_pgrp', 'pgrp');
      drop('p_sysent', 'sysentvec');
      drop('p_stats', 'pstats');
      const ti = p.p_threads.findIndex((td) => bad.has(td.addr));
      if (ti >= 0) {
        errors.push(err('thread', p.p_threads[ti], pid));
        q.p_threads = p.p_threads.slice(0, ti);
      }
      if (faults.threadLoopPid === pid && p.p_threads.length) {
        errors.push({ code: 'cycle', object: 'thread', address: p.p_threads[0].addr, pid, message: `p_threads list loops back to thread ${hex(p.p_threads[0].addr)}` });
      }
      if (q.p_pgrp) {
        const s = q.p_pgrp.pg_session;
        if (bad.has(s.addr)) {
          errors.push(err('session', s, pid));
          q.p_pgrp = { ...q.p_pgrp, pg_session: null as unknown as Session };
        } else if (s.s_ttyp && bad.has(s.s_ttyp.addr)) {
          errors.push(err('tty', s.s_ttyp, pid));
          q.p_pgrp = { ...q.p_pgrp, pg_session: { ...s, s_ttyp: null } };
        }
      }
      return { addr, proc: q, errors };
    },
    rawString(which, owner, len) {
      if (bad.has(owner.addr)) return undefined;
      switch (which) {
        case 'td_wmesg': return latin1((owner as Thread).td_wmesg ?? '', len);
        case 'td_lockname': return latin1((owner as Thread).td_lockname ?? '', len);
        case 's_login': return latin1((owner as Session).s_login, len);
        case 'sv_name': return latin1((owner as Sysentvec).sv_name, len);
      }
    },
    // turnstile_wait sets td_blocked and TDI_LOCK together; the model keeps only the inhibitor.
    tdBlocked: (td) => ((td.td_inhibitors & TDI_LOCK) !== 0 ? 0xfffff80000a00000n + BigInt(td.td_tid) * 0x80n : 0n),
    close() {},
  };
}
