import { KvmkitError, hex } from '../base/errors.ts';
import { RecordView } from '../codec/index.ts';
import { DumpBuilder } from '../image/builder.ts';
import type { ImageArch, ImageFormat } from '../image/image.ts';
import type { Progress } from '../image/sink.ts';
import type { PhysRange } from '../image/sparse.ts';
import { directMap, zoneTable, ZONE_STRUCT, type ZoneKind } from '../kernel/addr.ts';
import { TDI_LOCK, TDS_RUNNING } from '../kernel/constants.ts';
import type {
  Cdev, KernelModel, LoginClass, Pgrp, Prison, Proc, Pstats, Rusage, RusageExt, Session, Sigacts, Sigset, Sysentvec,
  Thread, Timeval, Tty, Ucred, Vmspace,
} from '../kernel/model.ts';
import { RU_COUNTERS, type CrashState } from '../kernel/model.ts';
import { msgbufRing } from '../kernel/msgbuf.ts';
import { msgbufConstants, msgbufLayout } from '../layout/msgbuf.ts';
import { kernelLayoutsCtf } from '../debuginfo/ctf/index.ts';
import { exportedOffsets, kernelLayouts, type KernelLayouts, type KernelStruct } from './layouts.ts';

/**
 * Model → kernel memory image. Every model object is laid out with the kernel-struct layouts
 * (layouts/kernel/) through a RecordView and written at its model address into a DumpBuilder;
 * lists are linked with real pointers (LIST_ENTRY le_next/le_prev, TAILQ tqe_next/tqe_prev,
 * tqh_last), strings are written where the kernel keeps them (inline char arrays NUL-padded;
 * td_wmesg, td_lockname and sv_name as pointers to NUL-terminated strings in the kernel image's
 * read-only data), and the globals a dump reader needs are defined as kernel symbols.
 *
 * What the writer adds that the model does not hold (documented so a reader does not mistake it
 * for model data): a `struct ktr_io_params` per ktrace vnode (p_ktrioparms → vp), a turnstile per
 * lock name for threads blocked on a lock (td_blocked ≠ NULL exactly when TDI_LOCK is set, as
 * turnstile_wait leaves it), td_ucred = td_realucred = p_ucred, p_leader = p, sq_proc, P_MAGIC,
 * the reference counts (1), and an out-of-line cr_groups array when a credential has more than
 * CRED_SMALLGROUPS_NB supplementary groups. Opaque objects (vnode, pargs, filedesc, pwddesc) get
 * addresses but no contents.
 */

export const P_MAGIC = 0xbeefface;

export interface WriteModelOptions {
  revision?: string;
  /** The kernel layout set (layouts/kernel/<set>.json) the image is laid out in; default: the revision's. */
  kernelSet?: string;
  /** The crashing thread's id (`dumptid`); default: the first thread of the newest process. */
  dumptid?: number;
}

export interface WriteSummary {
  revision: string;
  /** The kernel layout set the image's structs follow (its osreldate symbol names it to readers). */
  kernelSet: string;
  objects: number;
  bytes: number;
  procs: number;
  threads: number;
  symbols: number;
  dumptid: number;
  /** The message buffer ring as written (a minidump's msgbuf section). */
  msgbufRing?: Uint8Array;
}

const MiB = 1n << 20n;
const ZONE_ALIGN = 2n * MiB;

function imageArchOf(arch: string): ImageArch {
  if (arch === 'amd64' || arch === 'i386' || arch === 'arm64') return arch;
  throw new KvmkitError(`no dump format holds an ${arch} kernel image (image arches: amd64, i386, arm64)`, { arch });
}

/**
 * Physical memory for a model's image: low memory for the kernel image, page tables and kernel
 * map; then, on direct-map arches, one dump_avail range per zone in use covering the used part
 * of the zone (pa = va − dmapbase), with holes between them; then a spare range. The zone ranges
 * are reserved so the builder's own allocations never land on model objects.
 */
