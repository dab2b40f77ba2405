import type { ArchName } from '../layout/index.ts';

/**
 * The kernel object model: the parts of FreeBSD's process-related kernel data that the live
 * `kern.proc.*` sysctl path reads (spec §2.4, §2.5) and that the reaper facilities maintain (§5.1).
 *
 * Each interface mirrors one kernel struct; each member is named after the kernel member it stands
 * for (`p_pid` is `struct proc.p_pid`) so the fill functions read like the C they reproduce, and a
 * later image writer / kvm walker can map members one to one. Kernel lists are arrays whose index 0
 * is the list head (LIST_INSERT_HEAD = unshift). Every kernel object carries `addr`, the kernel
 * virtual address it lives at; addresses are assigned deterministically by ./addr.ts when the model
 * is built, so the same scenario always yields the same pointers for one arch.
 *
 * Nothing here is derived on read: the simulator (./sim.ts) maintains all links the way the kernel
 * does (fork, exit, wait, setsid, setpgid, REAP_ACQUIRE/RELEASE, ptrace attach).
 */

export interface KObject {
  /** Kernel virtual address of the object (a pointer to it in any record is this value). */
  addr: bigint;
}

/** `struct timeval` as the kernel holds it (time_t sec, suseconds_t usec). */
export interface Timeval { sec: bigint; usec: bigint }

/** `sigset_t`: four 32-bit words (`__bits[_SIG_WORDS]`). */
export type Sigset = [number, number, number, number];

/** `struct prison` (sys/sys/jail.h). prison0 has pr_id 0 and no parent. */
export interface Prison extends KObject {
  pr_id: number;
  pr_name: string;
  pr_parent: Prison | null;
}

/** `struct loginclass` (sys/sys/loginclass.h): lc_name is what ki_loginclass gets. */
export interface LoginClass extends KObject {
  lc_name: string;
}

/**
 * `struct ucred` in the newest layout: the effective gid `cr_gid` is separate and `cr_groups`
 * holds only the supplementary groups (`cr_ngroups` = cr_groups.length). Shared between processes
 * by reference, as crhold() shares it.
 */
export interface Ucred extends KObject {
  cr_uid: number;
  cr_ruid: number;
  cr_svuid: number;
  cr_gid: number;
  cr_rgid: number;
  cr_svgid: number;
  /** Supplementary groups only (newest layout). */
  cr_groups: number[];
  /** CRED_FLAG_* bits (CRED_FLAG_CAPMODE = 1). */
  cr_flags: number;
  cr_prison: Prison;
  cr_loginclass: LoginClass;
}

/** `struct sigacts`: the two sets the live path copies. */
export interface Sigacts extends KObject {
  ps_sigignore: Sigset;
  ps_sigcatch: Sigset;
}

/** `struct vmspace` fields read by fill_kinfo_proc_only. */
export interface Vmspace extends KObject {
  /** `vm_map.size` (bytes; vm_size_t). */
  vm_map_size: bigint;
  /** `vm_pmap.pm_stats.resident_count` (pages). */
  pm_resident_count: bigint;
  /** `vm_swrss`, `vm_tsize`, `vm_dsize`, `vm_ssize` (segsz_t, pages). */
  vm_swrss: bigint;
  vm_tsize: bigint;
  vm_dsize: bigint;
  vm_ssize: bigint;
}

/** `struct pstats`: p_start is the uptime at fork (getmicrouptime). */
export interface Pstats extends KObject {
  p_start: Timeval;
}

/** `struct rusage` members as longs (utime/stime are filled by calcru; counters are summed). */
export interface Rusage {
  ru_utime: Timeval;
  ru_stime: Timeval;
  ru_maxrss: bigint; ru_ixrss: bigint; ru_idrss: bigint; ru_isrss: bigint; ru_minflt: bigint; ru_majflt: bigint;
  ru_nswap: bigint; ru_inblock: bigint; ru_oublock: bigint; ru_msgsnd: bigint; ru_msgrcv: bigint;
  ru_nsignals: bigint; ru_nvcsw: bigint; ru_nivcsw: bigint;
}
/** The long counters of struct rusage in declaration order; ru_ixrss … ru_nivcsw are "ru_first … ru_last". */
export const RU_COUNTERS = ['ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt', 'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw'] as const;
export type RuCounter = (typeof RU_COUNTERS)[number];

