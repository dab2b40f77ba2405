import { describe, expect, it } from 'vitest';
import { decodeRecord, RecordView } from '../../src/codec/index.ts';
import {
  buildModel, EINVAL, ENOMEM, ESRCH, fillKinfoProc, hostRootViewer, jailViewer, KERN_PROC_ALL, KERN_PROC_GID,
  KERN_PROC_INC_THREAD, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_PROC, KERN_PROC_RGID, KERN_PROC_RUID,
  KERN_PROC_SESSION, KERN_PROC_TTY, KERN_PROC_UID, liveRules, parseMib, pidHashOrder, sysctlKernProc, loadScenarioFile,
  type KernelModel, type SysctlRequest,
} from '../../src/kernel/index.ts';
import { getLayout } from '../../src/layout/index.ts';
import { T } from './fixture.ts';

type R = Record<string, any>;
const m: KernelModel = buildModel(T, { arch: 'amd64' });
const p = (pid: number) => m.procs.get(pid)!;
function req(r: Partial<SysctlRequest> & { op: number }, model = m) {
  return sysctlKernProc(model, { revision: 'fbsd15-reaper', ...r });
}
function recs(r: Partial<SysctlRequest> & { op: number }, model = m): R[] {
  const x = req(r, model);
  expect(x.error).toBe(0);
  return x.records.map((i) => decodeRecord(x.layout, x.bytes, i.offset) as R);
}
const one = (pid: number, extra: Partial<SysctlRequest> = {}) => recs({ op: KERN_PROC_PID, arg: pid, ...extra })[0];
const sh = one(11);