export function planPhysicalMemory(model: KernelModel): { ram: PhysRange[]; reserved: PhysRange[] } {
  const arch = model.arch;
  const dm = directMap(arch);
  const used = new Map<ZoneKind, bigint>();
  for (const o of model.objects) {
    const k = o.kind as ZoneKind;
    if (!ZONE_STRUCT[k]) continue;
    const end = o.obj.addr + BigInt(o.size);
    if ((used.get(k) ?? 0n) < end) used.set(k, end);
  }
  const lowStart = arch === 'arm64' ? 0x40000000n : 0x100000n;
  const low: PhysRange[] = arch === 'arm64' ? [] : [{ start: 0x1000n, end: 0x9f000n }];
  if (!dm) {
    let bytes = 0n;
    for (const o of model.objects) if (ZONE_STRUCT[o.kind as ZoneKind]) bytes += BigInt(o.size) + 4096n;
    const end = ((lowStart + 64n * MiB + bytes + bytes / 64n + ZONE_ALIGN - 1n) / ZONE_ALIGN) * ZONE_ALIGN;
    return { ram: [...low, { start: lowStart, end }], reserved: [] };
  }
  const zones = zoneTable(arch);
  const first = zones[0].base - dm.dmapbase + dm.dmapphys;
  const ram: PhysRange[] = [...low, { start: lowStart, end: first }];
  const reserved: PhysRange[] = [];
  let top = first;
  for (const z of zones) {
    const end = used.get(z.kind);
    if (end === undefined) continue;
    const s = z.base - dm.dmapbase + dm.dmapphys;
    const e = ((end - dm.dmapbase + dm.dmapphys + ZONE_ALIGN - 1n) / ZONE_ALIGN) * ZONE_ALIGN;
    const last = ram[ram.length - 1];
    if (last.end === s) last.end = e;
    else ram.push({ start: s, end: e });
    reserved.push({ start: s, end: e });
    top = e;
  }
  ram.push({ start: top + ZONE_ALIGN, end: top + ZONE_ALIGN + 64n * MiB });
  return { ram, reserved };
}

/** A DumpBuilder sized for a model (its arch, RAM and reservations). i386 uses PAE unless told otherwise. */
export function builderForModel(model: KernelModel, opts: { pae?: boolean } = {}): DumpBuilder {
  const { ram, reserved } = planPhysicalMemory(model);
  return new DumpBuilder({ arch: imageArchOf(model.arch), ram, reserved, pae: model.arch === 'i386' ? opts.pae ?? true : undefined });
}

/** Per-proc list links: [next, prev] of each LIST_ENTRY the proc sits on. */
interface Links { next: bigint; prev: bigint }

class Linker {
  readonly m = new Map<object, Links>();
  /** Link `elems` as a LIST (or TAILQ) whose head's first pointer is at `head`; `entryOff` = offset of the entry in an element. */
  list<T extends { addr: bigint }>(head: bigint, elems: readonly T[], entryOff: number): void {
    for (let i = 0; i < elems.length; i++) {
      this.m.set(elems[i], { next: elems[i + 1]?.addr ?? 0n, prev: i === 0 ? head : elems[i - 1].addr + BigInt(entryOff) });
    }
  }
  get(o: object): Links | undefined {
    return this.m.get(o);
  }
}