/** `struct rusage_ext` (p_rux, td_rux, p_crux): cpu ticks and the tick split; uu/su/tu are calcru's memory. */
export interface RusageExt {
  rux_runtime: bigint;
  rux_uticks: bigint;
  rux_sticks: bigint;
  rux_iticks: bigint;
  rux_uu: bigint;
  rux_su: bigint;
  rux_tu: bigint;
}

/** `struct sysentvec`: only sv_name is read (ki_emul). */
export interface Sysentvec extends KObject {
  sv_name: string;
}

/** `struct cdev`: its devfs inode number is what tty_udev()/dev2udev() return. */
export interface Cdev extends KObject {
  si_name: string;
  /** `cdp_inode` of the enclosing cdev_priv: the udev. */
  udev: bigint;
}

/** `struct tty`. */
export interface Tty extends KObject {
  /** `t_dev`: NULL makes tty_udev() return NODEV. */
  t_dev: Cdev | null;
  t_session: Session | null;
  /** Foreground process group (tcsetpgrp). */
  t_pgrp: Pgrp | null;
}

/** `struct session`. */
export interface Session extends KObject {
  s_sid: number;
  s_leader: Proc | null;
  /** `s_ttyvp`: the controlling terminal's vnode (0n when none). Only NULL-ness is read (KI_CTTY). */
  s_ttyvp: bigint;
  /** `s_ttyp`: kept after the leader exits ("the session once had a controlling terminal"). */
  s_ttyp: Tty | null;
  /** `s_login` (setlogin), MAXLOGNAME bytes in the kernel. */
  s_login: string;
  /** `s_count`: number of process groups in the session. */
  s_count: number;
}

/** `struct pgrp`. pg_members: LIST, head first (a fork inserts the child right after its parent). */
export interface Pgrp extends KObject {
  pg_id: number;
  pg_session: Session;
  pg_members: Proc[];
}

/** `struct thread` members read by fill_kinfo_thread and the aggregate/rusage steps. */
export interface Thread extends KObject {
  td_tid: number;
  td_proc: Proc;
  /** `td_name` (MAXCOMLEN+1 = 20 bytes in the kernel). */
  td_name: string;
  /** TDS_* */
  td_state: number;
  /** TDI_* bits */
  td_inhibitors: number;
  /** `td_wmesg` (NULL = null). */
  td_wmesg: string | null;
  /** `td_wchan` (kernel address or 0n). */
  td_wchan: bigint;
  /** `td_lockname`, read only under TDI_LOCK. */
  td_lockname: string | null;
  td_priority: number;
  td_base_pri: number;
  td_user_pri: number;
  td_pri_class: number;
  td_lastcpu: number;
  td_oncpu: number;
  /** `td_flags` (int in the kernel; ki_tdflags is a long). */
  td_flags: number;
  /** `td_pflags`: bit 0x20 (TDP_ALTSTACK) is what the ki_uerrmsg test actually reads (spec §2.4 item 12). */
  td_pflags: number;
  /** `td_pflags2` (TDP2_UEXTERR lives here; the live path does not read it). */
  td_pflags2: number;
  /** `td_exterr_ptr`: a user address in the thread's process. */
  td_exterr_ptr: bigint;
  td_pcb: bigint;
  td_kstack: bigint;
  td_kstack_pages: number;
  /** `td_slptick` (int). */
  td_slptick: number;
  td_cow: number;
  td_sigmask: Sigset;
  td_siglist: Sigset;
  td_ru: Rusage;
  td_rux: RusageExt;
  /** Pending, not yet aggregated time (ruxagg folds these into p_rux and td_rux). */
  td_incruntime: bigint;
  td_uticks: bigint;
  td_sticks: bigint;
  td_iticks: bigint;
  /** The scheduler's sched_pctcpu(td) / sched_estcpu(td) (scheduler dependent; stored, not computed). */
  sched_pctcpu: number;
  sched_estcpu: number;
}

