import { KvmkitError } from "../base/errors.js";
import { pidhashlockFor } from "./pidhash.js";
import { AddressSpace } from "./addr.js";
import { calcru1, procRux } from "./calcru.js";
import { NO_PID, NOCPU, P2_WEXIT, P_CONTROLT, P_INMEM, P_KPROC, P_SYSTEM, P_TRACED, P_TREE_FIRST_ORPHAN, P_TREE_GRPEXITED, P_TREE_ORPHANED, P_TREE_REAPER, P_WEXIT, PID_MAX, PRS_NORMAL, PRS_ZOMBIE, TDS_INACTIVE, THREAD0_TID, } from "./constants.js";
import { emptySigset, procName, zeroRusage, zeroRux, zeroTimeval, } from "./model.js";
/**
 * The simulator: builds a KernelModel by performing the kernel's own operations (do_fork, exit1,
 * proc_reap, setsid/enterpgrp, TIOCSCTTY, tcsetpgrp, REAP_ACQUIRE/RELEASE, ptrace attach) so that
 * derived state — p_children order, reap lists, subtree ids, p_oppid, orphan lists, session
 * leaders — comes out as the kernel would leave it (spec §5.2). Every refusal is a KvmkitError that
 * names the object (the process) and the field (the scenario input) at fault.
 */