/** Write a whole model into a builder: objects, lists, strings and symbols. */
export function writeModel(model: KernelModel, b: DumpBuilder, opts: WriteModelOptions = {}): WriteSummary {
  const kl = kernelLayouts(model.arch, opts.revision, opts.kernelSet);
  if (b.arch !== model.arch) throw new KvmkitError(`the builder is for ${b.arch}, the model for ${model.arch}`, { arch: model.arch });
  const ptr = kl.pointerSize;
  const off = (s: KernelStruct, p: string) => BigInt(kl.off(s, p));
  const g = model.globals;

  // Static kernel data first: list heads and the hash table, so list links can point at them.
  const allprocVa = b.allocKva(ptr, ptr);
  b.addSymbol('allproc', allprocVa, ptr);
  const nbuckets = g.pidhash + 1;
  const tbl = b.kmalloc(nbuckets * ptr, ptr);
  b.mapVa(tbl, nbuckets * ptr);

  // Read-only strings (wmesg, lock names, emulation names), one copy each.
  const rodata = new Map<string, bigint>();
  const str = (s: string | null): bigint => {
    if (s === null) return 0n;
    let va = rodata.get(s);
    if (va === undefined) {
      const bytes = Buffer.from(s + '\0', 'latin1');
      va = b.allocKva(bytes.length, 1);
      b.writeVa(va, bytes);
      rodata.set(s, va);
    }
    return va;
  };
  const turnstiles = new Map<string, bigint>();
  const turnstile = (name: string): bigint => {
    let va = turnstiles.get(name);
    if (va === undefined) {
      va = b.kmalloc(128, 64);
      b.mapVa(va, 128);
      turnstiles.set(name, va);
    }
    return va;
  };
  const ktrio = new Map<bigint, bigint>();
  const ktrioFor = (vp: bigint, cred: bigint): bigint => {
    let va = ktrio.get(vp);
    if (va === undefined) {
      const L = kl.structs.ktr_io_params;
      va = b.kmalloc(L.size, 16);
      b.mapVa(va, L.size);
      const v = new RecordView(L);
      v.assign('vp', vp);
      v.assign('cr', cred);
      v.assign('refs', 1);
      b.writeVa(va, v.record());
      ktrio.set(vp, va);
    }
    return va;
  };

  // ---- list links ----
  const L = new Linker();
  L.list(allprocVa, model.allproc, kl.off('proc', 'p_list'));
  const hashL = new Linker();
  model.pidhashtbl.forEach((bucket, j) => hashL.list(tbl + BigInt(j * ptr), bucket, kl.off('proc', 'p_hash')));
  const pglistL = new Linker();
  const siblingL = new Linker();
  const reapL = new Linker();
  const orphanL = new Linker();
  const tdL = new Linker();
  const procs: Proc[] = [];
  const threads: Thread[] = [];
  for (const o of model.objects) {
    if (o.kind === 'proc') procs.push(o.obj as Proc);
    else if (o.kind === 'thread') threads.push(o.obj as Thread);
    else if (o.kind === 'pgrp') {
      const pg = o.obj as Pgrp;
      pglistL.list(pg.addr + off('pgrp', 'pg_members'), pg.pg_members, kl.off('proc', 'p_pglist'));
    }
  }
  for (const p of procs) {
    siblingL.list(p.addr + off('proc', 'p_children'), p.p_children, kl.off('proc', 'p_sibling'));
    reapL.list(p.addr + off('proc', 'p_reaplist'), p.p_reaplist, kl.off('proc', 'p_reapsibling'));
    orphanL.list(p.addr + off('proc', 'p_orphans'), p.p_orphans, kl.off('proc', 'p_orphan'));
    tdL.list(p.addr + off('proc', 'p_threads.tqh_first'), p.p_threads, kl.off('thread', 'td_plist'));
  }

  // ---- encoders ----
  const views = new Map<KernelStruct, RecordView>();
  const view = (s: KernelStruct): RecordView => {
    let v = views.get(s);
    if (!v) views.set(s, (v = new RecordView(kl.structs[s])));
    v.zero();
    return v;
  };
  const sig = (v: RecordView, path: string, s: Sigset) => {
    for (let i = 0; i < 4; i++) v.setAt(`${path}.__bits`, i, s[i] >>> 0);
  };
  const tv = (v: RecordView, path: string, t: Timeval) => {
    v.assign(`${path}.tv_sec`, t.sec);
    v.assign(`${path}.tv_usec`, t.usec);
  };
  const ru = (v: RecordView, path: string, r: Rusage) => {
    tv(v, `${path}.ru_utime`, r.ru_utime);
    tv(v, `${path}.ru_stime`, r.ru_stime);
    for (const k of RU_COUNTERS) v.assign(`${path}.${k}`, r[k]);
  };
  const rux = (v: RecordView, path: string, r: RusageExt) => {
    for (const k of ['rux_runtime', 'rux_uticks', 'rux_sticks', 'rux_iticks', 'rux_uu', 'rux_su', 'rux_tu'] as const) v.assign(`${path}.${k}`, r[k]);
  };
  const links = (v: RecordView, path: string, l: Links | undefined) => {
    if (!l) return;
    v.assign(`${path}.le_next`, l.next);
    v.assign(`${path}.le_prev`, l.prev);
  };
  const a = (o: { addr: bigint } | null | undefined): bigint => (o ? o.addr : 0n);

  const encProc = (p: Proc): RecordView => {
    const v = view('proc');
    links(v, 'p_list', L.get(p));
    const tds = p.p_threads;
    v.assign('p_threads.tqh_first', tds.length ? tds[0].addr : 0n);
    v.assign('p_threads.tqh_last', tds.length ? tds[tds.length - 1].addr + off('thread', 'td_plist.tqe_next') : p.addr + off('proc', 'p_threads.tqh_first'));
    v.assign('p_ucred', a(p.p_ucred));
    v.assign('p_fd', p.p_fd);
    v.assign('p_pd', p.p_pd);
    v.assign('p_stats', a(p.p_stats));
    v.assign('p_sigacts', a(p.p_sigacts));
    v.assign('p_flag', p.p_flag);
    v.assign('p_flag2', p.p_flag2);
    v.assign('p_state', p.p_state);
    v.assign('p_pid', p.p_pid);
    links(v, 'p_hash', hashL.get(p));
    links(v, 'p_pglist', pglistL.get(p));
    v.assign('p_pptr', a(p.p_pptr));
    links(v, 'p_sibling', siblingL.get(p));
    v.assign('p_children.lh_first', a(p.p_children[0]));
    v.assign('p_reaper', a(p.p_reaper));
    v.assign('p_reaplist.lh_first', a(p.p_reaplist[0]));
    links(v, 'p_reapsibling', reapL.get(p));
    sig(v, 'p_sigqueue.sq_signals', p.p_siglist);
    v.assign('p_sigqueue.sq_proc', p.addr);
    v.assign('p_oppid', p.p_oppid);
    v.assign('p_vmspace', a(p.p_vmspace));
    v.assign('p_swtick', p.p_swtick);
    ru(v, 'p_ru', p.p_ru);
    rux(v, 'p_rux', p.p_rux);
    rux(v, 'p_crux', p.p_crux);
    v.assign('p_traceflag', p.p_traceflag);
    if (p.p_tracevp !== 0n) v.assign('p_ktrioparms', ktrioFor(p.p_tracevp, a(p.p_ucred)));
    v.assign('p_textvp', p.p_textvp);
    v.assign('p_lock', p.p_lock);
    v.assign('p_treeflag', p.p_treeflag);
    v.assign('p_magic', P_MAGIC);
    v.strlcpy('p_comm', p.p_comm);
    v.assign('p_sysent', a(p.p_sysent));
    v.assign('p_args', p.p_args);
    v.assign('p_nice', p.p_nice);
    v.assign('p_fibnum', p.p_fibnum);
    v.assign('p_reapsubtree', p.p_reapsubtree);
    v.assign('p_xexit', p.p_xexit);
    v.assign('p_xsig', p.p_xsig);
    v.assign('p_pgrp', a(p.p_pgrp));
    v.assign('p_numthreads', p.p_threads.length);
    v.assign('p_acflag', p.p_acflag);
    v.assign('p_leader', p.addr);
    links(v, 'p_orphan', orphanL.get(p));
    v.assign('p_orphans.lh_first', a(p.p_orphans[0]));
    return v;
  };

  const tdBuf = new Uint8Array(kl.threadItemSize);
  const tdv = new RecordView(kl.structs.thread, tdBuf, 0);
  const tsv = new RecordView(kl.structs.td_sched, tdBuf, kl.structs.thread.size);
  const encThread = (td: Thread): Uint8Array => {
    tdBuf.fill(0);
    const v = tdv;
    const p = td.td_proc;
    v.assign('td_proc', p.addr);
    const l = tdL.get(td);
    if (l) {
      v.assign('td_plist.tqe_next', l.next);
      v.assign('td_plist.tqe_prev', l.prev);
    }
    v.assign('td_tid', td.td_tid);
    sig(v, 'td_sigqueue.sq_signals', td.td_siglist);
    v.assign('td_sigqueue.sq_proc', p.addr);
    v.assign('td_flags', td.td_flags);
    v.assign('td_inhibitors', td.td_inhibitors);
    v.assign('td_pflags', td.td_pflags);
    v.assign('td_pflags2', td.td_pflags2);
    v.assign('td_wchan', td.td_wchan);
    v.assign('td_wmesg', str(td.td_wmesg));
    if (td.td_inhibitors & TDI_LOCK) v.assign('td_blocked', turnstile(td.td_lockname ?? ''));
    if (td.td_lockname !== null) v.assign('td_lockname', str(td.td_lockname));
    v.assign('td_realucred', a(p.p_ucred));
    v.assign('td_ucred', a(p.p_ucred));
    v.assign('td_slptick', td.td_slptick);
    v.assign('td_cow', td.td_cow);
    ru(v, 'td_ru', td.td_ru);
    rux(v, 'td_rux', td.td_rux);
    v.assign('td_incruntime', td.td_incruntime);
    v.assign('td_sticks', td.td_sticks);
    v.assign('td_iticks', td.td_iticks);
    v.assign('td_uticks', td.td_uticks);
    v.strlcpy('td_name', td.td_name);
    sig(v, 'td_sigmask', td.td_sigmask);
    v.assign('td_base_pri', td.td_base_pri);
    v.assign('td_priority', td.td_priority);
    v.assign('td_pri_class', td.td_pri_class);
    v.assign('td_user_pri', td.td_user_pri);
    v.assign('td_base_user_pri', td.td_user_pri);
    v.assign('td_pcb', td.td_pcb);
    v.assign('td_state', td.td_state);
    v.assign('td_kstack', td.td_kstack);
    v.assign('td_kstack_pages', td.td_kstack_pages);
    v.assign('td_lastcpu', td.td_lastcpu);
    v.assign('td_oncpu', td.td_oncpu);
    v.assign('td_exterr_ptr', td.td_exterr_ptr);
    tsv.assign('ts_pctcpu', td.sched_pctcpu);
    tsv.assign('ts_estcpu', td.sched_estcpu);
    return tdBuf;
  };

  const smallGroups = kl.structs.ucred.leaf('cr_smallgroups').count ?? 16;
  const encUcred = (c: Ucred): RecordView => {
    const v = view('ucred');
    v.assign('cr_ref', 1);
    v.assign('cr_users', 1);
    v.assign('cr_flags', c.cr_flags);
    v.assign('cr_ngroups', c.cr_groups.length);
    v.assign('cr_uid', c.cr_uid);
    v.assign('cr_ruid', c.cr_ruid);
    v.assign('cr_svuid', c.cr_svuid);
    v.assign('cr_gid', c.cr_gid);
    v.assign('cr_rgid', c.cr_rgid);
    v.assign('cr_svgid', c.cr_svgid);
    v.assign('cr_prison', a(c.cr_prison));
    v.assign('cr_loginclass', a(c.cr_loginclass));
    if (c.cr_groups.length <= smallGroups) {
      v.assign('cr_groups', c.addr + off('ucred', 'cr_smallgroups'));
      v.assign('cr_agroups', smallGroups);
      c.cr_groups.forEach((gid, i) => v.setAt('cr_smallgroups', i, gid >>> 0));
    } else {
      const n = c.cr_groups.length;
      const arr = b.kmalloc(n * 4, 8);
      b.mapVa(arr, n * 4);
      const bytes = new Uint8Array(n * 4);
      const dv = new DataView(bytes.buffer);
      c.cr_groups.forEach((gid, i) => dv.setUint32(i * 4, gid >>> 0, kl.littleEndian));
      b.writeVa(arr, bytes);
      v.assign('cr_groups', arr);
      v.assign('cr_agroups', n);
    }
    return v;
  };

  const encoders: Partial<Record<ZoneKind, (o: never) => RecordView | Uint8Array>> = {
    proc: encProc,
    thread: encThread,
    ucred: encUcred,
    prison: (pr: Prison) => {
      const v = view('prison');
      v.assign('pr_id', pr.pr_id);
      v.assign('pr_ref', 1);
      v.assign('pr_uref', 1);
      v.assign('pr_parent', a(pr.pr_parent));
      v.strlcpy('pr_name', pr.pr_name);
      return v;
    },
    loginclass: (lc: LoginClass) => {
      const v = view('loginclass');
      v.strlcpy('lc_name', lc.lc_name);
      v.assign('lc_refcount', 1);
      return v;
    },
    sigacts: (ps: Sigacts) => {
      const v = view('sigacts');
      sig(v, 'ps_sigignore', ps.ps_sigignore);
      sig(v, 'ps_sigcatch', ps.ps_sigcatch);
      v.assign('ps_refcnt', 1);
      return v;
    },
    vmspace: (vm: Vmspace) => {
      const v = view('vmspace');
      v.assign('vm_map.size', vm.vm_map_size);
      v.assign('vm_map.pmap', vm.addr + off('vmspace', 'vm_pmap'));
      v.assign('vm_swrss', vm.vm_swrss);
      v.assign('vm_tsize', vm.vm_tsize);
      v.assign('vm_dsize', vm.vm_dsize);
      v.assign('vm_ssize', vm.vm_ssize);
      v.assign('vm_refcnt', 1);
      v.assign('vm_pmap.pm_stats.resident_count', vm.pm_resident_count);
      return v;
    },
    pstats: (ps: Pstats) => {
      const v = view('pstats');
      tv(v, 'p_start', ps.p_start);
      return v;
    },
    pgrp: (pg: Pgrp) => {
      const v = view('pgrp');
      v.assign('pg_members.lh_first', a(pg.pg_members[0]));
      v.assign('pg_session', a(pg.pg_session));
      v.assign('pg_id', pg.pg_id);
      return v;
    },
    session: (s: Session) => {
      const v = view('session');
      v.assign('s_count', s.s_count);
      v.assign('s_leader', a(s.s_leader));
      v.assign('s_ttyvp', s.s_ttyvp);
      v.assign('s_ttyp', a(s.s_ttyp));
      v.assign('s_sid', s.s_sid);
      v.strlcpy('s_login', s.s_login);
      return v;
    },
    tty: (t: Tty) => {
      const v = view('tty');
      v.assign('t_pgrp', a(t.t_pgrp));
      v.assign('t_session', a(t.t_session));
      v.assign('t_sessioncnt', t.t_session ? 1 : 0);
      v.assign('t_dev', a(t.t_dev));
      return v;
    },
    cdev: (c: Cdev) => {
      const v = view('cdev_priv');
      v.strlcpy('cdp_c.si_name', c.si_name);
      v.assign('cdp_c.si_refcount', 1);
      v.assign('cdp_inode', c.udev);
      return v;
    },
    sysentvec: (sv: Sysentvec) => {
      const v = view('sysentvec');
      v.assign('sv_name', str(sv.sv_name));
      return v;
    },
  };

  let objects = 0;
  let bytes = 0;
  const itemSize = new Map(zoneTable(model.arch).map((z) => [z.kind, z.itemSize]));
  for (const o of model.objects) {
    const enc = encoders[o.kind as ZoneKind];
    if (!enc) continue;
    // A zone item holds the largest struct of any bundled set; this set's struct fills its start.
    const size = itemSize.get(o.kind as ZoneKind)!;
    const out = enc(o.obj as never);
    const rec = out instanceof RecordView ? out.record() : out;
    if (rec.length > size) throw new KvmkitError(`encoded ${o.kind} is ${rec.length} bytes, its zone item ${size}`, { object: o.kind, address: o.obj.addr });
    b.mapVa(o.obj.addr, rec.length);
    b.writeVa(o.obj.addr, rec);
    objects++;
    bytes += rec.length;
  }

  // ---- hash table, heads and globals ----
  const tb = new Uint8Array(nbuckets * ptr);
  const tdv2 = new DataView(tb.buffer);
  model.pidhashtbl.forEach((bucket, j) => {
    const first = bucket[0]?.addr ?? 0n;
    if (ptr === 8) tdv2.setBigUint64(j * 8, first, kl.littleEndian);
    else tdv2.setUint32(j * 4, Number(first), kl.littleEndian);
  });
  b.writeVa(tbl, tb);
  b.writePointer(allprocVa, a(model.allproc[0]));
  b.definePointer('pidhashtbl', tbl);
  b.definePointer('pidhash', BigInt(g.pidhash));
  b.definePointer('pidhashlock', BigInt(g.pidhashlock));
  b.defineInt('nprocs', model.procs.size);
  b.defineInt('ticks', g.ticks | 0);
  b.defineInt('hz', g.hz);
  b.defineU64('cpu_tick_frequency', g.cpu_tick_frequency);
  b.defineInt('maxproc', g.maxproc);
  const btv = new RecordView(kl.structs.timeval);
  btv.assign('tv_sec', g.boottime.sec);
  btv.assign('tv_usec', g.boottime.usec);
  b.defineObject('boottime', btv.record().slice(), ptr);
  const dumptid = opts.dumptid ?? defaultDumptid(model);
  b.defineInt('dumptid', dumptid);
  // The kernel's __FreeBSD_version, as a real kernel's `osreldate` global: readers pick the layout set by it.
  b.defineInt('osreldate', kl.osreldate);
  b.addSymbol('proc0', model.proc0.addr, kl.structs.proc.size);
  b.addSymbol('thread0', model.proc0.p_threads[0]?.addr ?? 0n, kl.structs.thread.size);
  b.addSymbol('prison0', model.prison0.addr, kl.structs.prison.size);
  b.addSymbol('vmspace0', model.vmspace0.addr, kl.structs.vmspace.size);
  b.definePointer('initproc', a(model.initproc));
  const ring = writeCrashState(b, kl, model.crash ?? {});
  for (const [name, value] of Object.entries(exportedOffsets(kl))) b.defineInt(name, value);
  // The kernel ELF carries the layouts it was built with as CTF, as a GENERIC kernel does.
  b.kernelCtf = kernelLayoutsCtf(kl);
  return { revision: kl.revision, kernelSet: kl.set, objects, bytes, procs: model.procs.size, threads: model.threads.size, symbols: b.symbolList().length, dumptid, msgbufRing: ring };
}