describe('§2.4 field derivation, process record (kern.proc.pid.11, amd64, fbsd15-reaper)', () => {
  it('ki_structsize = sizeof(struct kinfo_proc) = 1088', () => expect(sh.ki_structsize).toBe(1088));
  it('ki_layout, ki_addr, ki_udata and spares are 0', () => {
    expect(sh.ki_layout).toBe(0);
    expect(sh.ki_addr).toBe(0n);
    expect(sh.ki_udata).toBe(0n);
    expect(sh.ki_spareptrs).toEqual([0n, 0n, 0n, 0n]);
    expect(sh.ki_sparelongs.every((x: bigint) => x === 0n)).toBe(true);
  });
  it('ki_args, ki_fd, ki_pd, ki_vmspace are the kernel addresses; ki_paddr = &proc', () => {
    expect(sh.ki_paddr).toBe(p(11).addr);
    expect(sh.ki_args).toBe(p(11).p_args);
    expect(sh.ki_fd).toBe(p(11).p_fd);
    expect(sh.ki_pd).toBe(p(11).p_pd);
    expect(sh.ki_vmspace).toBe(p(11).p_vmspace!.addr);
    expect(sh.ki_paddr > 0xfffff80000000000n).toBe(true);
  });
  it('ki_tracep/ki_traceflag = 0 without ktrace', () => {
    expect(sh.ki_tracep).toBe(0n);
    expect(sh.ki_traceflag).toBe(0);
  });
  it('ki_flag = p_flag (P_INMEM 0x10000000 | P_CONTROLT 0x2)', () => expect(sh.ki_flag).toBe(0x10000002n));
  it('ki_uid/ruid/svuid/rgid/svgid from the credential', () => {
    expect([sh.ki_uid, sh.ki_ruid, sh.ki_svuid, sh.ki_rgid, sh.ki_svgid]).toEqual([1001, 1002, 1003, 21, 22]);
  });
  it('ki_ngroups = 1 + cr_ngroups = 3; ki_groups = [cr_gid, cr_groups...]', () => {
    expect(sh.ki_ngroups).toBe(3);
    expect(sh.ki_groups).toEqual([20, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('ki_cr_flags: CAPABILITY_MODE (1) for CRED_FLAG_CAPMODE', () => expect(sh.ki_cr_flags).toBe(1));
  it('ki_loginclass = lc_name', () => expect(sh.ki_loginclass).toBe('staff'));
  it('ki_sigignore {13} = 0x1000; ki_sigcatch {1, 33} = [1, 1]', () => {
    expect(sh.ki_sigignore.__bits).toEqual([0x1000, 0, 0, 0]);
    expect(sh.ki_sigcatch.__bits).toEqual([1, 1, 0, 0]);
  });
  it('vm fields: size 1048576; rssize = 100 resident + 4 + 2 kstack pages = 106; swrss/tsize/dsize/ssize', () => {
    expect([sh.ki_size, sh.ki_rssize, sh.ki_swrss, sh.ki_tsize, sh.ki_dsize, sh.ki_ssize]).toEqual([1048576n, 106n, 3n, 10n, 20n, 30n]);
  });
  it('ki_sflag = PS_INMEM (newest: always)', () => expect(sh.ki_sflag).toBe(1n));
  it('ki_swtime = (100000 - 40000) / 1000 = 60', () => expect(sh.ki_swtime).toBe(60));
  it('ki_pid, ki_nice (-5), ki_fibnum (2)', () => expect([sh.ki_pid, sh.ki_nice, sh.ki_fibnum]).toEqual([11, -5, 2]));
  it('ki_start = 50.999999 + 1700000000.900000 with carry = 1700000051.899999', () => expect(sh.ki_start).toEqual({ tv_sec: 1700000051n, tv_usec: 899999n }));
  it('ki_rusage: p_ru + Σ td_ru (maxrss max 300, minflt 10+5+1, nvcsw 7); times by calcru on p_rux + pending', () => {
    // rux: runtime 3000000 + 300000 pending = 3300000 µs at 1 MHz; ut 2+1 = 3, st 1 → tt 4;
    // uu = 3300000·3/4 = 2475000, su = 3300000·1/4 = 825000.
    expect(sh.ki_rusage.ru_utime).toEqual({ tv_sec: 2n, tv_usec: 475000n });
    expect(sh.ki_rusage.ru_stime).toEqual({ tv_sec: 0n, tv_usec: 825000n });
    expect([sh.ki_rusage.ru_maxrss, sh.ki_rusage.ru_minflt, sh.ki_rusage.ru_nvcsw]).toEqual([300n, 16n, 7n]);
  });
  it('ki_runtime = cputick2usec(p_rux.rux_runtime) = 3300000', () => expect(sh.ki_runtime).toBe(3300000n));
  it('ki_rusage_ch: calccru on p_crux (1500000 µs, ut 1, st 2 → 0.5 s / 1 s); other counters 0', () => {
    expect(sh.ki_rusage_ch.ru_utime).toEqual({ tv_sec: 0n, tv_usec: 500000n });
    expect(sh.ki_rusage_ch.ru_stime).toEqual({ tv_sec: 1n, tv_usec: 0n });
    expect(sh.ki_rusage_ch.ru_maxrss).toBe(0n);
  });
  it('ki_childtime = childstime + childutime = 1.5 s', () => expect(sh.ki_childtime).toEqual({ tv_sec: 1n, tv_usec: 500000n }));
  it('ki_cow = Σ td_cow = 5 + 7', () => expect(sh.ki_cow).toBe(12));
  it('ki_comm, ki_emul (inherited sysentvec)', () => expect([sh.ki_comm, sh.ki_emul]).toEqual(['sh', 'FreeBSD ELF64']));
  it('ki_siglist = p_siglist in the process record ({2} = 2)', () => expect(sh.ki_siglist.__bits).toEqual([2, 0, 0, 0]));
  it('ki_xstat, ki_acflag, ki_lock (0x1ff truncated to a signed char = -1)', () => expect([sh.ki_xstat, sh.ki_acflag, sh.ki_lock]).toEqual([0, 1, -1]));
  it('ki_ppid = p_oppid; ki_tracer 0 when not traced', () => expect([sh.ki_ppid, sh.ki_tracer]).toEqual([10, 0]));
  it('ki_reaper = p_reaper->p_pid (init), ki_reapsubtree = 1', () => expect([sh.ki_reaper, sh.ki_reapsubtree]).toEqual([1, 1]));
  it('ki_pgid, ki_sid, ki_login', () => expect([sh.ki_pgid, sh.ki_sid, sh.ki_login]).toEqual([11, 10, 'alice']));
  it('ki_jobc: pgrp 11 = {11 (parent 10: other pgrp, same session), 13 (parent in pgrp 11), 12 (exited)} = 1', () => expect(sh.ki_jobc).toBe(1));
  it('ki_kiflag: KI_CTTY (s_ttyvp set), not leader, no LOCKBLOCK = 1', () => expect(sh.ki_kiflag).toBe(1n));
  it('ki_tdev = tty_udev = 139, ki_tdev_freebsd11 = 139, ki_tpgid = 11, ki_tsid = 10', () => {
    expect([sh.ki_tdev, sh.ki_tdev_freebsd11, sh.ki_tpgid, sh.ki_tsid]).toEqual([139n, 139, 11, 10]);
  });
  it('ki_tdaddr, ki_pcb, ki_kstack, ki_wchan from the first thread', () => {
    const td = p(11).p_threads[0];
    expect([sh.ki_tdaddr, sh.ki_pcb, sh.ki_kstack, sh.ki_wchan]).toEqual([td.addr, td.td_pcb, td.td_kstack, p(11).addr]);
  });
  it('ki_wmesg, ki_tdname (16 chars) and ki_moretdname (the 17th char)', () => {
    expect([sh.ki_wmesg, sh.ki_tdname, sh.ki_moretdname]).toEqual(['pause', 'abcdefghijklmnop', 'q']);
  });
  it('ki_lockname zeroed without TDI_LOCK', () => expect(sh.ki_lockname).toBe(''));
  it('ki_stat SSLEEP (3) for a sleeping first thread', () => expect(sh.ki_stat).toBe(3));
  it('ki_pri = {class 3, level 152, native 120, user 130}', () => expect(sh.ki_pri).toEqual({ pri_class: 3, pri_level: 152, pri_native: 120, pri_user: 130 }));
  it('ki_lastcpu 300 → ki_lastcpu_old 254; ki_oncpu NOCPU → ki_oncpu_old 255', () => {
    expect([sh.ki_lastcpu, sh.ki_lastcpu_old, sh.ki_oncpu, sh.ki_oncpu_old]).toEqual([300, 254, -1, 255]);
  });
  // td_flags 0x10 from the fixture, plus TDF_SINTR 0x8: the thread sleeps interruptibly (the default in a user process).
  it('ki_tdflags, ki_tid, ki_numthreads', () => expect([sh.ki_tdflags, sh.ki_tid, sh.ki_numthreads]).toEqual([0x18n, 100100, 2]));
  it('ki_slptime = (100000 - 99000) / 1000 = 1', () => expect(sh.ki_slptime).toBe(1));
  it('ki_rqindex 0; ki_sigmask = td_sigmask ({3} = 4)', () => {
    expect(sh.ki_rqindex).toBe(0);
    expect(sh.ki_sigmask.__bits).toEqual([4, 0, 0, 0]);
  });
  it('ki_pctcpu / ki_estcpu: aggregate sums 100+50, 2+3', () => expect([sh.ki_pctcpu, sh.ki_estcpu]).toEqual([150, 5]));
  it('ki_uerrmsg = td_exterr_ptr when td_pflags has 0x20 (TDP_ALTSTACK, the quirk)', () => expect(sh.ki_uerrmsg).toBe(0x1000n));
  it('ki_jid 0 for a process of the host', () => expect(sh.ki_jid).toBe(0));
});

describe('§2.3 per-thread records share one buffer (kern.proc.pid_td.11)', () => {
  const x = req({ op: KERN_PROC_PID | KERN_PROC_INC_THREAD, arg: 11 });
  const [a, b] = x.records.map((i) => decodeRecord(x.layout, x.bytes, i.offset) as R);
  const raw1 = new RecordView(x.layout, x.bytes, x.records[1].offset);
  it('one record per thread, in p_threads order', () => expect(x.records.map((r) => r.tid)).toEqual([100100, 100101]));
  it('thread record: ki_rusage = td_ru with calcru on td_rux + pending (1300000 µs, all user)', () => {
    expect(a.ki_rusage.ru_utime).toEqual({ tv_sec: 1n, tv_usec: 300000n });
    expect(a.ki_rusage.ru_stime).toEqual({ tv_sec: 0n, tv_usec: 0n });
    expect([a.ki_rusage.ru_maxrss, a.ki_rusage.ru_minflt]).toEqual([300n, 5n]);
    expect(a.ki_runtime).toBe(1300000n);
  });
  it('thread record: ki_pctcpu/ki_estcpu/ki_cow of the thread; ki_siglist = td_siglist only ({4} = 8)', () => {
    expect([a.ki_pctcpu, a.ki_estcpu, a.ki_cow]).toEqual([100, 2, 5]);
    expect(a.ki_siglist.__bits).toEqual([8, 0, 0, 0]);
    expect([b.ki_pctcpu, b.ki_estcpu, b.ki_cow]).toEqual([50, 3, 7]);
    expect(b.ki_siglist.__bits).toEqual([0, 0, 0, 0]);
  });
  it('TDI_LOCK: KI_LOCKBLOCK set (1|4), ki_lockname, ki_stat SLOCK (7)', () => {
    expect([b.ki_kiflag, b.ki_lockname, b.ki_stat]).toEqual([5n, 'umtx', 7]);
  });
  it('no pending and no ticks: tt = 0 → st = tt = 1, all 0', () => {
    expect([b.ki_runtime, b.ki_rusage.ru_utime.tv_usec, b.ki_rusage.ru_stime.tv_usec]).toEqual([0n, 0n, 0n]);
  });
  it('strlcpy leaves stale bytes: ki_tdname "sh\\0" + "defghijklmnop\\0", ki_wmesg "io\\0se\\0\\0\\0\\0"', () => {
    expect(Buffer.from(raw1.getBytes('ki_tdname')).toString('latin1')).toBe('sh\0defghijklmnop\0');
    expect(Buffer.from(raw1.getBytes('ki_wmesg')).toString('latin1')).toBe('io\0se\0\0\0\0');
  });
  it('ki_moretdname zeroed for a short name', () => expect([...raw1.getBytes('ki_moretdname')]).toEqual([0, 0, 0, 0]));
  it('ki_uerrmsg quirk: thread 2 (td_pflags 0) keeps thread 1\'s value', () => expect(b.ki_uerrmsg).toBe(0x1000n));
  it('ki_slptime signed: (100000 - 100500) / 1000 = 0 (truncation toward zero)', () => expect(b.ki_slptime).toBe(0));
  it('process-wide fields are not refilled (ki_rusage_ch, ki_start stay)', () => expect(b.ki_childtime).toEqual(sh.ki_childtime));
  it('ALL is per thread; the record count is Σ p_numthreads', () => {
    const all = req({ op: KERN_PROC_ALL });
    expect(all.records.length).toBe([...m.procs.values()].reduce((n, q) => n + q.p_threads.length, 0));
  });
});

describe('§2.4 ki_stat decision list', () => {
  it('SRUN for a running thread, SZOMB for a zombie, SSTOP when P_STOPPED_* and not runnable, SWAIT fallback', () => {
    expect(one(12).ki_stat).toBe(5);
    const mm = buildModel({ ...T, steps: [...T.steps, { fork: { pid: 30, parent: 1, comm: 'stopped', start: 70, flags: 0x20000, vm: { size: 4096 }, threads: [{ tid: 100030, state: 'sleeping' }, { tid: 100031, state: 'running' }, { tid: 100032, state: 'iwait' }] } }, { fork: { pid: 31, parent: 1, comm: 'w', start: 70, vm: { size: 4096 }, threads: [{ tid: 100033, state: 'iwait' }] } }] }, { arch: 'amd64' });
    const st = recs({ op: KERN_PROC_PID | KERN_PROC_INC_THREAD, arg: 30 }, mm).map((r) => r.ki_stat);
    expect(st).toEqual([4, 2, 4]);
    expect(recs({ op: KERN_PROC_PID, arg: 31 }, mm)[0].ki_stat).toBe(6);
  });
});

describe('zombies', () => {
  const z = one(12);
  it('SZOMB, vm fields 0, ki_vmspace = vmspace0, resources released', () => {
    expect([z.ki_stat, z.ki_size, z.ki_rssize]).toEqual([5, 0n, 0n]);
    expect(z.ki_vmspace).toBe(m.vmspace0.addr);
    expect([z.ki_fd, z.ki_args, z.ki_textvp]).toEqual([0n, 0n, 0n]);
  });
  it('ki_xstat = status << 8 | signal = 0x300; P_WEXIT in ki_flag, P2_WEXIT in ki_flag2', () => {
    expect(z.ki_xstat).toBe(0x300);
    expect(z.ki_flag & 0x2000n).toBe(0x2000n);
    expect(z.ki_flag2 & 0x40000).toBe(0x40000);
  });
});

describe('jails, visibility and viewer-relative ki_jid', () => {
  it('host viewer: P_JAILED ORed in, ki_jid = pr_id of the process\'s prison', () => {
    const j = one(13);
    expect(j.ki_flag & 0x01000000n).toBe(0x01000000n);
    expect(j.ki_jid).toBe(2);
  });
  it('viewer in jail 1 sees the child jail 2 (ki_jid 2) and nothing of the host', () => {
    const v = jailViewer(m, m.prisons.get(1)!);
    expect(recs({ op: KERN_PROC_PROC, viewer: v }).map((r) => r.ki_pid)).toEqual([13]);
    expect(one(13, { viewer: v }).ki_jid).toBe(2);
  });
  it('viewer in jail 2: ki_jid 0 for its own prison; host processes give ESRCH for PID', () => {
    const v = jailViewer(m, m.prisons.get(2)!);
    expect(one(13, { viewer: v }).ki_jid).toBe(0);
    expect(req({ op: KERN_PROC_PID, arg: 11, viewer: v }).error).toBe(ESRCH);
  });
  it('see_other_uids = 0 hides other ruids from an unprivileged viewer', () => {
    const v = { ...hostRootViewer(m), cred: { ...hostRootViewer(m).cred, cr_uid: 1002, cr_ruid: 1002 }, privileged: false, seeOtherUids: false };
    expect(recs({ op: KERN_PROC_PROC, viewer: v }).map((r) => r.ki_pid)).toEqual([11, 12]);
  });
});

describe('ptrace, reapers', () => {
  it('traced by a non-parent: ki_tracer = debugger, ki_ppid = real parent, P_TRACED', () => {
    const t = one(14);
    expect([t.ki_tracer, t.ki_ppid, t.ki_flag & 0x800n]).toEqual([11, 1, 0x800n]);
  });
  it('child of a reaper: ki_reaper 15, ki_reapsubtree = own pid 16', () => expect([one(16).ki_reaper, one(16).ki_reapsubtree]).toEqual([15, 16]));
  it('proc0: reaper of itself, ki_ppid 0 (no p_pptr)', () => expect([one(0).ki_reaper, one(0).ki_ppid]).toEqual([0, 0]));
  it('ki_reaper/ki_reapsubtree only in fbsd15-reaper; bytes 552–559 zero otherwise', () => {
    for (const revision of ['fbsd14', 'fbsd15']) {
      const x = req({ op: KERN_PROC_PID, arg: 16, revision });
      expect([...x.bytes.subarray(552, 560)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });
  it('ki_uerrmsg only where the revision has it; fbsd14 ki_sflag from P_INMEM', () => {
    const x = req({ op: KERN_PROC_PID, arg: 11, revision: 'fbsd14' });
    const d = decodeRecord(x.layout, x.bytes, 0) as R;
    expect('ki_uerrmsg' in d).toBe(false);
    expect(d.ki_sflag).toBe(1n);
  });
});

describe('terminals', () => {
  it('session leader: KI_CTTY | KI_SLEADER', () => expect(one(10).ki_kiflag).toBe(3n));
  it('no controlling tty: ki_tdev NODEV, ki_tdev_freebsd11 0xffffffff', () => expect([one(1).ki_tdev, one(1).ki_tdev_freebsd11]).toEqual([0xffffffffffffffffn, 0xffffffff]));
  it('a tty without a cdev: tty_udev = NODEV', () => expect(one(17).ki_tdev).toBe(0xffffffffffffffffn));
  it('no foreground group: ki_tpgid = NO_PID (100000)', () => {
    const mm = buildModel({ ...T, steps: [...T.steps, { exit: 10 }] }, { arch: 'amd64' });
    const r = recs({ op: KERN_PROC_PID, arg: 11 }, mm)[0];
    expect([r.ki_tpgid, r.ki_tsid, r.ki_kiflag]).toEqual([100000, 0, 0n]);
  });
});

describe('§2.1 selectors', () => {
  const pids = (r: Partial<SysctlRequest> & { op: number }) => recs(r).map((x) => x.ki_pid);
  it('UID / RUID / GID / RGID (zombie included)', () => {
    expect(pids({ op: KERN_PROC_UID, arg: 1001 })).toEqual([11, 12]);
    expect(pids({ op: KERN_PROC_RUID, arg: 1002 })).toEqual([11, 12]);
    expect(pids({ op: KERN_PROC_GID, arg: 20 })).toEqual([11, 12]);
    expect(pids({ op: KERN_PROC_RGID, arg: 21 })).toEqual([11, 12]);
    expect(pids({ op: KERN_PROC_RGID, arg: 20 })).toEqual([]);
  });
  it('PGRP and SESSION', () => {
    expect(pids({ op: KERN_PROC_PGRP, arg: 11 })).toEqual([11, 12, 13]);
    expect(pids({ op: KERN_PROC_SESSION, arg: 10 })).toEqual([10, 11, 12, 13]);
  });
  it('TTY: udev match with P_CONTROLT; -1 is sign-extended to NODEV (tty without cdev)', () => {
    expect(pids({ op: KERN_PROC_TTY, arg: 139 })).toEqual([10, 11, 12, 13]);
    expect(pids({ op: KERN_PROC_TTY, arg: -1 })).toEqual([17]);
  });
  it('PID with a thread id returns the owning process', () => expect(one(100101).ki_pid).toBe(11));
  it('PID errors: unknown → ESRCH; wrong name length → EINVAL', () => {
    expect(req({ op: KERN_PROC_PID, arg: 99999 }).error).toBe(ESRCH);
    expect(req({ op: KERN_PROC_PID, name: [] }).error).toBe(EINVAL);
    expect(req({ op: KERN_PROC_PID, name: [1, 2] }).error).toBe(EINVAL);
    expect(req({ op: KERN_PROC_ALL, name: [1] }).error).toBe(EINVAL);
    expect(req({ op: KERN_PROC_PROC, name: [1] }).error).toBe(0);
    expect(req({ op: KERN_PROC_PROC, name: [1, 2] }).error).toBe(EINVAL);
    expect(req({ op: KERN_PROC_UID, name: [] }).error).toBe(EINVAL);
  });
  it('PROC / non-ALL nodes are one record per process; _td nodes per thread', () => {
    expect(req({ op: KERN_PROC_PGRP, arg: 11 }).records.length).toBe(3);
    expect(req({ op: KERN_PROC_PGRP, arg: 11, threads: true }).records.length).toBe(4);
  });
  it('MIB names parse to node and arguments', () => {
    expect(parseMib('kern.proc.pid.42')).toEqual({ op: 1, name: [42] });
    expect(parseMib('kern.proc.pgrp_td.5')).toEqual({ op: 0x12, name: [5] });
    expect(parseMib('kern.proc.tty.-1')).toEqual({ op: 4, name: [-1] });
    expect(parseMib('kern.proc.all')).toEqual({ op: 0, name: [] });
    expect(() => parseMib('kern.proc.all_td')).toThrow(/no kern.proc.all_td/);
  });
});

describe('§2.2 iteration order and §2.1 size probe', () => {
  it('pid hash, maxproc 256: 64 buckets, one stripe; pid 65 (bucket 1, newer) before pid 1', () => {
    expect(pidHashOrder(m).map((q) => q.p_pid)).toEqual([0, 65, 1, 10, 11, 12, 13, 14, 15, 16, 17]);
  });
  it('maxproc 12000: 2048 buckets in 32 stripes (login-session sample)', () => {
    const ls = loadScenarioFile(new URL('../../dumps/scenarios/login-session.json', import.meta.url).pathname, 'amd64');
    expect(ls.globals.pidhash).toBe(2047);
    expect(ls.globals.pidhashlock).toBe(31);
    // stripe = pid mod 32: 0,1,2 (2 then 1602),3,8 (1640),9,10,12 (812),20 (1044),26 (1530),27 (1531)
    expect(pidHashOrder(ls).map((q) => q.p_pid)).toEqual([0, 1, 2, 1602, 3, 1640, 1641, 1642, 812, 1044, 1530, 1531]);
  });
  it('size probe: 5 × 1088 + the exact size (also for MASK32); PID: exact', () => {
    const n = m.procs.size;
    expect(req({ op: KERN_PROC_PROC, oldlen: null }).length).toBe(5 * 1088 + n * 1088);
    expect(req({ op: KERN_PROC_PROC, oldlen: null, compat32: true }).length).toBe(5 * 1088 + n * 768);
    expect(req({ op: KERN_PROC_PID, arg: 11, oldlen: null }).length).toBe(1088);
  });
  it('short buffer: ENOMEM with the buffer filled (partial record included)', () => {
    const x = req({ op: KERN_PROC_PROC, oldlen: 1188 });
    expect([x.error, x.length, x.bytes.length]).toEqual([ENOMEM, 1188, 1188]);
    expect(x.bytes).toEqual(req({ op: KERN_PROC_PROC }).bytes.subarray(0, 1188));
  });
});

describe('purity and the shared fill code', () => {
  it('repeated requests give identical bytes (the model is not modified)', () => {
    expect(req({ op: KERN_PROC_ALL }).bytes).toEqual(req({ op: KERN_PROC_ALL }).bytes);
  });
  it('fillKinfoProc into a dirty buffer equals the sysctl record (it zeroes first)', () => {
    const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
    const v = new RecordView(layout, new Uint8Array(layout.size).fill(0xa5));
    fillKinfoProc({ model: m, rules: liveRules('fbsd15-reaper'), viewer: hostRootViewer(m) }, p(11), v);
    expect(v.record()).toEqual(req({ op: KERN_PROC_PID, arg: 11 }).bytes);
  });
  it('every arch × revision: the same values (structsize, pointers and C types aside)', () => {
    for (const arch of ['i386', 'arm64', 'armv7', 'powerpc', 'powerpc64', 'powerpc64le', 'riscv64']) {
      const mm = buildModel(T, { arch });
      for (const revision of ['fbsd14', 'fbsd15', 'fbsd15-reaper']) {
        const d = recs({ op: KERN_PROC_PID, arg: 11, revision }, mm)[0];
        expect(d.ki_structsize).toBe(getLayout('kinfo_proc', arch, revision).size);
        expect([d.ki_pid, d.ki_ppid, d.ki_uid, d.ki_comm, d.ki_tdname, d.ki_moretdname, d.ki_jobc, d.ki_tpgid]).toEqual([11, 10, 1001, 'sh', 'abcdefghijklmnop', 'q', 1, 11]);
        expect(Number(d.ki_runtime)).toBe(3300000);
        expect(Number(d.ki_start.tv_sec)).toBe(1700000051);
        // char is unsigned on arm/powerpc/riscv: 0x1ff → 255
        expect(d.ki_lock).toBe(['i386'].includes(arch) ? -1 : 255);
      }
    }
  });
});
