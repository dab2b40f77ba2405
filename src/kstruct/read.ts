import { KvmkitError, hex } from '../base/errors.ts';
import { RecordView } from '../codec/index.ts';
import type { KernelImage } from '../image/image.ts';
import { pidHashBuckets } from '../kernel/pidhash.ts';
import { P_TREE_FIRST_ORPHAN, P_TREE_ORPHANED, PRS_NEW } from '../kernel/constants.ts';
import type {
  Cdev, KernelGlobals, KernelModel, LoginClass, Pgrp, Prison, Proc, Pstats, Rusage, RusageExt, Session, Sigacts, Sigset,
  Sysentvec, Thread, Tty, Ucred, Vmspace,
} from '../kernel/model.ts';
import { Span, type BigR, type NumR, type StrR } from './decode.ts';
import type { StructLayout } from '../layout/index.ts';
import { kernelLayouts, type KernelLayouts, type KernelStruct } from './layouts.ts';
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
export class KstructReadError extends KvmkitError {
  constructor(message: string, readonly address: bigint, readonly struct: string, readonly field?: string) {
    super(message, { address, struct, ...(field ? { field } : {}) });
    this.name = 'KstructReadError';
  }
}

export interface ReaderOptions {
  /** Layout revision (default fbsd15): names the kernel set unless `kernelSet` or `layouts` is given. */
  revision?: string;
  /** The bundled kernel layout set to read with (layouts/kernel/<set>.json). */
  kernelSet?: string;
  /** Kernel layouts from elsewhere (the kernel's CTF or DWARF, ./source.ts). */
  layouts?: KernelLayouts;
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
export const MODEL_UNAVAILABLE: readonly string[] = [
  'objects: the allocation list (KernelModel.objects) is not in kernel memory; only objects reachable from the globals are read',
  'ttys: only terminals reachable from a session (s_ttyp) are known, keyed by their cdev si_name ("tty@0x…" without a cdev)',
  'prisons: only prison0 and prisons reachable from credentials (and their parents) are known',
  'vnode/pargs/filedesc/pwddesc: addresses only (their contents are not modelled)',
];

function describe(e: unknown): string {
  if (e instanceof KvmkitError) return e.text;
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---------- decode plans (one per KernelLayouts) ----------

type Dec<T> = (dv: DataView, o: number) => T;

/** Where a struct's decoded fields lie: read [lo, lo + len) of a struct of `size` bytes. */
interface Range { lo: number; len: number; size: number }

function range(s: Span, size = s.size): Range {
  const r = s.range();
  return { lo: r.lo, len: r.len, size };
}

function makePlans(kl: KernelLayouts) {
  const S = kl.structs;
  const p = new Span(S.proc);
  const proc = {
    p_pid: p.num('p_pid'), p_comm: p.str('p_comm'), p_state: p.num('p_state'), p_flag: p.num('p_flag'), p_flag2: p.num('p_flag2'),
    p_treeflag: p.num('p_treeflag'), p_ru: p.rusage('p_ru'), p_rux: p.rux('p_rux'), p_crux: p.rux('p_crux'), p_oppid: p.num('p_oppid'),
    p_reapsubtree: p.num('p_reapsubtree'), p_args: p.big('p_args'), p_textvp: p.big('p_textvp'), p_fd: p.big('p_fd'), p_pd: p.big('p_pd'),
    p_traceflag: p.num('p_traceflag'), p_nice: p.num('p_nice'), p_fibnum: p.num('p_fibnum'), p_xexit: p.num('p_xexit'), p_xsig: p.num('p_xsig'),
    p_acflag: p.num('p_acflag'), p_lock: p.num('p_lock'), p_swtick: p.num('p_swtick'), p_siglist: p.sigset('p_sigqueue.sq_signals'),
    ucred: p.big('p_ucred'), sigacts: p.big('p_sigacts'), vmspace: p.big('p_vmspace'), stats: p.big('p_stats'), sysent: p.big('p_sysent'),
    pptr: p.big('p_pptr'), reaper: p.big('p_reaper'), pgrp: p.big('p_pgrp'), ktrio: p.big('p_ktrioparms'),
    threads: p.big('p_threads.tqh_first'), children: p.big('p_children.lh_first'), reaplist: p.big('p_reaplist.lh_first'),
    orphans: p.big('p_orphans.lh_first'), orphanPrev: p.big('p_orphan.le_prev'), pglistNext: p.big('p_pglist.le_next'),
    r: undefined as unknown as Range,
  };
  proc.r = range(p);

  const t = new Span(S.thread, kl.threadItemSize);
  const tsOff = S.thread.size;
  const tsLayout = new Span(S.td_sched);
  const tsPct = tsLayout.num('ts_pctcpu'), tsEst = tsLayout.num('ts_estcpu');
  const thread = {
    td_tid: t.num('td_tid'), td_name: t.str('td_name'), td_state: t.num('td_state'), td_inhibitors: t.num('td_inhibitors'),
    td_wchan: t.big('td_wchan'), td_priority: t.num('td_priority'), td_base_pri: t.num('td_base_pri'), td_user_pri: t.num('td_user_pri'),
    td_pri_class: t.num('td_pri_class'), td_lastcpu: t.num('td_lastcpu'), td_oncpu: t.num('td_oncpu'), td_flags: t.num('td_flags'),
    td_pflags: t.num('td_pflags'), td_pflags2: t.num('td_pflags2'), td_exterr_ptr: t.big('td_exterr_ptr'), td_pcb: t.big('td_pcb'),
    td_kstack: t.big('td_kstack'), td_kstack_pages: t.num('td_kstack_pages'), td_slptick: t.num('td_slptick'), td_cow: t.num('td_cow'),
    td_sigmask: t.sigset('td_sigmask'), td_siglist: t.sigset('td_sigqueue.sq_signals'), td_ru: t.rusage('td_ru'), td_rux: t.rux('td_rux'),
    td_incruntime: t.big('td_incruntime'), td_uticks: t.big('td_uticks'), td_sticks: t.big('td_sticks'), td_iticks: t.big('td_iticks'),
    sched_pctcpu: ((dv, o) => tsPct(dv, o + tsOff)) as NumR, sched_estcpu: ((dv, o) => tsEst(dv, o + tsOff)) as NumR,
    wmesg: t.big('td_wmesg'), lockname: t.big('td_lockname'), proc: t.big('td_proc'), next: t.big('td_plist.tqe_next'),
    r: undefined as unknown as Range,
  };
  const tr = t.range();
  const tsr = tsLayout.range();
  const lo = Math.min(tr.lo, tsOff + tsr.lo), hi = Math.max(tr.lo + tr.len, tsOff + tsr.lo + tsr.len);
  thread.r = { lo, len: hi - lo, size: kl.threadItemSize };

  const c = new Span(S.ucred);
  const ucred = {
    cr_ngroups: c.num('cr_ngroups'), cr_groups: c.big('cr_groups'), cr_uid: c.num('cr_uid'), cr_ruid: c.num('cr_ruid'), cr_svuid: c.num('cr_svuid'),
    cr_gid: c.num('cr_gid'), cr_rgid: c.num('cr_rgid'), cr_svgid: c.num('cr_svgid'), cr_flags: c.num('cr_flags'),
    prison: c.big('cr_prison'), loginclass: c.big('cr_loginclass'), r: range(c),
  };
  const pr = new Span(S.prison);
  const prison = { pr_id: pr.num('pr_id'), pr_name: pr.str('pr_name'), parent: pr.big('pr_parent'), r: undefined as unknown as Range };
  prison.r = range(pr);
  const lcS = new Span(S.loginclass);
  const loginclass = { lc_name: lcS.str('lc_name'), r: undefined as unknown as Range };
  loginclass.r = range(lcS);
  const sa = new Span(S.sigacts);
  const sigacts = { ps_sigignore: sa.sigset('ps_sigignore'), ps_sigcatch: sa.sigset('ps_sigcatch'), r: undefined as unknown as Range };
  sigacts.r = range(sa);
  const vm = new Span(S.vmspace);
  const vmspace = {
    vm_map_size: vm.big('vm_map.size'), pm_resident_count: vm.big('vm_pmap.pm_stats.resident_count'), vm_swrss: vm.big('vm_swrss'),
    vm_tsize: vm.big('vm_tsize'), vm_dsize: vm.big('vm_dsize'), vm_ssize: vm.big('vm_ssize'), r: undefined as unknown as Range,
  };
  vmspace.r = range(vm);
  const ps = new Span(S.pstats);
  const pstats = { p_start: ps.timeval('p_start'), r: undefined as unknown as Range };
  pstats.r = range(ps);
  const sv = new Span(S.sysentvec);
  const sysentvec = { sv_name: sv.big('sv_name'), r: undefined as unknown as Range };
  sysentvec.r = range(sv);
  const pg = new Span(S.pgrp);
  const pgrp = { pg_id: pg.num('pg_id'), session: pg.big('pg_session'), members: pg.big('pg_members.lh_first'), r: undefined as unknown as Range };
  pgrp.r = range(pg);
  const ss = new Span(S.session);
  const session = {
    s_sid: ss.num('s_sid'), s_ttyvp: ss.big('s_ttyvp'), s_login: ss.str('s_login'), s_count: ss.num('s_count'),
    leader: ss.big('s_leader'), ttyp: ss.big('s_ttyp'), r: undefined as unknown as Range,
  };
  session.r = range(ss);
  const ty = new Span(S.tty);
  const tty = { dev: ty.big('t_dev'), session: ty.big('t_session'), pgrp: ty.big('t_pgrp'), r: undefined as unknown as Range };
  tty.r = range(ty);
  const cd = new Span(S.cdev_priv);
  const cdev = { si_name: cd.str('cdp_c.si_name'), udev: cd.big('cdp_inode'), r: undefined as unknown as Range };
  cdev.r = range(cd);
  const ktS = new Span(S.ktr_io_params);
  const ktrio = { vp: ktS.big('vp'), r: undefined as unknown as Range };
  ktrio.r = range(ktS);
  const offs = {
    threadNext: kl.off('thread', 'td_plist.tqe_next'), sibling: kl.off('proc', 'p_sibling.le_next'), reapsibling: kl.off('proc', 'p_reapsibling.le_next'),
    orphanNext: kl.off('proc', 'p_orphan.le_next'), pglist: kl.off('proc', 'p_pglist.le_next'), hash: kl.off('proc', 'p_hash.le_next'),
    list: kl.off('proc', 'p_list.le_next'), orphan: BigInt(kl.off('proc', 'p_orphan')), treeflag: BigInt(kl.off('proc', 'p_treeflag')),
    orphanPrev: BigInt(kl.off('proc', 'p_orphan.le_prev')), orphansFirst: BigInt(kl.off('proc', 'p_orphans.lh_first')),
  };
  return { proc, thread, ucred, prison, loginclass, sigacts, vmspace, pstats, sysentvec, pgrp, session, tty, cdev, ktrio, offs };
}

type Plans = ReturnType<typeof makePlans>;

/**
 * The struct members the reader needs that `kl` lacks ("proc.p_treeflag"), found by making the
 * reader's plans over layouts that record each miss instead of throwing. Empty: `kl` can be read with.
 */
export function missingMembers(kl: KernelLayouts): string[] {
  const missing: string[] = [];
  const probe = (l: StructLayout): StructLayout => ({
    ...l,
    leaf: (p: string) => l.findLeaf(p) ?? (missing.push(`${l.struct}.${p}`), { path: p, offset: 0, size: 4, type: 'int', kind: 'int', signed: false, elemSize: 4 }),
  });
  const structs = Object.fromEntries(Object.entries(kl.structs).map(([k, l]) => [k, probe(l)])) as KernelLayouts['structs'];
  makePlans({ ...kl, structs, off: (s, p) => kl.structs[s].findLeaf(p)?.offset ?? kl.structs[s].fields.find((f) => f.name === p)?.offset ?? (missing.push(`${s}.${p}`), 0) });
  return [...new Set(missing)];
}
const planCache = new WeakMap<KernelLayouts, Plans>();

function plansFor(kl: KernelLayouts): Plans {
  let p = planCache.get(kl);
  if (!p) planCache.set(kl, (p = makePlans(kl)));
  return p;
}

// ---------- model objects read from memory ----------
//
// Plain data members are own properties; members that follow a pointer are accessors on the
// class (enumerable: false, on the prototype). The first read resolves the pointer (errors name
// the object and the member) and remembers the result; assigning replaces it (the kvm walker
// patches members it could not read).

const UNSET: unique symbol = Symbol('unset');

/** What a pointer member points to (KernelReader.deref). */
const D = { proc: 0, ucred: 1, sigacts: 2, vmspace: 3, pstats: 4, sysentvec: 5, pgrp: 6, session: 7, tty: 8, cdev: 9, prison: 10, loginclass: 11, tracevp: 12, string: 13 } as const;
/** Which list a list member heads (KernelReader.derefList). */
const L = { threads: 0, sibling: 1, reapsibling: 2, orphanNext: 3, pglist: 4 } as const;
type Slot<T> = T | typeof UNSET;

// Per-object state lives in symbol-keyed slots (not #private fields) so that an object made with
// Object.create(obj) reads through to obj and shadows what is assigned to it.
const $children = Symbol('children');
const $childrenA = Symbol('childrenA');
const $dev = Symbol('dev');
const $devA = Symbol('devA');
const $ktrioA = Symbol('ktrioA');
const $lc = Symbol('lc');
const $lcA = Symbol('lcA');
const $leader = Symbol('leader');
const $leaderA = Symbol('leaderA');
const $lockname = Symbol('lockname');
const $locknameA = Symbol('locknameA');
const $members = Symbol('members');
const $membersA = Symbol('membersA');
const $orphans = Symbol('orphans');
const $orphansA = Symbol('orphansA');
const $parent = Symbol('parent');
const $parentA = Symbol('parentA');
const $pgrp = Symbol('pgrp');
const $pgrpA = Symbol('pgrpA');
const $pptr = Symbol('pptr');
const $pptrA = Symbol('pptrA');
const $prison = Symbol('prison');
const $prisonA = Symbol('prisonA');
const $proc = Symbol('proc');
const $procA = Symbol('procA');
const $r = Symbol('r');
const $reaper = Symbol('reaper');
const $reaperA = Symbol('reaperA');
const $reaplist = Symbol('reaplist');
const $reaplistA = Symbol('reaplistA');
const $session = Symbol('session');
const $sessionA = Symbol('sessionA');
const $sigacts = Symbol('sigacts');
const $sigactsA = Symbol('sigactsA');
const $stats = Symbol('stats');
const $statsA = Symbol('statsA');
const $sysent = Symbol('sysent');
const $sysentA = Symbol('sysentA');
const $threads = Symbol('threads');
const $threadsA = Symbol('threadsA');
/** The list links read with the struct (td_plist.tqe_next, p_pglist.le_next): see KernelReader.derefList. */
const $next = Symbol('next');
const $tracevp = Symbol('tracevp');
const $ttyp = Symbol('ttyp');
const $ttypA = Symbol('ttypA');
const $ucred = Symbol('ucred');
const $ucredA = Symbol('ucredA');
const $vmspace = Symbol('vmspace');
const $vmspaceA = Symbol('vmspaceA');
const $wmesg = Symbol('wmesg');
const $wmesgA = Symbol('wmesgA');

class ImgProc implements Proc {
  declare addr: bigint;
  declare p_pid: number;
  declare p_comm: string;
  declare p_state: number;
  declare p_flag: number;
  declare p_flag2: number;
  declare p_treeflag: number;
  declare p_ru: Rusage;
  declare p_rux: RusageExt;
  declare p_crux: RusageExt;
  declare p_oppid: number;
  declare p_reapsubtree: number;
  declare p_args: bigint;
  declare p_textvp: bigint;
  declare p_fd: bigint;
  declare p_pd: bigint;
  declare p_traceflag: number;
  declare p_nice: number;
  declare p_fibnum: number;
  declare p_xexit: number;
  declare p_xsig: number;
  declare p_acflag: number;
  declare p_lock: number;
  declare p_swtick: number;
  declare p_siglist: Sigset;
  [$r]!: KernelReader;
  [$ucredA]!: bigint; [$sigactsA]!: bigint; [$vmspaceA]!: bigint; [$statsA]!: bigint; [$sysentA]!: bigint; [$pptrA]!: bigint; [$reaperA]!: bigint;
  [$pgrpA]!: bigint; [$ktrioA]!: bigint; [$threadsA]!: bigint; [$childrenA]!: bigint; [$reaplistA]!: bigint; [$orphansA]!: bigint; [$next]!: bigint;
  [$ucred]: Slot<Ucred> = UNSET;
  [$sigacts]: Slot<Sigacts | null> = UNSET;
  [$vmspace]: Slot<Vmspace | null> = UNSET;
  [$stats]: Slot<Pstats> = UNSET;
  [$sysent]: Slot<Sysentvec | null> = UNSET;
  [$pptr]: Slot<Proc | null> = UNSET;
  [$reaper]: Slot<Proc> = UNSET;
  [$pgrp]: Slot<Pgrp | null> = UNSET;
  [$tracevp]: Slot<bigint> = UNSET;
  [$threads]: Slot<Thread[]> = UNSET;
  [$children]: Slot<Proc[]> = UNSET;
  [$reaplist]: Slot<Proc[]> = UNSET;
  [$orphans]: Slot<Proc[]> = UNSET;

  constructor(r: KernelReader, addr: bigint, P: Plans['proc'], dv: DataView, b: Uint8Array, o: number) {
    this[$r] = r;
    this.addr = addr;
    this.p_pid = P.p_pid(dv, o);
    this.p_comm = P.p_comm(b, o);
    this.p_state = P.p_state(dv, o);
    this.p_flag = P.p_flag(dv, o);
    this.p_flag2 = P.p_flag2(dv, o);
    this.p_treeflag = P.p_treeflag(dv, o);
    this.p_ru = P.p_ru(dv, o);
    this.p_rux = P.p_rux(dv, o);
    this.p_crux = P.p_crux(dv, o);
    this.p_oppid = P.p_oppid(dv, o);
    this.p_reapsubtree = P.p_reapsubtree(dv, o);
    this.p_args = P.p_args(dv, o);
    this.p_textvp = P.p_textvp(dv, o);
    this.p_fd = P.p_fd(dv, o);
    this.p_pd = P.p_pd(dv, o);
    this.p_traceflag = P.p_traceflag(dv, o);
    this.p_nice = P.p_nice(dv, o);
    this.p_fibnum = P.p_fibnum(dv, o);
    this.p_xexit = P.p_xexit(dv, o);
    this.p_xsig = P.p_xsig(dv, o);
    this.p_acflag = P.p_acflag(dv, o);
    this.p_lock = P.p_lock(dv, o);
    this.p_swtick = P.p_swtick(dv, o);
    this.p_siglist = P.p_siglist(dv, o);
    this[$ucredA] = P.ucred(dv, o);
    this[$sigactsA] = P.sigacts(dv, o);
    this[$vmspaceA] = P.vmspace(dv, o);
    this[$statsA] = P.stats(dv, o);
    this[$sysentA] = P.sysent(dv, o);
    this[$pptrA] = P.pptr(dv, o);
    this[$reaperA] = P.reaper(dv, o);
    this[$pgrpA] = P.pgrp(dv, o);
    this[$ktrioA] = P.ktrio(dv, o);
    this[$threadsA] = P.threads(dv, o);
    this[$childrenA] = P.children(dv, o);
    this[$reaplistA] = P.reaplist(dv, o);
    this[$orphansA] = P.orphans(dv, o);
    this[$next] = P.pglistNext(dv, o);
  }

  get p_ucred(): Ucred {
    if (this[$ucred] === UNSET) this[$ucred] = this[$r].deref(D.ucred, this[$ucredA], true, 'proc', this.addr, 'p_ucred') as Ucred;
    return this[$ucred];
  }
  set p_ucred(v: Ucred) { this[$ucred] = v; }
  get p_sigacts(): Sigacts | null {
    if (this[$sigacts] === UNSET) this[$sigacts] = this[$r].deref(D.sigacts, this[$sigactsA], true, 'proc', this.addr, 'p_sigacts');
    return this[$sigacts];
  }
  set p_sigacts(v: Sigacts | null) { this[$sigacts] = v; }
  get p_vmspace(): Vmspace | null {
    if (this[$vmspace] === UNSET) this[$vmspace] = this[$r].deref(D.vmspace, this[$vmspaceA], true, 'proc', this.addr, 'p_vmspace');
    return this[$vmspace];
  }
  set p_vmspace(v: Vmspace | null) { this[$vmspace] = v; }
  get p_stats(): Pstats {
    if (this[$stats] === UNSET) this[$stats] = this[$r].deref(D.pstats, this[$statsA], true, 'proc', this.addr, 'p_stats') as Pstats;
    return this[$stats];
  }
  set p_stats(v: Pstats) { this[$stats] = v; }
  get p_sysent(): Sysentvec | null {
    if (this[$sysent] === UNSET) this[$sysent] = this[$r].deref(D.sysentvec, this[$sysentA], true, 'proc', this.addr, 'p_sysent');
    return this[$sysent];
  }
  set p_sysent(v: Sysentvec | null) { this[$sysent] = v; }
  get p_pptr(): Proc | null {
    if (this[$pptr] === UNSET) this[$pptr] = this[$r].deref(D.proc, this[$pptrA], true, 'proc', this.addr, 'p_pptr');
    return this[$pptr];
  }
  set p_pptr(v: Proc | null) { this[$pptr] = v; }
  get p_reaper(): Proc {
    if (this[$reaper] === UNSET) this[$reaper] = this[$r].deref(D.proc, this[$reaperA], true, 'proc', this.addr, 'p_reaper') as Proc;
    return this[$reaper];
  }
  set p_reaper(v: Proc) { this[$reaper] = v; }
  get p_pgrp(): Pgrp | null {
    if (this[$pgrp] === UNSET) this[$pgrp] = this[$r].deref(D.pgrp, this[$pgrpA], true, 'proc', this.addr, 'p_pgrp');
    return this[$pgrp];
  }
  set p_pgrp(v: Pgrp | null) { this[$pgrp] = v; }
  get p_tracevp(): bigint {
    if (this[$tracevp] === UNSET) this[$tracevp] = this[$r].deref(D.tracevp, this[$ktrioA], true, 'proc', this.addr, 'p_tracevp');
    return this[$tracevp];
  }
  set p_tracevp(v: bigint) { this[$tracevp] = v; }
  get p_threads(): Thread[] {
    if (this[$threads] === UNSET) {
      this[$threads] = this[$r].derefList(L.threads, this[$threadsA], 'proc', this.addr, 'p_threads', this);
    }
    return this[$threads];
  }
  set p_threads(v: Thread[]) { this[$threads] = v; }
  get p_children(): Proc[] {
    if (this[$children] === UNSET) this[$children] = this[$r].derefList(L.sibling, this[$childrenA], 'proc', this.addr, 'p_children');
    return this[$children];
  }
  set p_children(v: Proc[]) { this[$children] = v; }
  get p_reaplist(): Proc[] {
    if (this[$reaplist] === UNSET) this[$reaplist] = this[$r].derefList(L.reapsibling, this[$reaplistA], 'proc', this.addr, 'p_reaplist');
    return this[$reaplist];
  }
  set p_reaplist(v: Proc[]) { this[$reaplist] = v; }
  get p_orphans(): Proc[] {
    if (this[$orphans] === UNSET) this[$orphans] = this[$r].derefList(L.orphanNext, this[$orphansA], 'proc', this.addr, 'p_orphans');
    return this[$orphans];
  }
  set p_orphans(v: Proc[]) { this[$orphans] = v; }
}

class ImgThread implements Thread {
  declare addr: bigint;
  declare td_tid: number;
  declare td_name: string;
  declare td_state: number;
  declare td_inhibitors: number;
  declare td_wchan: bigint;
  declare td_priority: number;
  declare td_base_pri: number;
  declare td_user_pri: number;
  declare td_pri_class: number;
  declare td_lastcpu: number;
  declare td_oncpu: number;
  declare td_flags: number;
  declare td_pflags: number;
  declare td_pflags2: number;
  declare td_exterr_ptr: bigint;
  declare td_pcb: bigint;
  declare td_kstack: bigint;
  declare td_kstack_pages: number;
  declare td_slptick: number;
  declare td_cow: number;
  declare td_sigmask: Sigset;
  declare td_siglist: Sigset;
  declare td_ru: Rusage;
  declare td_rux: RusageExt;
  declare td_incruntime: bigint;
  declare td_uticks: bigint;
  declare td_sticks: bigint;
  declare td_iticks: bigint;
  declare sched_pctcpu: number;
  declare sched_estcpu: number;
  [$r]!: KernelReader;
  [$wmesgA]!: bigint; [$locknameA]!: bigint; [$procA]!: bigint; [$next]!: bigint;
  [$wmesg]: Slot<string | null> = UNSET;
  [$lockname]: Slot<string | null> = UNSET;
  [$proc]!: Slot<Proc>;

  constructor(r: KernelReader, addr: bigint, T: Plans['thread'], dv: DataView, b: Uint8Array, o: number, owner: Proc | undefined) {
    this[$r] = r;
    this.addr = addr;
    this.td_tid = T.td_tid(dv, o);
    this.td_name = T.td_name(b, o);
    this.td_state = T.td_state(dv, o);
    this.td_inhibitors = T.td_inhibitors(dv, o);
    this.td_wchan = T.td_wchan(dv, o);
    this.td_priority = T.td_priority(dv, o);
    this.td_base_pri = T.td_base_pri(dv, o);
    this.td_user_pri = T.td_user_pri(dv, o);
    this.td_pri_class = T.td_pri_class(dv, o);
    this.td_lastcpu = T.td_lastcpu(dv, o);
    this.td_oncpu = T.td_oncpu(dv, o);
    this.td_flags = T.td_flags(dv, o);
    this.td_pflags = T.td_pflags(dv, o);
    this.td_pflags2 = T.td_pflags2(dv, o);
    this.td_exterr_ptr = T.td_exterr_ptr(dv, o);
    this.td_pcb = T.td_pcb(dv, o);
    this.td_kstack = T.td_kstack(dv, o);
    this.td_kstack_pages = T.td_kstack_pages(dv, o);
    this.td_slptick = T.td_slptick(dv, o);
    this.td_cow = T.td_cow(dv, o);
    this.td_sigmask = T.td_sigmask(dv, o);
    this.td_siglist = T.td_siglist(dv, o);
    this.td_ru = T.td_ru(dv, o);
    this.td_rux = T.td_rux(dv, o);
    this.td_incruntime = T.td_incruntime(dv, o);
    this.td_uticks = T.td_uticks(dv, o);
    this.td_sticks = T.td_sticks(dv, o);
    this.td_iticks = T.td_iticks(dv, o);
    this.sched_pctcpu = T.sched_pctcpu(dv, o);
    this.sched_estcpu = T.sched_estcpu(dv, o);
    this[$wmesgA] = T.wmesg(dv, o);
    this[$locknameA] = T.lockname(dv, o);
    this[$procA] = T.proc(dv, o);
    this[$next] = T.next(dv, o);
    this[$proc] = owner ?? UNSET;
  }

  get td_wmesg(): string | null {
    if (this[$wmesg] === UNSET) this[$wmesg] = this[$r].deref(D.string, this[$wmesgA], true, 'thread', this.addr, 'td_wmesg');
    return this[$wmesg];
  }
  set td_wmesg(v: string | null) { this[$wmesg] = v; }
  get td_lockname(): string | null {
    if (this[$lockname] === UNSET) this[$lockname] = this[$r].deref(D.string, this[$locknameA], true, 'thread', this.addr, 'td_lockname');
    return this[$lockname];
  }
  set td_lockname(v: string | null) { this[$lockname] = v; }
  get td_proc(): Proc {
    if (this[$proc] === UNSET) this[$proc] = this[$r].deref(D.proc, this[$procA], false, 'thread', this.addr, 'td_proc');
    return this[$proc];
  }
  set td_proc(v: Proc) { this[$proc] = v; }
}

class ImgUcred implements Ucred {
  declare addr: bigint;
  declare cr_uid: number;
  declare cr_ruid: number;
  declare cr_svuid: number;
  declare cr_gid: number;
  declare cr_rgid: number;
  declare cr_svgid: number;
  declare cr_groups: number[];
  declare cr_flags: number;
  [$r]!: KernelReader;
  [$prisonA]!: bigint; [$lcA]!: bigint;
  [$prison]: Slot<Prison> = UNSET;
  [$lc]: Slot<LoginClass> = UNSET;
  constructor(r: KernelReader, addr: bigint, C: Plans['ucred'], dv: DataView, o: number) {
    this[$r] = r;
    this.addr = addr;
    this.cr_uid = C.cr_uid(dv, o);
    this.cr_ruid = C.cr_ruid(dv, o);
    this.cr_svuid = C.cr_svuid(dv, o);
    this.cr_gid = C.cr_gid(dv, o);
    this.cr_rgid = C.cr_rgid(dv, o);
    this.cr_svgid = C.cr_svgid(dv, o);
    this.cr_groups = [];
    this.cr_flags = C.cr_flags(dv, o);
    this[$prisonA] = C.prison(dv, o);
    this[$lcA] = C.loginclass(dv, o);
  }
  get cr_prison(): Prison {
    if (this[$prison] === UNSET) this[$prison] = this[$r].deref(D.prison, this[$prisonA], false, 'ucred', this.addr, 'cr_prison');
    return this[$prison];
  }
  set cr_prison(v: Prison) { this[$prison] = v; }
  get cr_loginclass(): LoginClass {
    if (this[$lc] === UNSET) this[$lc] = this[$r].deref(D.loginclass, this[$lcA], false, 'ucred', this.addr, 'cr_loginclass');
    return this[$lc];
  }
  set cr_loginclass(v: LoginClass) { this[$lc] = v; }
}

class ImgPrison implements Prison {
  declare addr: bigint;
  declare pr_id: number;
  declare pr_name: string;
  [$r]!: KernelReader;
  [$parentA]!: bigint;
  [$parent]: Slot<Prison | null> = UNSET;
  constructor(r: KernelReader, addr: bigint, P: Plans['prison'], dv: DataView, b: Uint8Array, o: number) {
    this[$r] = r;
    this.addr = addr;
    this.pr_id = P.pr_id(dv, o);
    this.pr_name = P.pr_name(b, o);
    this[$parentA] = P.parent(dv, o);
  }
  get pr_parent(): Prison | null {
    if (this[$parent] === UNSET) this[$parent] = this[$r].deref(D.prison, this[$parentA], true, 'prison', this.addr, 'pr_parent');
    return this[$parent];
  }
  set pr_parent(v: Prison | null) { this[$parent] = v; }
}

class ImgPgrp implements Pgrp {
  declare addr: bigint;
  declare pg_id: number;
  [$r]!: KernelReader;
  [$sessionA]!: bigint; [$membersA]!: bigint;
  [$session]: Slot<Session> = UNSET;
  [$members]: Slot<Proc[]> = UNSET;
  constructor(r: KernelReader, addr: bigint, G: Plans['pgrp'], dv: DataView, o: number) {
    this[$r] = r;
    this.addr = addr;
    this.pg_id = G.pg_id(dv, o);
    this[$sessionA] = G.session(dv, o);
    this[$membersA] = G.members(dv, o);
  }
  get pg_session(): Session {
    if (this[$session] === UNSET) this[$session] = this[$r].deref(D.session, this[$sessionA], false, 'pgrp', this.addr, 'pg_session');
    return this[$session];
  }
  set pg_session(v: Session) { this[$session] = v; }
  get pg_members(): Proc[] {
    if (this[$members] === UNSET) this[$members] = this[$r].derefList(L.pglist, this[$membersA], 'pgrp', this.addr, 'pg_members');
    return this[$members];
  }
  set pg_members(v: Proc[]) { this[$members] = v; }
}

class ImgSession implements Session {
  declare addr: bigint;
  declare s_sid: number;
  declare s_ttyvp: bigint;
  declare s_login: string;
  declare s_count: number;
  [$r]!: KernelReader;
  [$leaderA]!: bigint; [$ttypA]!: bigint;
  [$leader]: Slot<Proc | null> = UNSET;
  [$ttyp]: Slot<Tty | null> = UNSET;
  constructor(r: KernelReader, addr: bigint, S: Plans['session'], dv: DataView, b: Uint8Array, o: number) {
    this[$r] = r;
    this.addr = addr;
    this.s_sid = S.s_sid(dv, o);
    this.s_ttyvp = S.s_ttyvp(dv, o);
    this.s_login = S.s_login(b, o);
    this.s_count = S.s_count(dv, o);
    this[$leaderA] = S.leader(dv, o);
    this[$ttypA] = S.ttyp(dv, o);
  }
  get s_leader(): Proc | null {
    if (this[$leader] === UNSET) this[$leader] = this[$r].deref(D.proc, this[$leaderA], true, 'session', this.addr, 's_leader');
    return this[$leader];
  }
  set s_leader(v: Proc | null) { this[$leader] = v; }
  get s_ttyp(): Tty | null {
    if (this[$ttyp] === UNSET) this[$ttyp] = this[$r].deref(D.tty, this[$ttypA], true, 'session', this.addr, 's_ttyp');
    return this[$ttyp];
  }
  set s_ttyp(v: Tty | null) { this[$ttyp] = v; }
}

class ImgTty implements Tty {
  declare addr: bigint;
  [$r]!: KernelReader;
  [$devA]!: bigint; [$sessionA]!: bigint; [$pgrpA]!: bigint;
  [$dev]: Slot<Cdev | null> = UNSET;
  [$session]: Slot<Session | null> = UNSET;
  [$pgrp]: Slot<Pgrp | null> = UNSET;
  constructor(r: KernelReader, addr: bigint, T: Plans['tty'], dv: DataView, o: number) {
    this[$r] = r;
    this.addr = addr;
    this[$devA] = T.dev(dv, o);
    this[$sessionA] = T.session(dv, o);
    this[$pgrpA] = T.pgrp(dv, o);
  }
  get t_dev(): Cdev | null {
    if (this[$dev] === UNSET) this[$dev] = this[$r].deref(D.cdev, this[$devA], true, 'tty', this.addr, 't_dev');
    return this[$dev];
  }
  set t_dev(v: Cdev | null) { this[$dev] = v; }
  get t_session(): Session | null {
    if (this[$session] === UNSET) this[$session] = this[$r].deref(D.session, this[$sessionA], true, 'tty', this.addr, 't_session');
    return this[$session];
  }
  set t_session(v: Session | null) { this[$session] = v; }
  get t_pgrp(): Pgrp | null {
    if (this[$pgrp] === UNSET) this[$pgrp] = this[$r].deref(D.pgrp, this[$pgrpA], true, 'tty', this.addr, 't_pgrp');
    return this[$pgrp];
  }
  set t_pgrp(v: Pgrp | null) { this[$pgrp] = v; }
}

/**
 * A Map whose clear() drops its storage for a new one instead of emptying it. V8 empties (and
 * rehashes) a Map by allocating a new hash table and leaving the old table pointing to it; once one
 * table of a long-lived Map has been promoted to the old generation, that pointer keeps the next
 * table, and every object cached in it, alive through every scavenge until a full GC, and the next
 * table gets promoted in turn. On the 100k-process walk half of what the reader allocated survived
 * each scavenge that way (GC ≈ 1 s of a 3.7 s reader-only walk). A dropped Map holds no pointer to
 * its successor. model.procs / model.threads are these (the shell model keeps the same object).
 */
export class FreshMap<K, V> extends Map<K, V> {
  private m = new Map<K, V>();
  override get size(): number { return this.m.size; }
  override get(k: K): V | undefined { return this.m.get(k); }
  override has(k: K): boolean { return this.m.has(k); }
  override set(k: K, v: V): this { this.m.set(k, v); return this; }
  override delete(k: K): boolean { return this.m.delete(k); }
  override clear(): void { this.m = new Map(); }
  override keys(): MapIterator<K> { return this.m.keys(); }
  override values(): MapIterator<V> { return this.m.values(); }
  override entries(): MapIterator<[K, V]> { return this.m.entries(); }
  override [Symbol.iterator](): MapIterator<[K, V]> { return this.m[Symbol.iterator](); }
  override forEach(f: (v: V, k: K, map: Map<K, V>) => void, self?: unknown): void { this.m.forEach((v, k) => f.call(self, v, k, this)); }
}

/** Object kinds in the reader's cache (0 marks an empty slot). */
const K = { proc: 1, thread: 2, ucred: 3, prison: 4, loginclass: 5, sigacts: 6, vmspace: 7, pstats: 8, sysentvec: 9, pgrp: 10, session: 11, tty: 12, cdev: 13 } as const;
type Kind = (typeof K)[keyof typeof K];

/**
 * The reader's object cache: (kind, address) → object, open addressing with linear probing, hashed
 * from the address's low 32 bits (BigInt.asUintN(32, a): ~20 ns, where a Map<bigint> lookup
 * took ~70 ns and 13 Maps made anew each checkpoint allocated their growing tables, ~8% of what a
 * walk allocated). Its arrays live as long as the reader and are emptied in place; the table
 * doubles when half full (a process may read far more than cacheLimit objects: a long pg_members).
 * @internal (exported for its test)
 */
export class ObjCache {
  private kinds: Uint8Array;
  private keys: (bigint | undefined)[];
  private vals: (object | undefined)[];
  private mask: number;
  private shift: number;
  /** Entries held. */
  count = 0;

  constructor(expected: number) {
    let cap = 64;
    while (cap < expected * 2 && cap < 1 << 20) cap *= 2;
    this.kinds = new Uint8Array(cap);
    this.keys = new Array<bigint | undefined>(cap).fill(undefined);
    this.vals = new Array<object | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  private slot(kind: number, addr: bigint): number {
    // Fibonacci hashing of the low 32 bits (objects are aligned and evenly spaced in their zones).
    return Math.imul(Number(BigInt.asUintN(32, addr)) ^ (kind << 24), 0x9e3779b1) >>> this.shift;
  }

  get(kind: Kind, addr: bigint): object | undefined {
    const kinds = this.kinds, mask = this.mask;
    for (let i = this.slot(kind, addr); ; i = (i + 1) & mask) {
      const k = kinds[i];
      if (k === 0) return undefined;
      if (k === kind && this.keys[i] === addr) return this.vals[i];
    }
  }

  set(kind: Kind, addr: bigint, o: object): void {
    const kinds = this.kinds, mask = this.mask;
    let i = this.slot(kind, addr);
    for (;; i = (i + 1) & mask) {
      const k = kinds[i];
      if (k === 0) break;
      if (k === kind && this.keys[i] === addr) {
        this.vals[i] = o;
        return;
      }
    }
    kinds[i] = kind;
    this.keys[i] = addr;
    this.vals[i] = o;
    if (++this.count * 2 > kinds.length) this.grow();
  }

  clear(): void {
    if (this.count === 0) return;
    this.kinds.fill(0);
    this.keys.fill(undefined);
    this.vals.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const { kinds, keys, vals } = this;
    const cap = kinds.length * 2;
    this.kinds = new Uint8Array(cap);
    this.keys = new Array<bigint | undefined>(cap).fill(undefined);
    this.vals = new Array<object | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.count = 0;
    for (let i = 0; i < kinds.length; i++) if (kinds[i] !== 0) this.set(kinds[i] as Kind, keys[i]!, vals[i]!);
  }
}

/**
 * Reads kernel objects from one image. Objects are memoized by address; pointers and lists of an
 * object are followed lazily on first access (so reading a proc reads one struct proc, and fill
 * reads only what it touches). checkpoint() bounds memory for long walks.
 */
export class KernelReader {
  readonly kl: KernelLayouts;
  readonly unavailable: string[] = [...MODEL_UNAVAILABLE];
  /** @internal decode plans of this reader's layouts. */
  readonly plans: Plans;
  /** The reader's view of kernel memory (translation and file-chunk caches). */
  readonly mem: KernelMemory;
  private readonly cacheLimit: number;
  private readonly maxList: number;
  private readonly maxString: number;
  private readonly cache: ObjCache;
  private strings = new Map<bigint, string>();
  private size = 0;
  /** Processes / threads materialized since the last checkpoint, by pid / tid (the shell model's maps). */
  readonly procsByPid: Map<number, Proc> = new FreshMap<number, Proc>();
  readonly threadsByTid: Map<number, Thread> = new FreshMap<number, Thread>();
  private pinned: [Kind, bigint, object][] = [];
  private globalsMemo?: KernelGlobals;
  private orphanDepth = 0;

  constructor(readonly img: KernelImage, opts: ReaderOptions = {}) {
    if (opts.layouts && opts.layouts.arch !== img.arch) throw new KvmkitError(`the kernel layouts given are for ${opts.layouts.arch}, the image is ${img.arch}`, { arch: img.arch });
    this.kl = opts.layouts ?? kernelLayouts(img.arch, opts.revision, opts.kernelSet);
    this.plans = plansFor(this.kl);
    this.mem = new KernelMemory(img, opts.readCacheBytes ?? 32 << 20);
    this.cacheLimit = opts.cacheLimit ?? 20_000;
    this.maxList = opts.maxListLength ?? 100_000;
    this.maxString = opts.maxString ?? 256;
    this.cache = new ObjCache(Math.min(this.cacheLimit, 2048) + 64);
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

  /**
   * Make struct `struct` at addr readable at this.mem.dv / this.mem.buf and return the offset of
   * its first byte there. The whole struct must be readable (as a kvm_read of it would), but only
   * the bytes the plan decodes are brought in when every page of it translates.
   */
  private at(struct: string, addr: bigint, r: Range): number {
    if (addr === 0n) throw new KstructReadError(`NULL struct ${struct} pointer`, addr, struct);
    try {
      return this.mem.loadPart(addr, r.size, r.lo, r.len);
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read struct ${struct} at ${hex(addr)}: ${describe(e)}`, addr, struct);
    }
  }

  pointerAt(va: bigint, struct: string, field: string): bigint {
    try {
      const o = this.mem.load(va, this.kl.pointerSize);
      const dv = this.mem.dv;
      return this.kl.pointerSize === 8 ? dv.getBigUint64(o, this.kl.littleEndian) : BigInt(dv.getUint32(o, this.kl.littleEndian));
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read ${struct}.${field} at ${hex(va)}: ${describe(e)}`, va, struct, field);
    }
  }

  intAt(va: bigint, what: string, size: 4 | 8 = 4, signed = true): bigint {
    try {
      const o = this.mem.load(va, size);
      const dv = this.mem.dv;
      if (size === 8) return signed ? dv.getBigInt64(o, this.kl.littleEndian) : dv.getBigUint64(o, this.kl.littleEndian);
      return BigInt(signed ? dv.getInt32(o, this.kl.littleEndian) : dv.getUint32(o, this.kl.littleEndian));
    } catch (e) {
      if (!(e instanceof KvmkitError)) throw e;
      throw new KstructReadError(`cannot read ${what} at ${hex(va)}: ${describe(e)}`, va, what);
    }
  }

  /** A NUL-terminated string a pointer field points to (read page by page, at most maxString bytes). */
  string(va: bigint, struct: string, field: string): string {
    const known = this.strings.get(va);
    if (known !== undefined) return known;
    let s = '';
    let cur = va;
    while (s.length < this.maxString) {
      const n = Math.min(this.maxString - s.length, 4096 - Number(cur & 4095n), 64);
      let o: number;
      try {
        o = this.mem.load(cur, n);
      } catch (e) {
        if (!(e instanceof KvmkitError)) throw e;
        throw new KstructReadError(`cannot read the string ${struct}.${field} points to at ${hex(va)}: ${describe(e)}`, va, struct, field);
      }
      const b = this.mem.buf;
      let i = o;
      const end = o + n;
      while (i < end && b[i] !== 0) s += String.fromCharCode(b[i++]);
      if (i < end) {
        if (this.strings.size >= 4096) this.strings = new Map();
        this.strings.set(va, s);
        return s;
      }
      cur += BigInt(n);
    }
    throw new KstructReadError(`the string ${struct}.${field} points to at ${hex(va)} has no NUL within ${this.maxString} bytes`, va, struct, field);
  }

  /** Element addresses of a LIST/TAILQ: `first`, then the next pointer at element + nextOff; cycles and overlong lists are errors. */
  list(first: bigint, nextOff: number, struct: string, field: string, max = this.maxList): bigint[] {
    const out: bigint[] = [];
    let seen: Set<bigint> | undefined;
    const next = BigInt(nextOff);
    let cur = first;
    while (cur !== 0n) {
      // Short lists (threads, children) are checked for a repeat by scanning; long ones with a set.
      if (seen ? seen.has(cur) : out.includes(cur)) throw new KstructReadError(`${field} list loops back to ${struct} at ${hex(cur)}`, cur, struct, field);
      if (out.length >= max) throw new KstructReadError(`${field} list is longer than ${max} entries`, cur, struct, field);
      if (seen) seen.add(cur);
      else if (out.length === 32) seen = new Set([...out, cur]);
      out.push(cur);
      cur = this.pointerAt(cur + next, struct, `${field} link`);
    }
    return out;
  }

  /**
   * @internal A pointer member of an object read from memory: `a` (NULL gives null, or 0n for
   * p_tracevp, when `nullable`), as the object `what` names. A KstructReadError is re-thrown
   * naming the object and the member ("proc at 0x…, field p_ucred: …", field "proc.p_ucred").
   */
  deref(what: number, a: bigint, nullable: boolean, struct: string, owner: bigint, field: string): never {
    if (nullable && a === 0n) return (what === D.tracevp ? 0n : null) as never;
    try {
      switch (what) {
        case D.proc: return this.proc(a) as never;
        case D.ucred: return this.ucred(a) as never;
        case D.sigacts: return this.sigacts(a) as never;
        case D.vmspace: return this.vmspace(a) as never;
        case D.pstats: return this.pstats(a) as never;
        case D.sysentvec: return this.sysentvec(a) as never;
        case D.pgrp: return this.pgrp(a) as never;
        case D.session: return this.session(a) as never;
        case D.tty: return this.tty(a) as never;
        case D.cdev: return this.cdev(a) as never;
        case D.prison: return this.prison(a) as never;
        case D.loginclass: return this.loginclass(a) as never;
        case D.tracevp: return this.ktrioVp(a) as never;
        case D.string: return this.string(a, struct, field) as never;
      }
      throw new Error(`deref: unknown kind ${what}`);
    } catch (e) {
      throw this.memberError(e, struct, owner, field);
    }
  }

  /**
   * @internal A list member (p_threads, p_children, p_reaplist, p_orphans, pg_members), resolved as
   * deref does. p_threads and pg_members are first read element by element, each link taken from
   * the element just read (two loads per thread fewer than following the links, then reading the
   * elements); when that meets anything but a plain list (a repeat, too many entries, an element
   * that cannot be read) the list is read the canonical way, links first, whose errors are the ones
   * given. The elements read meanwhile are the same cached objects.
   */
  derefList(which: number, first: bigint, struct: string, owner: bigint, field: string, proc?: Proc): never {
    const O = this.plans.offs;
    if (which === L.threads) {
      const fast = this.byLink(first, (a) => this.thread(a, proc), (td) => (td as ImgThread)[$next]);
      if (fast) return fast as never;
    } else if (which === L.pglist) {
      const fast = this.byLink(first, (a) => this.proc(a), (p) => (p as ImgProc)[$next]);
      if (fast) return fast as never;
    }
    try {
      if (which === L.threads) {
        const a = this.list(first, O.threadNext, 'thread', field);
        const out: Thread[] = new Array(a.length);
        for (let i = 0; i < a.length; i++) out[i] = this.thread(a[i], proc);
        return out as never;
      }
      const off = which === L.sibling ? O.sibling : which === L.reapsibling ? O.reapsibling : which === L.orphanNext ? O.orphanNext : O.pglist;
      const a = this.list(first, off, 'proc', field);
      const out: Proc[] = new Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = this.proc(a[i]);
      return out as never;
    } catch (e) {
      throw this.memberError(e, struct, owner, field);
    }
  }

  /**
   * A list read element by element, each link taken from the element just read (`next`);
   * undefined at the first irregularity (a repeat, too many entries, an unreadable element).
   */
  private byLink<T extends { addr: bigint }>(first: bigint, read: (a: bigint) => T, next: (o: T) => bigint): T[] | undefined {
    const out: T[] = [];
    let cur = first;
    let seen: Set<bigint> | undefined;
    while (cur !== 0n) {
      if ((seen ? seen.has(cur) : hasAddr(out, cur)) || out.length >= this.maxList) return undefined;
      if (seen) seen.add(cur);
      else if (out.length === 32) seen = new Set([...out.map((o) => o.addr), cur]);
      let o: T;
      try {
        o = read(cur);
      } catch {
        return undefined;
      }
      out.push(o);
      cur = next(o);
    }
    return out;
  }

  private memberError(e: unknown, struct: string, owner: bigint, field: string): unknown {
    if (e instanceof KstructReadError) return new KstructReadError(`${struct} at ${hex(owner)}, field ${field}: ${describe(e)}`, e.address, e.struct, `${struct}.${field}`);
    return e;
  }

  // ---- cache ----

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
    this.cache.clear();
    this.procsByPid.clear();
    this.threadsByTid.clear();
    this.size = 0;
    for (const [kind, addr, o] of this.pinned) {
      this.cache.set(kind, addr, o);
      this.size++;
      if (kind === K.proc) this.procsByPid.set((o as Proc).p_pid, o as Proc);
    }
  }

  private pin(kind: Kind, o: { addr: bigint }): void {
    this.pinned.push([kind, o.addr, o]);
  }

  private put<T extends object>(kind: Kind, addr: bigint, o: T): T {
    this.cache.set(kind, addr, o);
    this.size++;
    return o;
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
    if (!this.pinned.some(([, a]) => a === p.addr)) this.pin(K.prison, p);
    return p;
  }

  proc0(): Proc {
    const p = this.proc(this.symbol('proc0'));
    if (!this.pinned.some(([, a]) => a === p.addr)) this.pin(K.proc, p);
    return p;
  }

  /** Addresses on `allproc`, head first (newest fork first, proc0 last). */
  allprocAddrs(): bigint[] {
    const head = this.pointerAt(this.symbol('allproc'), 'allproc', 'lh_first');
    return this.list(head, this.plans.offs.list, 'proc', 'allproc');
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
    const le = this.kl.littleEndian;
    // Most buckets are empty: one shared 0n rather than a BigInt allocated per bucket.
    for (let j = 0; j < n; j++) {
      if (ps === 8) out.push(dv.getUint32(j * 8, le) === 0 && dv.getUint32(j * 8 + 4, le) === 0 ? 0n : dv.getBigUint64(j * 8, le));
      else out.push(BigInt(dv.getUint32(j * 4, le)));
    }
    return out;
  }

  /** One bucket's processes, head first. */
  bucketAddrs(heads: bigint[], j: number): bigint[] {
    return this.list(heads[j], this.plans.offs.hash, 'proc', `pidhashtbl[${j}]`);
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
    for (const j of pidHashBuckets(g.pidhash, g.pidhashlock)) {
      if (heads[j] === 0n) continue;
      for (const a of this.bucketAddrs(heads, j)) {
        if (seen.has(a)) throw new KstructReadError(`process at ${hex(a)} is in two pid-hash buckets`, a, 'proc', 'p_hash');
        seen.add(a);
        yield a;
      }
    }
  }

  // ---- objects ----

  /** struct proc at addr; pointers and lists resolve on first access. */
  proc(addr: bigint): Proc {
    const hit = this.cache.get(K.proc, addr);
    if (hit !== undefined) return hit as Proc;
    const P = this.plans.proc;
    const o = this.at('proc', addr, P.r);
    const dv = this.mem.dv;
    const p = new ImgProc(this, addr, P, dv, this.mem.buf, o);
    const orphanPrev = p.p_treeflag & P_TREE_ORPHANED ? P.orphanPrev(dv, o) : 0n;
    this.put(K.proc, addr, p);
    this.procsByPid.set(p.p_pid, p);
    if (p.p_treeflag & P_TREE_ORPHANED) this.materializeRealParent(p, orphanPrev);
    return p;
  }

  /**
   * An orphan (traced, reparented to its debugger) finds its real parent as proc_realparent does:
   * back along p_orphan.le_prev to the first orphan, whose le_prev is &parent->p_orphans.lh_first.
   * The parent is materialized so that the fill code's search of the model's processes finds it.
   */
  private materializeRealParent(p: Proc, orphanPrev: bigint): void {
    if (this.orphanDepth > 8) return;
    this.orphanDepth++;
    try {
      const O = this.plans.offs;
      let prev = orphanPrev;
      let flags = p.p_treeflag;
      for (let i = 0; i < this.maxList && !(flags & P_TREE_FIRST_ORPHAN); i++) {
        const q = prev - O.orphan;
        flags = Number(this.intAt(q + O.treeflag, 'proc.p_treeflag', 4, false));
        prev = this.pointerAt(q + O.orphanPrev, 'proc', 'p_orphan.le_prev');
      }
      this.proc(prev - O.orphansFirst);
    } finally {
      this.orphanDepth--;
    }
  }

  /** struct thread (+ its td_sched) at addr. `owner` short-cuts td_proc when read through p_threads. */
  thread(addr: bigint, owner?: Proc): Thread {
    const hit = this.cache.get(K.thread, addr);
    if (hit !== undefined) return hit as Thread;
    const T = this.plans.thread;
    const o = this.at('thread', addr, T.r);
    const td = new ImgThread(this, addr, T, this.mem.dv, this.mem.buf, o, owner);
    this.put(K.thread, addr, td);
    this.threadsByTid.set(td.td_tid, td);
    return td;
  }

  ucred(addr: bigint): Ucred {
    const hit = this.cache.get(K.ucred, addr);
    if (hit !== undefined) return hit as Ucred;
    const C = this.plans.ucred;
    const o = this.at('ucred', addr, C.r);
    const dv = this.mem.dv;
    const n = C.cr_ngroups(dv, o);
    if (n < 0 || n > 65536) throw new KstructReadError(`absurd cr_ngroups ${n} in ucred at ${hex(addr)}`, addr, 'ucred', 'cr_ngroups');
    const groupsAt = C.cr_groups(dv, o);
    const c = new ImgUcred(this, addr, C, dv, o);
    if (n > 0) {
      let g: number;
      try {
        g = this.mem.load(groupsAt, n * 4);
      } catch (e) {
        if (!(e instanceof KvmkitError)) throw e;
        throw new KstructReadError(`ucred at ${hex(addr)}, field cr_groups: cannot read ${n} gids at ${hex(groupsAt)}: ${describe(e)}`, groupsAt, 'ucred', 'ucred.cr_groups');
      }
      const gdv = this.mem.dv;
      for (let i = 0; i < n; i++) c.cr_groups.push(gdv.getUint32(g + i * 4, this.kl.littleEndian));
    }
    return this.put(K.ucred, addr, c);
  }

  prison(addr: bigint): Prison {
    const hit = this.cache.get(K.prison, addr);
    if (hit !== undefined) return hit as Prison;
    const P = this.plans.prison;
    const o = this.at('prison', addr, P.r);
    return this.put(K.prison, addr, new ImgPrison(this, addr, P, this.mem.dv, this.mem.buf, o));
  }

  loginclass(addr: bigint): LoginClass {
    const hit = this.cache.get(K.loginclass, addr);
    if (hit !== undefined) return hit as LoginClass;
    const L = this.plans.loginclass;
    const o = this.at('loginclass', addr, L.r);
    return this.put(K.loginclass, addr, { addr, lc_name: L.lc_name(this.mem.buf, o) });
  }

  sigacts(addr: bigint): Sigacts {
    const hit = this.cache.get(K.sigacts, addr);
    if (hit !== undefined) return hit as Sigacts;
    const S = this.plans.sigacts;
    const o = this.at('sigacts', addr, S.r);
    const dv = this.mem.dv;
    return this.put(K.sigacts, addr, { addr, ps_sigignore: S.ps_sigignore(dv, o), ps_sigcatch: S.ps_sigcatch(dv, o) });
  }

  vmspace(addr: bigint): Vmspace {
    const hit = this.cache.get(K.vmspace, addr);
    if (hit !== undefined) return hit as Vmspace;
    const V = this.plans.vmspace;
    const o = this.at('vmspace', addr, V.r);
    const dv = this.mem.dv;
    return this.put(K.vmspace, addr, {
      addr, vm_map_size: V.vm_map_size(dv, o), pm_resident_count: V.pm_resident_count(dv, o),
      vm_swrss: V.vm_swrss(dv, o), vm_tsize: V.vm_tsize(dv, o), vm_dsize: V.vm_dsize(dv, o), vm_ssize: V.vm_ssize(dv, o),
    });
  }

  pstats(addr: bigint): Pstats {
    const hit = this.cache.get(K.pstats, addr);
    if (hit !== undefined) return hit as Pstats;
    const S = this.plans.pstats;
    const o = this.at('pstats', addr, S.r);
    return this.put(K.pstats, addr, { addr, p_start: S.p_start(this.mem.dv, o) });
  }

  sysentvec(addr: bigint): Sysentvec {
    const hit = this.cache.get(K.sysentvec, addr);
    if (hit !== undefined) return hit as Sysentvec;
    const S = this.plans.sysentvec;
    const o = this.at('sysentvec', addr, S.r);
    const name = S.sv_name(this.mem.dv, o);
    // A NULL sv_name reads as "" (fill_kinfo_proc_only tests for NULL and empty alike).
    return this.put(K.sysentvec, addr, { addr, sv_name: name === 0n ? '' : this.string(name, 'sysentvec', 'sv_name') });
  }

  /** @internal ktr_io_params.vp (ktr_get_tracevp). */
  ktrioVp(addr: bigint): bigint {
    const K = this.plans.ktrio;
    const o = this.at('ktr_io_params', addr, K.r);
    return K.vp(this.mem.dv, o);
  }

  pgrp(addr: bigint): Pgrp {
    const hit = this.cache.get(K.pgrp, addr);
    if (hit !== undefined) return hit as Pgrp;
    const G = this.plans.pgrp;
    const o = this.at('pgrp', addr, G.r);
    return this.put(K.pgrp, addr, new ImgPgrp(this, addr, G, this.mem.dv, o));
  }

  session(addr: bigint): Session {
    const hit = this.cache.get(K.session, addr);
    if (hit !== undefined) return hit as Session;
    const S = this.plans.session;
    const o = this.at('session', addr, S.r);
    return this.put(K.session, addr, new ImgSession(this, addr, S, this.mem.dv, this.mem.buf, o));
  }

  tty(addr: bigint): Tty {
    const hit = this.cache.get(K.tty, addr);
    if (hit !== undefined) return hit as Tty;
    const T = this.plans.tty;
    const o = this.at('tty', addr, T.r);
    return this.put(K.tty, addr, new ImgTty(this, addr, T, this.mem.dv, o));
  }

  /** struct cdev at addr; its udev is the enclosing cdev_priv's cdp_inode (dev2udev). */
  cdev(addr: bigint): Cdev {
    const hit = this.cache.get(K.cdev, addr);
    if (hit !== undefined) return hit as Cdev;
    const D = this.plans.cdev;
    const o = this.at('cdev_priv', addr, D.r);
    return this.put(K.cdev, addr, { addr, si_name: D.si_name(this.mem.buf, o), udev: D.udev(this.mem.dv, o) });
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
    this.pin(K.vmspace, vm0);
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

/** Is there an object at address a in objs (a short list's repeat check)? */
function hasAddr(objs: readonly { addr: bigint }[], a: bigint): boolean {
  for (let i = 0; i < objs.length; i++) if (objs[i].addr === a) return true;
  return false;
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