/** Default ring size of a simulated kernel: small, so that a sample image stays small (the kernel's MSGBUF_SIZE is 96 KiB). */
export const DEFAULT_MSGBUF_SIZE = 4096;

/**
 * The message buffer, `version` and `panicstr`. As msgbufinit() does, the struct msgbuf sits right
 * after its ring in one kernel-map allocation; `msgbufp` points at the struct. Returns the ring,
 * which a minidump also carries as its msgbuf section.
 */
function writeCrashState(b: DumpBuilder, kl: KernelLayouts, g: CrashState): Uint8Array {
  const size = g.msgbufSize ?? DEFAULT_MSGBUF_SIZE;
  const r = msgbufRing(g.msgbuf ?? '', size);
  const L = msgbufLayout(kl.arch, kl.set);
  const va = b.allocKmem(size + L.size);
  const C = msgbufConstants();
  const v = new RecordView(L);
  v.assign('msg_ptr', va);
  v.assign('msg_magic', C.MSG_MAGIC);
  v.assign('msg_size', size);
  v.assign('msg_wseq', r.wseq);
  v.assign('msg_rseq', r.rseq);
  v.assign('msg_cksum', r.cksum);
  v.assign('msg_seqmod', r.seqmod);
  v.assign('msg_lastpri', -1);
  v.assign('msg_flags', r.needNewline ? C.MSGBUF_NEEDNL : 0);
  b.writeVa(va, r.ring);
  b.writeVa(va + BigInt(size), v.record().slice());
  b.definePointer('msgbufp', va + BigInt(size));
  if (g.version !== undefined) b.defineObject('version', Buffer.from(g.version + '\0', 'latin1'), 1);
  let panic = 0n;
  if (g.panicstr !== undefined) {
    const bytes = Buffer.from(g.panicstr + '\0', 'latin1');
    panic = b.allocKva(bytes.length, 1);
    b.writeVa(panic, bytes);
  }
  b.definePointer('panicstr', panic);
  return r.ring;
}