export class SimError extends KvmkitError {
}
function fail(message, object, field) {
    throw new SimError(message, { object, field });
}
const CLASS_DEFAULT = 'default';
export class KernelBuilder {
    model;
    va;
    sysents = new Map();
    loginclasses = new Map();
    textvps = new Map();
    tracevps = new Map();
    /** Subtree ids reserved in proc_id_reapmap (id 1 is never released). */
    reapIds = new Map();
    pgrps = new Map();
    sessions = new Map();
    pendingTty = [];
    allprocRev = [];
    allprocView = null;
    /** Whose p_orphans list each orphaned process is on (clearOrphan/realParent look there instead of in every process). */
    orphanOwner = new Map();
    /** Resolve wchan "tty" of the threads created by the last fork (its session's terminal). */
    resolvePending() {
        const list = this.pendingTty;
        this.pendingTty = [];
        for (const { td, where } of list) {
            const t = td();
            const tp = t.td_proc.p_pgrp?.pg_session.s_ttyp;
            if (!tp)
                fail('wchan "tty" needs a session with a controlling tty', where, 'wchan');
            t.td_wchan = tp.addr;
        }
    }
    constructor(arch, globals, proc0Threads) {
        this.va = new AddressSpace(arch);
        if (globals.maxproc < 4)
            fail(`maxproc ${globals.maxproc} is too small (hashinit(maxproc/4) needs at least one bucket)`, 'system', 'maxproc');
        // hashinit(maxproc / 4): the largest power of two ≤ that count.
        let buckets = 1;
        while (buckets * 2 <= Math.floor(globals.maxproc / 4))
            buckets *= 2;
        const pidhash = buckets - 1;
        const pidhashlock = pidhashlockFor(pidhash);
        const prison0 = { addr: 0n, pr_id: 0, pr_name: '0', pr_parent: null };
        this.model = {
            arch,
            globals: { ...globals, pidhash, pidhashlock },
            prison0,
            proc0: undefined,
            initproc: null,
            vmspace0: undefined,
            pidhashtbl: Array.from({ length: pidhash + 1 }, () => []),
            allproc: [],
            procs: new Map(),
            threads: new Map(),
            objects: [],
            prisons: new Map([[0, prison0]]),
            ttys: new Map(),
        };
        // allproc is kept oldest first (a fork appends in O(1); unshift on a 10⁵-entry array is a copy
        // per fork) and the model's head-first array is made when it is read, once per change.
        const rev = this.allprocRev;
        Object.defineProperty(this.model, 'allproc', {
            enumerable: true,
            configurable: true,
            get: () => (this.allprocView ??= rev.slice().reverse()),
            set: (v) => {
                rev.length = 0;
                for (let i = v.length - 1; i >= 0; i--)
                    rev.push(v[i]);
                this.allprocView = null;
            },
        });
        prison0.addr = this.place('prison', prison0);
        this.model.vmspace0 = this.obj('vmspace', { vm_map_size: 0n, pm_resident_count: 0n, vm_swrss: 0n, vm_tsize: 0n, vm_dsize: 0n, vm_ssize: 0n });
        this.makeProc0(proc0Threads);
    }
    // ---- allocation ----
    place(kind, obj) {
        const addr = this.va.alloc(kind);
        this.model.objects.push({ kind, obj, size: this.va.stride(kind) });
        return addr;
    }
    obj(kind, fields) {
        const o = { addr: 0n, ...fields };
        o.addr = this.place(kind, o);
        return o;
    }
    bare(kind) {
        const o = { addr: 0n };
        o.addr = this.place(kind, o);
        return o.addr;
    }
    sysent(name) {
        let s = this.sysents.get(name);
        if (!s)
            this.sysents.set(name, (s = this.obj('sysentvec', { sv_name: name })));
        return s;
    }
    loginclass(name) {
        let c = this.loginclasses.get(name);
        if (!c)
            this.loginclasses.set(name, (c = this.obj('loginclass', { lc_name: name })));
        return c;
    }
    textvp(path) {
        let v = this.textvps.get(path);
        if (v === undefined)
            this.textvps.set(path, (v = this.bare('vnode')));
        return v;
    }
    tracevp(path) {
        let v = this.tracevps.get(path);
        if (v === undefined)
            this.tracevps.set(path, (v = this.bare('vnode')));
        return v;
    }
    // ---- world objects ----
    addPrison(id, name, parentId) {
        const where = `jail ${id}`;
        if (!Number.isInteger(id) || id <= 0)
            fail(`jail id must be a positive integer, got ${id}`, where, 'jid');
        if (this.model.prisons.has(id))
            fail(`jail id ${id} is defined twice`, where, 'jid');
        const parent = this.model.prisons.get(parentId);
        if (!parent)
            fail(`parent jail ${parentId} is not defined (define parents before children)`, where, 'parent');
        const pr = this.obj('prison', { pr_id: id, pr_name: name, pr_parent: parent });
        this.model.prisons.set(id, pr);
        return pr;
    }
    addTty(name, udev) {
        const where = `tty ${name}`;
        if (this.model.ttys.has(name))
            fail(`tty ${name} is defined twice`, where, 'name');
        const cdev = udev === null ? null : this.obj('cdev', { si_name: name, udev });
        const tp = this.obj('tty', { t_dev: cdev, t_session: null, t_pgrp: null });
        this.model.ttys.set(name, tp);
        return tp;
    }
    cred(c, where) {
        const pr = this.model.prisons.get(c.jail);
        if (!pr)
            fail(`jail ${c.jail} is not defined`, where, 'cred.jail');
        return this.obj('ucred', {
            cr_uid: c.uid, cr_ruid: c.ruid, cr_svuid: c.svuid, cr_gid: c.gid, cr_rgid: c.rgid, cr_svgid: c.svgid,
            cr_groups: [...c.groups], cr_flags: c.flags, cr_prison: pr, cr_loginclass: this.loginclass(c.loginclass),
        });
    }
    thread(p, t, where) {
        if (!Number.isInteger(t.td_tid) || t.td_tid < THREAD0_TID || t.td_tid > 0x7fffffff)
            fail(`thread id ${t.td_tid} is outside ${THREAD0_TID} … 2147483647 (tids are allocated above PID_MAX)`, where, 'tid');
        if (this.model.threads.has(t.td_tid))
            fail(`thread id ${t.td_tid} is already used by ${procName(this.model.threads.get(t.td_tid).td_proc)}`, where, 'tid');
        const kstack = this.va.allocKstack(t.td_kstack_pages);
        let wchan;
        if (typeof t.td_wchan === 'bigint')
            wchan = t.td_wchan;
        else if (t.td_wchan === 'self')
            wchan = p.addr;
        else if (t.td_wchan === 'tty') {
            // Resolved after the fork step's setsid/ctty actions (resolvePending).
            wchan = 0n;
            this.pendingTty.push({ td: () => td, where });
        }
        else {
            const q = this.model.procs.get(t.td_wchan.proc);
            if (!q)
                fail(`wchan names proc ${t.td_wchan.proc}, which does not exist`, where, 'wchan');
            wchan = q.addr;
        }
        let exterr;
        if (typeof t.td_exterr_ptr === 'bigint')
            exterr = t.td_exterr_ptr;
        else
            exterr = t.td_exterr_ptr ? this.va.userErrPtr(t.td_tid) : 0n;
        const td = {
            addr: 0n,
            td_tid: t.td_tid, td_proc: p, td_name: t.td_name, td_state: t.td_state, td_inhibitors: t.td_inhibitors,
            td_wmesg: t.td_wmesg, td_wchan: wchan, td_lockname: t.td_lockname, td_priority: t.td_priority,
            td_base_pri: t.td_base_pri, td_user_pri: t.td_user_pri, td_pri_class: t.td_pri_class,
            td_lastcpu: t.td_lastcpu, td_oncpu: t.td_oncpu, td_flags: t.td_flags, td_pflags: t.td_pflags,
            td_pflags2: t.td_pflags2, td_exterr_ptr: exterr, td_kstack: kstack,
            td_pcb: this.va.pcbFor(kstack, t.td_kstack_pages), td_kstack_pages: t.td_kstack_pages,
            td_slptick: t.td_slptick, td_cow: t.td_cow, td_sigmask: [...t.td_sigmask],
            td_siglist: [...t.td_siglist], td_ru: t.td_ru, td_rux: t.td_rux, td_incruntime: t.td_incruntime,
            td_uticks: t.td_uticks, td_sticks: t.td_sticks, td_iticks: t.td_iticks, sched_pctcpu: t.sched_pctcpu,
            sched_estcpu: t.sched_estcpu,
        };
        td.addr = this.place('thread', td);
        this.model.threads.set(td.td_tid, td);
        return td;
    }
    // ---- proc0 (proc0_init) ----
    makeProc0(threads) {
        const m = this.model;
        const cred = this.cred({ uid: 0, ruid: 0, svuid: 0, gid: 0, rgid: 0, svgid: 0, groups: [], flags: 0, jail: 0, loginclass: CLASS_DEFAULT }, 'proc 0');
        const p = this.newProcShell(0, 'kernel', cred);
        p.p_flag = P_SYSTEM | P_INMEM | P_KPROC;
        p.p_sysent = this.sysent('null');
        p.p_vmspace = m.vmspace0;
        p.p_sigacts = this.obj('sigacts', { ps_sigignore: emptySigset(), ps_sigcatch: emptySigset() });
        p.p_stats = this.obj('pstats', { p_start: zeroTimeval() });
        p.p_fd = this.bare('filedesc');
        p.p_pd = this.bare('pwddesc');
        p.p_reaper = p;
        p.p_treeflag |= P_TREE_REAPER;
        p.p_reapsubtree = 0;
        const sess = this.obj('session', { s_sid: 0, s_leader: p, s_ttyvp: 0n, s_ttyp: null, s_login: 'root', s_count: 1 });
        const pg = this.obj('pgrp', { pg_id: 0, pg_session: sess, pg_members: [p] });
        this.sessions.set(0, sess);
        this.pgrps.set(0, pg);
        p.p_pgrp = pg;
        m.proc0 = p;
        if (threads.length === 0)
            fail('proc0 needs at least thread0', 'proc 0', 'threads');
        for (const [i, t] of threads.entries())
            p.p_threads.push(this.thread(p, t, `proc 0 thread ${i}`));
        this.hashInsert(p);
    }
    newProcShell(pid, comm, cred) {
        const p = {
            addr: 0n, p_pid: pid, p_comm: comm, p_state: PRS_NORMAL, p_flag: 0, p_flag2: 0, p_treeflag: 0, p_ucred: cred,
            p_sigacts: null, p_vmspace: null, p_stats: undefined, p_ru: zeroRusage(), p_rux: zeroRux(),
            p_crux: zeroRux(), p_sysent: null, p_pptr: null, p_oppid: 0, p_children: [], p_orphans: [],
            p_reaper: undefined, p_reaplist: [], p_reapsubtree: 0, p_pgrp: null, p_threads: [], p_args: 0n,
            p_textvp: 0n, p_fd: 0n, p_pd: 0n, p_tracevp: 0n, p_traceflag: 0, p_nice: 0, p_fibnum: 0, p_xexit: 0,
            p_xsig: 0, p_acflag: 0, p_lock: 0, p_swtick: 0, p_siglist: emptySigset(),
        };
        p.addr = this.place('proc', p);
        return p;
    }
    hashInsert(p) {
        const m = this.model;
        m.pidhashtbl[p.p_pid & m.globals.pidhash].unshift(p);
        this.allprocRev.push(p);
        this.allprocView = null;
        m.procs.set(p.p_pid, p);
    }
    // ---- lookups ----
    proc(pid, where, field, opts = {}) {
        const p = this.model.procs.get(pid);
        if (!p)
            fail(`process ${pid} does not exist (at this point of the scenario)`, where, field);
        if (!opts.zombieOk && p.p_state === PRS_ZOMBIE)
            fail(`process ${pid} is a zombie`, where, field);
        return p;
    }
    /** True when an id is in use as a pid, pgid, sid or reaper subtree id (the four proc_id bitmaps). */
    idInUse(id) {
        if (this.model.procs.has(id))
            return 'a process id';
        if (this.pgrps.has(id))
            return 'a process group id';
        if (this.sessions.has(id))
            return 'a session id';
        if (this.reapIds.has(id))
            return 'a reaper subtree id';
        return null;
    }
    // ---- do_fork ----
    fork(f) {
        const m = this.model;
        const where = `proc ${f.pid}`;
        if (!Number.isInteger(f.pid) || f.pid <= 0 || f.pid > PID_MAX)
            fail(`pid ${f.pid} is outside 1 … ${PID_MAX}`, where, 'pid');
        const used = this.idInUse(f.pid);
        if (used)
            fail(`pid ${f.pid} is still in use as ${used}; the kernel would not allocate it`, where, 'pid');
        const p1 = this.proc(f.parent, where, 'parent');
        if (f.pid === 1 && p1 !== m.proc0)
            fail('pid 1 (init) must be forked by proc 0', where, 'parent');
        if (f.pid !== 1 && !m.initproc && p1 !== m.proc0)
            fail('only proc 0 can fork before init (pid 1) exists', where, 'parent');
        if (p1.p_flag & P_WEXIT)
            fail(`parent ${f.parent} is exiting`, where, 'parent');
        if (f.threads.length === 0)
            fail('a process needs at least one thread', where, 'threads');
        const uptime = this.uptimeUsec();
        const startUs = f.start.sec * 1000000n + f.start.usec;
        if (startUs > uptime)
            fail(`start ${fmtTv(f.start)} s is after the current uptime ${fmtTv(usecTv(uptime))} s (ticks/hz)`, where, 'start');
        const pstart = p1.p_stats.p_start;
        if (p1 !== m.proc0 && startUs < pstart.sec * 1000000n + pstart.usec)
            fail(`start ${fmtTv(f.start)} s is before its parent's start ${fmtTv(pstart)} s`, where, 'start');
        const cred = f.cred ? this.cred(f.cred, where) : p1.p_ucred;
        const p2 = this.newProcShell(f.pid, f.comm, cred);
        // p_flag: P_INMEM; P_CONTROLT is inherited when the session still has its terminal vnode.
        p2.p_flag = P_INMEM | f.flag;
        if ((p1.p_flag & P_CONTROLT) && p1.p_pgrp && p1.p_pgrp.pg_session.s_ttyvp !== 0n)
            p2.p_flag |= P_CONTROLT;
        p2.p_flag2 = f.flag2;
        p2.p_acflag = f.acflag;
        p2.p_lock = f.lock;
        p2.p_nice = f.nice ?? p1.p_nice;
        p2.p_fibnum = f.fibnum ?? p1.p_fibnum;
        p2.p_siglist = [...f.siglist];
        p2.p_sysent = f.emul !== undefined ? this.sysent(f.emul) : p1.p_sysent;
        p2.p_sigacts = this.obj('sigacts', {
            ps_sigignore: [...(f.sigignore ?? p1.p_sigacts?.ps_sigignore ?? emptySigset())],
            ps_sigcatch: [...(f.sigcatch ?? p1.p_sigacts?.ps_sigcatch ?? emptySigset())],
        });
        if (f.vm) {
            p2.p_vmspace = this.obj('vmspace', { vm_map_size: f.vm.size, pm_resident_count: f.vm.rss, vm_swrss: f.vm.swrss, vm_tsize: f.vm.tsize, vm_dsize: f.vm.dsize, vm_ssize: f.vm.ssize });
        }
        else {
            if (p1 !== m.proc0 || !(f.flag & P_KPROC))
                fail('only kernel processes (flags include P_KPROC, forked by proc 0) may share vmspace0; give "vm"', where, 'vm');
            p2.p_vmspace = m.vmspace0;
        }
        p2.p_stats = this.obj('pstats', { p_start: { ...f.start } });
        p2.p_swtick = f.swtick ?? Number((startUs * BigInt(m.globals.hz)) / 1000000n) >>> 0;
        p2.p_ru = f.ru;
        p2.p_rux = f.rux;
        p2.p_crux = f.crux;
        if (p2.p_vmspace !== m.vmspace0)
            p2.p_args = this.bare('pargs');
        p2.p_fd = this.bare('filedesc');
        p2.p_pd = this.bare('pwddesc');
        p2.p_textvp = f.exec !== undefined ? this.textvp(f.exec) : p1.p_textvp;
        if (f.ktrace) {
            p2.p_tracevp = this.tracevp(f.ktrace.file);
            p2.p_traceflag = f.ktrace.flags;
        }
        // Threads (thread_link: TAILQ_INSERT_TAIL).
        for (const [i, t] of f.threads.entries())
            p2.p_threads.push(this.thread(p2, t, `${where} thread ${i}`));
        // Process tree: parent, real parent, reaper, subtree (spec §5.2 "Fork").
        const reaper = f.rfnowait ? p1.p_reaper : (p1.p_treeflag & P_TREE_REAPER) ? p1 : p1.p_reaper;
        const pptr = f.rfnowait ? p1.p_reaper : p1;
        p2.p_pptr = pptr;
        p2.p_oppid = pptr.p_pid;
        pptr.p_children.unshift(p2);
        p2.p_reaper = reaper;
        reaper.p_reaplist.unshift(p2);
        if (reaper === p1 && p1 !== m.initproc) {
            p2.p_reapsubtree = p2.p_pid;
            this.reapIds.set(p2.p_pid, (this.reapIds.get(p2.p_pid) ?? 0) + 1);
        }
        else {
            p2.p_reapsubtree = p1.p_reapsubtree;
            this.reapIds.set(p2.p_reapsubtree, (this.reapIds.get(p2.p_reapsubtree) ?? 0) + 1);
        }
        // Process group: the child joins the parent's, right after the parent in pg_members.
        const pg = p1.p_pgrp;
        const at = pg.pg_members.indexOf(p1);
        pg.pg_members.splice(at + 1, 0, p2);
        p2.p_pgrp = pg;
        this.hashInsert(p2);
        if (f.pid === 1) {
            // create_init: init becomes a reaper.
            m.initproc = p2;
            p2.p_treeflag |= P_TREE_REAPER;
        }
        return p2;
    }
    uptimeUsec() {
        const g = this.model.globals;
        return (BigInt(g.ticks) * 1000000n) / BigInt(g.hz);
    }
    // ---- sessions, process groups, terminals ----
    setsid(pid, where) {
        const p = this.proc(pid, where, 'setsid');
        if (this.pgrps.has(pid))
            fail(`setsid: process ${pid} already leads process group ${pid} (EPERM)`, where, 'setsid');
        if (this.sessions.has(pid))
            fail(`setsid: a session ${pid} still exists (EPERM)`, where, 'setsid');
        const old = p.p_pgrp;
        const sess = this.obj('session', { s_sid: pid, s_leader: p, s_ttyvp: 0n, s_ttyp: null, s_login: old.pg_session.s_login, s_count: 1 });
        this.sessions.set(pid, sess);
        const pg = this.obj('pgrp', { pg_id: pid, pg_session: sess, pg_members: [] });
        this.pgrps.set(pid, pg);
        this.movePgrp(p, pg);
        p.p_flag &= ~P_CONTROLT;
    }
    setlogin(pid, login, where) {
        const p = this.proc(pid, where, 'setlogin');
        if (login.length > 32)
            fail(`login "${login}" is longer than MAXLOGNAME-1 (32)`, where, 'login');
        p.p_pgrp.pg_session.s_login = login;
    }
    setpgid(pid, pgid, where) {
        const p = this.proc(pid, where, 'setpgid');
        const sess = p.p_pgrp.pg_session;
        if (sess.s_leader === p)
            fail(`setpgid: process ${pid} is a session leader (EPERM)`, where, 'setpgid');
        let pg = this.pgrps.get(pgid);
        if (pg) {
            if (pg.pg_session !== sess)
                fail(`setpgid: process group ${pgid} is in session ${pg.pg_session.s_sid}, not ${sess.s_sid} (EPERM)`, where, 'pgid');
        }
        else {
            if (pgid !== pid)
                fail(`setpgid: process group ${pgid} does not exist and is not the process's own pid (EPERM)`, where, 'pgid');
            if (this.idInUse(pgid) && !this.model.procs.has(pgid))
                fail(`setpgid: id ${pgid} is in use`, where, 'pgid');
            pg = this.obj('pgrp', { pg_id: pgid, pg_session: sess, pg_members: [] });
            this.pgrps.set(pgid, pg);
            sess.s_count++;
        }
        if (pg === p.p_pgrp)
            return;
        this.movePgrp(p, pg);
    }
    /** leavepgrp + enterthispgrp: head insertion into the new group; an emptied group is deleted. */
    movePgrp(p, pg) {
        const old = p.p_pgrp;
        pg.pg_members.unshift(p);
        p.p_pgrp = pg;
        if (old)
            this.leavePgrp(p, old);
    }
    leavePgrp(p, old) {
        old.pg_members.splice(old.pg_members.indexOf(p), 1);
        if (old.pg_members.length > 0)
            return;
        // pgdelete
        this.pgrps.delete(old.pg_id);
        const sess = old.pg_session;
        if (sess.s_ttyp && sess.s_ttyp.t_pgrp === old)
            sess.s_ttyp.t_pgrp = null;
        sess.s_count--;
        if (sess.s_count === 0) {
            this.sessions.delete(sess.s_sid);
            if (sess.s_ttyp && sess.s_ttyp.t_session === sess) {
                sess.s_ttyp.t_session = null;
                sess.s_ttyp.t_pgrp = null;
            }
        }
    }
    /** TIOCSCTTY by a session leader. */
    ctty(pid, ttyName, where) {
        const p = this.proc(pid, where, 'ctty');
        const tp = this.model.ttys.get(ttyName);
        if (!tp)
            fail(`tty ${ttyName} is not defined`, where, 'tty');
        const sess = p.p_pgrp.pg_session;
        if (sess.s_leader !== p)
            fail(`TIOCSCTTY: process ${pid} is not a session leader (EPERM)`, where, 'ctty');
        if (sess.s_ttyvp !== 0n || sess.s_ttyp)
            fail(`TIOCSCTTY: session ${sess.s_sid} already has a controlling terminal`, where, 'ctty');
        if (tp.t_session)
            fail(`TIOCSCTTY: ${ttyName} is already the controlling terminal of session ${tp.t_session.s_sid}`, where, 'tty');
        sess.s_ttyp = tp;
        sess.s_ttyvp = this.bare('vnode');
        tp.t_session = sess;
        tp.t_pgrp = p.p_pgrp;
        p.p_flag |= P_CONTROLT;
    }
    tcsetpgrp(ttyName, pgid, where) {
        const tp = this.model.ttys.get(ttyName);
        if (!tp)
            fail(`tty ${ttyName} is not defined`, where, 'tcsetpgrp');
        const pg = this.pgrps.get(pgid);
        if (!pg)
            fail(`process group ${pgid} does not exist`, where, 'pgid');
        if (!tp.t_session || pg.pg_session !== tp.t_session)
            fail(`process group ${pgid} is not in the session of ${ttyName}`, where, 'pgid');
        tp.t_pgrp = pg;
    }
    setcred(pid, c, where) {
        const p = this.proc(pid, where, 'setcred');
        p.p_ucred = this.cred(c, where);
    }
    // ---- reapers (kern_procctl.c) ----
    reapAcquire(pid, where) {
        const p = this.proc(pid, where, 'reapAcquire');
        if (p.p_treeflag & P_TREE_REAPER)
            fail(`REAP_ACQUIRE: process ${pid} is already a reaper (EBUSY)`, where, 'reapAcquire');
        p.p_treeflag |= P_TREE_REAPER;
    }
    reapRelease(pid, where) {
        const p = this.proc(pid, where, 'reapRelease');
        if (p === this.model.initproc)
            fail('REAP_RELEASE: init cannot release (EINVAL)', where, 'reapRelease');
        if (!(p.p_treeflag & P_TREE_REAPER))
            fail(`REAP_RELEASE: process ${pid} is not a reaper (EINVAL)`, where, 'reapRelease');
        this.abandonChildren(p, false);
    }
    releaseReapId(id) {
        const n = (this.reapIds.get(id) ?? 0) - 1;
        if (n <= 0 && id !== 1)
            this.reapIds.delete(id);
        else
            this.reapIds.set(id, n);
    }
    /** reaper_abandon_children: each member, in list order, goes to the head of p's reaper's list. */
    abandonChildren(p, exiting) {
        if (!(p.p_treeflag & P_TREE_REAPER))
            return;
        const p1 = p.p_reaper;
        for (const p2 of [...p.p_reaplist]) {
            p.p_reaplist.splice(p.p_reaplist.indexOf(p2), 1);
            this.releaseReapId(p2.p_reapsubtree);
            p2.p_reaper = p1;
            p2.p_reapsubtree = p.p_reapsubtree;
            this.reapIds.set(p2.p_reapsubtree, (this.reapIds.get(p2.p_reapsubtree) ?? 0) + 1);
            p1.p_reaplist.unshift(p2);
            if (exiting && p2.p_pptr === p)
                this.reparent(p2, p1, true);
        }
        p.p_treeflag &= ~P_TREE_REAPER;
    }
    // ---- ptrace ----
    /** The process whose p_orphans holds p, when that process is still in the process table. */
    orphanList(p) {
        const q = this.orphanOwner.get(p);
        return q && this.model.procs.get(q.p_pid) === q && q.p_orphans.includes(p) ? q : undefined;
    }
    clearOrphan(p) {
        if (!(p.p_treeflag & P_TREE_ORPHANED))
            return;
        // An orphan is on one list at a time (reparent clears it before pushing it on another).
        const q = this.orphanList(p);
        if (q) {
            const i = q.p_orphans.indexOf(p);
            q.p_orphans.splice(i, 1);
            if (i === 0 && q.p_orphans.length > 0)
                q.p_orphans[0].p_treeflag |= P_TREE_FIRST_ORPHAN;
        }
        this.orphanOwner.delete(p);
        p.p_treeflag &= ~(P_TREE_ORPHANED | P_TREE_FIRST_ORPHAN);
    }
    /** proc_reparent. */
    reparent(child, parent, setOppid) {
        if (child.p_pptr === parent)
            return;
        const old = child.p_pptr;
        old.p_children.splice(old.p_children.indexOf(child), 1);
        parent.p_children.unshift(child);
        this.clearOrphan(child);
        if (child.p_flag & P_TRACED) {
            if (old.p_orphans.length === 0)
                child.p_treeflag |= P_TREE_FIRST_ORPHAN;
            old.p_orphans.push(child);
            this.orphanOwner.set(child, old);
            child.p_treeflag |= P_TREE_ORPHANED;
        }
        child.p_pptr = parent;
        if (setOppid)
            child.p_oppid = parent.p_pid;
    }
    ptraceAttach(pid, by, where) {
        const p = this.proc(pid, where, 'ptrace');
        const dbg = this.proc(by, where, 'by');
        if (p === dbg)
            fail('a process cannot trace itself', where, 'by');
        if (p.p_flag & P_TRACED)
            fail(`process ${pid} is already traced`, where, 'ptrace');
        if (p.p_flag & P_SYSTEM)
            fail(`process ${pid} is a system process (EINVAL)`, where, 'ptrace');
        p.p_flag |= P_TRACED;
        this.reparent(p, dbg, false);
    }
    // ---- exit1 / proc_reap ----
    exit(pid, xexit, xsig, where) {
        const m = this.model;
        const p = this.proc(pid, where, 'exit');
        if (p === m.proc0 || p === m.initproc)
            fail(`process ${pid} cannot exit in a running system`, where, 'exit');
        if (p.p_flag & P_SYSTEM)
            fail(`process ${pid} is a system process; kernel processes are not modelled exiting`, where, 'exit');
        // A process traced by p has p as its p_pptr, so it is on p's p_children (reparent keeps both in step).
        if (p.p_children.some((q) => q.p_state !== PRS_ZOMBIE && (q.p_flag & P_TRACED) && q.p_pptr === p && q.p_oppid !== p.p_pid && m.procs.get(q.p_pid) === q)) {
            fail(`process ${pid} is tracing processes; a debugger exiting is not modelled (detach first)`, where, 'exit');
        }
        // Record the final cpu split (calcru at exit folds the pending time and remembers uu/su/tu).
        const rux = procRux(p);
        const c = calcru1(rux, m.globals.cpu_tick_frequency);
        p.p_rux = { ...rux, rux_uu: c.uu, rux_su: c.su, rux_tu: c.tu };
        for (const td of p.p_threads) {
            td.td_rux.rux_runtime += td.td_incruntime;
            td.td_rux.rux_uticks += td.td_uticks;
            td.td_rux.rux_sticks += td.td_sticks;
            td.td_rux.rux_iticks += td.td_iticks;
            td.td_incruntime = td.td_uticks = td.td_sticks = td.td_iticks = 0n;
        }
        p.p_flag |= P_WEXIT;
        p.p_flag2 |= P2_WEXIT;
        // Only the last thread survives into the zombie; the others fold their td_ru into p_ru.
        const [last, ...gone] = p.p_threads;
        for (const td of gone) {
            for (const k of Object.keys(td.td_ru)) {
                if (k === 'ru_utime' || k === 'ru_stime')
                    continue;
                if (k === 'ru_maxrss')
                    p.p_ru[k] = p.p_ru[k] > td.td_ru[k] ? p.p_ru[k] : td.td_ru[k];
                else
                    p.p_ru[k] += td.td_ru[k];
            }
            m.threads.delete(td.td_tid);
        }
        p.p_threads = [last];
        Object.assign(last, { td_state: TDS_INACTIVE, td_inhibitors: 0, td_wmesg: null, td_wchan: 0n, td_oncpu: NOCPU, td_lockname: null });
        // Resources released by exit1 [I]: descriptors, text vnode, args, ktrace; the vmspace is switched to vmspace0.
        p.p_fd = 0n;
        p.p_pd = 0n;
        p.p_textvp = 0n;
        p.p_args = 0n;
        p.p_tracevp = 0n;
        p.p_traceflag = 0;
        p.p_vmspace = m.vmspace0;
        p.p_xexit = xexit;
        p.p_xsig = xsig;
        // killjobc: a session leader gives up the terminal.
        const sess = p.p_pgrp.pg_session;
        if (sess.s_leader === p) {
            const tp = sess.s_ttyp;
            sess.s_ttyvp = 0n;
            sess.s_leader = null;
            if (tp && tp.t_session === sess) {
                tp.t_session = null;
                tp.t_pgrp = null;
            }
        }
        p.p_treeflag |= P_TREE_GRPEXITED;
        // Unlink from allproc; stays in the pid hash.
        this.allprocRev.splice(this.allprocRev.lastIndexOf(p), 1);
        this.allprocView = null;
        // Children go to their own reaper (a no-op for those whose reaper is p).
        for (const q of [...p.p_children]) {
            if (!(q.p_flag & P_TRACED)) {
                this.reparent(q, q.p_reaper, true);
            }
            else {
                const t = this.realParent(q);
                this.reparent(q, t === p ? q.p_reaper : t, true);
                // exit1: proc_reparent put q on our orphan list (P_TRACED was still set); clear_orphan(q),
                // then the trace flags.
                this.clearOrphan(q);
                q.p_flag &= ~P_TRACED;
            }
        }
        // Our orphans: their real parent is gone.
        for (const q of [...p.p_orphans]) {
            q.p_oppid = q.p_reaper.p_pid;
            this.clearOrphan(q);
        }
        p.p_state = PRS_ZOMBIE;
    }
    /** proc_realparent. */
    realParent(child) {
        if (!(child.p_treeflag & P_TREE_ORPHANED))
            return child.p_pptr.p_pid === child.p_oppid ? child.p_pptr : child.p_reaper;
        return this.orphanList(child) ?? child.p_reaper;
    }
    wait(pid, by, where) {
        const m = this.model;
        const p = this.proc(pid, where, 'wait', { zombieOk: true });
        if (p.p_state !== PRS_ZOMBIE)
            fail(`wait: process ${pid} has not exited`, where, 'wait');
        const parent = p.p_pptr;
        if (by !== undefined && by !== parent.p_pid)
            fail(`wait: process ${pid}'s parent is ${parent.p_pid}, not ${by}`, where, 'by');
        if (p.p_oppid !== parent.p_pid)
            fail(`wait: process ${pid} is attached to debugger ${parent.p_pid}; giving it back to its real parent is not modelled`, where, 'wait');
        if (parent.p_state === PRS_ZOMBIE)
            fail(`wait: parent ${parent.p_pid} is itself a zombie`, where, 'wait');
        // ruadd into the parent's children times.
        for (const src of [p.p_rux, p.p_crux]) {
            const d = parent.p_crux;
            d.rux_runtime += src.rux_runtime;
            d.rux_uticks += src.rux_uticks;
            d.rux_sticks += src.rux_sticks;
            d.rux_iticks += src.rux_iticks;
            d.rux_uu += src.rux_uu;
            d.rux_su += src.rux_su;
            d.rux_tu += src.rux_tu;
        }
        // proc_reap: unhash, sibling unlink, abandon reap list, leave our reaper, leave the pgrp.
        const bucket = m.pidhashtbl[p.p_pid & m.globals.pidhash];
        bucket.splice(bucket.indexOf(p), 1);
        m.procs.delete(p.p_pid);
        for (const td of p.p_threads)
            m.threads.delete(td.td_tid);
        parent.p_children.splice(parent.p_children.indexOf(p), 1);
        this.abandonChildren(p, true);
        const r = p.p_reaper;
        r.p_reaplist.splice(r.p_reaplist.indexOf(p), 1);
        this.releaseReapId(p.p_reapsubtree);
        this.leavePgrp(p, p.p_pgrp);
        p.p_pgrp = null;
    }
    /** Final consistency checks (invariants the kernel keeps). */
    check() {
        this.resolvePending();
        const onReaplist = new Map();
        const reaplist = (r) => {
            let set = onReaplist.get(r);
            if (!set)
                onReaplist.set(r, (set = new Set(r.p_reaplist)));
            return set;
        };
        for (const p of this.model.procs.values()) {
            const where = procName(p);
            if (p.p_pid === 0)
                continue;
            if (!p.p_pptr)
                fail('process has no parent', where, 'parent');
            if (!reaplist(p.p_reaper).has(p))
                fail(`process is not on its reaper ${p.p_reaper.p_pid}'s list`, where, 'reaper');
            let q = p;
            for (let i = 0; i <= this.model.procs.size; i++) {
                if (q === this.model.proc0)
                    break;
                q = q.p_reaper;
                if (i === this.model.procs.size)
                    fail('the reaper chain does not reach proc 0 (cycle)', where, 'reaper');
            }
        }
    }
}
export function usecTv(us) {
    return { sec: us / 1000000n, usec: us % 1000000n };
}
function fmtTv(t) {
    return `${t.sec}.${t.usec.toString().padStart(6, '0')}`;
}
export { NO_PID };
