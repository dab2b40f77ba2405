import { KvmkitError } from '../base/errors.ts';
import type { ArchName } from '../layout/index.ts';
import { AddressSpace } from './addr.ts';
import { NO_PID } from './constants.ts';
import { type KernelGlobals, type KernelModel, type LoginClass, type Prison, type Proc, type Rusage, type RusageExt, type Sigset, type Sysentvec, type Timeval, type Tty, type Ucred } from './model.ts';
/**
 * The simulator: builds a KernelModel by performing the kernel's own operations (do_fork, exit1,
 * proc_reap, setsid/enterpgrp, TIOCSCTTY, tcsetpgrp, REAP_ACQUIRE/RELEASE, ptrace attach) so that
 * derived state — p_children order, reap lists, subtree ids, p_oppid, orphan lists, session
 * leaders — comes out as the kernel would leave it (spec §5.2). Every refusal is a KvmkitError that
 * names the object (the process) and the field (the scenario input) at fault.
 */
export declare class SimError extends KvmkitError {
}
/** The per-thread inputs of a new thread (everything a scenario can set). */
export interface ThreadInit {
    td_tid: number;
    td_name: string;
    td_state: number;
    td_inhibitors: number;
    td_wmesg: string | null;
    td_wchan: bigint | {
        proc: number;
    } | 'self' | 'tty';
    td_lockname: string | null;
    td_priority: number;
    td_base_pri: number;
    td_user_pri: number;
    td_pri_class: number;
    td_lastcpu: number;
    td_oncpu: number;
    td_flags: number;
    td_pflags: number;
    td_pflags2: number;
    /** true: a plausible user address is assigned; a bigint: that address; false/0n: none. */
    td_exterr_ptr: bigint | boolean;
    td_kstack_pages: number;
    td_slptick: number;
    td_cow: number;
    td_sigmask: Sigset;
    td_siglist: Sigset;
    td_ru: Rusage;
    td_rux: RusageExt;
    td_incruntime: bigint;
    td_uticks: bigint;
    td_sticks: bigint;
    td_iticks: bigint;
    sched_pctcpu: number;
    sched_estcpu: number;
}
export interface CredInit {
    uid: number;
    ruid: number;
    svuid: number;
    gid: number;
    rgid: number;
    svgid: number;
    groups: number[];
    flags: number;
    jail: number;
    loginclass: string;
}
export interface VmInit {
    size: bigint;
    rss: bigint;
    swrss: bigint;
    tsize: bigint;
    dsize: bigint;
    ssize: bigint;
}
export interface ForkInit {
    pid: number;
    parent: number;
    comm: string;
    rfnowait: boolean;
    /** Undefined: share the parent's ucred (crhold). */
    cred?: CredInit;
    threads: ThreadInit[];
    /** Undefined: inherit the parent's sysentvec. */
    emul?: string;
    /** Executable path: one text vnode per distinct path. Undefined: inherit the parent's. */
    exec?: string;
    /** Undefined: share vmspace0 (kernel processes) — only allowed for P_KPROC children of proc0. */
    vm?: VmInit;
    /** Uptime at fork. */
    start: Timeval;
    swtick?: number;
    nice?: number;
    fibnum?: number;
    flag: number;
    flag2: number;
    acflag: number;
    lock: number;
    siglist: Sigset;
    sigignore?: Sigset;
    sigcatch?: Sigset;
    ru: Rusage;
    rux: RusageExt;
    crux: RusageExt;
    /** KTRACE: a trace vnode and p_traceflag. */
    ktrace?: {
        file: string;
        flags: number;
    };
}
export declare class KernelBuilder {
    readonly model: KernelModel;
    readonly va: AddressSpace;
    private readonly sysents;
    private readonly loginclasses;
    private readonly textvps;
    private readonly tracevps;
    /** Subtree ids reserved in proc_id_reapmap (id 1 is never released). */
    private readonly reapIds;
    private readonly pgrps;
    private readonly sessions;
    private pendingTty;
    private readonly allprocRev;
    private allprocView;
    /** Whose p_orphans list each orphaned process is on (clearOrphan/realParent look there instead of in every process). */
    private readonly orphanOwner;
    /** Resolve wchan "tty" of the threads created by the last fork (its session's terminal). */
    resolvePending(): void;
    constructor(arch: ArchName, globals: Omit<KernelGlobals, 'pidhash' | 'pidhashlock'>, proc0Threads: ThreadInit[]);
    private place;
    private obj;
    private bare;
    sysent(name: string): Sysentvec;
    loginclass(name: string): LoginClass;
    private textvp;
    private tracevp;
    addPrison(id: number, name: string, parentId: number): Prison;
    addTty(name: string, udev: bigint | null): Tty;
    cred(c: CredInit, where: string): Ucred;
    private thread;
    private makeProc0;
    private newProcShell;
    private hashInsert;
    proc(pid: number, where: string, field: string, opts?: {
        zombieOk?: boolean;
    }): Proc;
    /** True when an id is in use as a pid, pgid, sid or reaper subtree id (the four proc_id bitmaps). */
    idInUse(id: number): string | null;
    fork(f: ForkInit): Proc;
    uptimeUsec(): bigint;
    setsid(pid: number, where: string): void;
    setlogin(pid: number, login: string, where: string): void;
    setpgid(pid: number, pgid: number, where: string): void;
    /** leavepgrp + enterthispgrp: head insertion into the new group; an emptied group is deleted. */
    private movePgrp;
    private leavePgrp;
    /** TIOCSCTTY by a session leader. */
    ctty(pid: number, ttyName: string, where: string): void;
    tcsetpgrp(ttyName: string, pgid: number, where: string): void;
    setcred(pid: number, c: CredInit, where: string): void;
    reapAcquire(pid: number, where: string): void;
    reapRelease(pid: number, where: string): void;
    private releaseReapId;
    /** reaper_abandon_children: each member, in list order, goes to the head of p's reaper's list. */
    private abandonChildren;
    /** The process whose p_orphans holds p, when that process is still in the process table. */
    private orphanList;
    private clearOrphan;
    /** proc_reparent. */
    private reparent;
    ptraceAttach(pid: number, by: number, where: string): void;
    exit(pid: number, xexit: number, xsig: number, where: string): void;
    /** proc_realparent. */
    realParent(child: Proc): Proc;
    wait(pid: number, by: number | undefined, where: string): void;
    /** Final consistency checks (invariants the kernel keeps). */
    check(): void;
}
export declare function usecTv(us: bigint): Timeval;
export { NO_PID };