/** The crashing thread by default: a running thread if there is one, else the newest process's first thread. */
export function defaultDumptid(model: KernelModel): number {
  for (const p of model.allproc) for (const td of p.p_threads) if (td.td_oncpu >= 0 && td.td_state === TDS_RUNNING) return td.td_tid;
  return model.allproc[0]?.p_threads[0]?.td_tid ?? 0;
}

export interface BuildImageOptions extends WriteModelOptions {
  format: ImageFormat;
  /** Output paths. */
  vmcore: string;
  kernel: string;
  /** Minidump version (writer default when absent). */
  version?: number;
  /** i386: PAE page tables (default true). */
  pae?: boolean;
  onProgress?: Progress;
}

export interface BuildImageResult extends WriteSummary {
  format: ImageFormat;
  pages: number;
}

/** Model → vmcore + kernel ELF, in one call. */
export function buildImage(model: KernelModel, o: BuildImageOptions): BuildImageResult {
  const b = builderForModel(model, { pae: o.pae });
  if (!b.formats().includes(o.format)) throw new KvmkitError(`format ${o.format} cannot hold an ${model.arch} image (use ${b.formats().join(' or ')})`, { arch: model.arch });
  const { msgbufRing: ring, ...summary } = writeModel(model, b, o);
  b.writeImage(o.vmcore, o.format, { version: o.version, onProgress: o.onProgress, msgbuf: ring });
  b.writeKernel(o.kernel);
  return { ...summary, format: o.format, pages: b.mem.presentCount };
}

export { hex };