/** `struct proc`. */
export interface Proc extends KObject {
  p_pid: number;
  p_comm: string;
  /** PRS_* */
  p_state: number;
  /** `p_flag` (int). P_JAILED is never stored; the live path ORs it in. */
  p_flag: number;
  p_flag2: number;
  /** P_TREE_* */
  p_treeflag: number;
  p_ucred: Ucred;
  p_sigacts: Sigacts | null;
  p_vmspace: Vmspace | null;
  p_stats: Pstats;
  /** `p_ru`: exited threads' accumulated rusage. */
  p_ru: Rusage;
  p_rux: RusageExt;
  /** `p_crux`: waited-for children. */
  p_crux: RusageExt;
  p_sysent: Sysentvec | null;
  /** The current parent (a debugger while traced). NULL only for proc0. */
  p_pptr: Proc | null;
  /** Real parent pid. */
  p_oppid: number;
  /** `p_children`: head = most recently attached child. */
  p_children: Proc[];
  /** `p_orphans`: processes whose real parent is this one but which are attached to a debugger. */
  p_orphans: Proc[];
  p_reaper: Proc;
  /** Every process whose p_reaper is this one, head = newest insertion. */
  p_reaplist: Proc[];
  p_reapsubtree: number;
  p_pgrp: Pgrp | null;
  /** `p_threads` (TAILQ; new threads at the tail). p_numthreads = p_threads.length. */
  p_threads: Thread[];
  p_args: bigint;
  p_textvp: bigint;
  p_fd: bigint;
  p_pd: bigint;
  /** KTRACE: the trace vnode of `p_ktrioparms` (ktr_get_tracevp); 0n when not tracing. */
  p_tracevp: bigint;
  p_traceflag: number;
  p_nice: number;
  p_fibnum: number;
  p_xexit: number;
  p_xsig: number;
  p_acflag: number;
  /** `p_lock` (int; the record gets it truncated to a char). */
  p_lock: number;
  /** `p_swtick` (u_int). */
  p_swtick: number;
  /** `p_siglist` (p_sigqueue.sq_signals). */
  p_siglist: Sigset;
}

/** Kernel globals the live path reads (spec §2.5). */
export interface KernelGlobals {
  /** `ticks` (int). */
  ticks: number;
  hz: number;
  /** getboottime(). */
  boottime: Timeval;
  /** cpu_tickrate() (cpu_tick_frequency). */
  cpu_tick_frequency: bigint;
  /** kern.maxproc: pidhashtbl = hashinit(maxproc / 4). */
  maxproc: number;
  /** Mask: bucket of pid x is x & pidhash. */
  pidhash: number;
  /** Lock stripes − 1. */
  pidhashlock: number;
}

/** What a crash dump tells beyond the processes: the message buffer, the panic, the kernel's version. */
export interface CrashState {
  /** Text printed to the kernel message buffer, oldest first (the writer lays it in a ring of msgbufSize bytes). */
  msgbuf?: string;
  /** The ring's size (msg_size); kvmkit's default is 4096, not the kernel's MSGBUF_SIZE. */
  msgbufSize?: number;
  /** `panicstr`: the panic message, when the system panicked. */
  panicstr?: string;
  /** The kernel's `version` string. */
  version?: string;
}

/** Everything that has an address, for an image writer: kind, object. */
export interface ObjectRecord { kind: string; obj: KObject; size: number }

export interface KernelModel {
  arch: ArchName;
  globals: KernelGlobals;
  /** Message buffer, panic string and version an image writer puts in (absent: an empty buffer, no panic). */
  crash?: CrashState;
  prison0: Prison;
  proc0: Proc;
  initproc: Proc | null;
  vmspace0: Vmspace;
  /** pidhashtbl: bucket lists, head first. */
  pidhashtbl: Proc[][];
  /** allproc: head = newest fork. Exiting processes leave it (zombies are only in the hash). */
  allproc: Proc[];
  /** Every process in the pid hash (including zombies), by pid. */
  procs: Map<number, Proc>;
  /** Every thread of a hashed process, by tid. */
  threads: Map<number, Thread>;
  /** Every allocated kernel object, in allocation order. */
  objects: ObjectRecord[];
  prisons: Map<number, Prison>;
  ttys: Map<string, Tty>;
}

export function zeroTimeval(): Timeval {
  return { sec: 0n, usec: 0n };
}

export function zeroRusage(): Rusage {
  const r = { ru_utime: zeroTimeval(), ru_stime: zeroTimeval() } as Rusage;
  for (const k of RU_COUNTERS) r[k] = 0n;
  return r;
}

export function zeroRux(): RusageExt {
  return { rux_runtime: 0n, rux_uticks: 0n, rux_sticks: 0n, rux_iticks: 0n, rux_uu: 0n, rux_su: 0n, rux_tu: 0n };
}

export function emptySigset(): Sigset {
  return [0, 0, 0, 0];
}

/** jailed(cred): the credential's prison is not prison0. */
export function jailed(model: KernelModel, cred: Ucred): boolean {
  return cred.cr_prison !== model.prison0;
}

export function procName(p: Proc): string {
  return `proc ${p.p_pid} (${p.p_comm})`;
}
