import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROCSTAT_HEADER, PROCSTAT_THREADS_HEADER, procstatLine, procstatThreadLine, runPs, type PsOptions } from '../../src/analysis/ps/index.ts';
import { formatOrder } from '../../src/cli/commands/ps.ts';
import { buildModel } from '../../src/kernel/index.ts';
import { kvmFromModel } from '../../src/kvm/index.ts';
import { REPO } from '../corpus.ts';

/**
 * kvmkit ps against FreeBSD's bin/ps rules (ps.c, keyword.c, print.c, fmt.c), applied by hand to
 * dumps/scenarios/ps-states.json. Every expected value below is derived in its comment from the
 * scenario and the rule; none is copied from kvmkit's output.
 *
 * Facts the derivations use: hz 1000 and ticks 100000 (uptime 100 s); boottime 1767225600 =
 * Thu 2026-01-01 00:00:00 UTC; `now` is pinned to boottime + 100 = 1767225700; a thread's default
 * kernel stack is 4 pages, which fill_kinfo_proc adds to ki_rssize; the page is 4096 bytes;
 * PZERO = PRI_MIN_KERN (80) + 20 = 100; a sleeping thread's default priority is 152, its user
 * priority 120; the scenario's default slptick is its start × hz.
 */
const SCEN = path.join(REPO, 'dumps/scenarios/ps-states.json');
const model = buildModel(JSON.parse(fs.readFileSync(SCEN, 'utf8')), { arch: 'amd64' });
const NOW = 1767225700;

function ps(args: string[], o: PsOptions = {}) {
  const kd = kvmFromModel(model, 'fbsd15');
  try {
    return runPs(kd, { format: formatOrder(args), now: NOW, utc: true, ...o });
  } finally {
    kd.close();
  }
}
const col = (args: string[], o: PsOptions = {}) => ps(args, o).lines.slice(1).map((l) => l.trim());
const pids = (o: PsOptions) => ps(['-o', 'pid'], o).rows.map((r) => r.row.d.ki_pid as number);

describe('STAT: print.c state() for every state and flag', () => {
  it('each process of ps-states shows the letters its record calls for', () => {
    const got = Object.fromEntries(col(['-o', 'pid,state']).map((l) => l.split(/\s+/)));
    expect(got).toEqual({
      0: 'DLs', // proc0: sleeping without TDF_SINTR (proc0 sleeps are not interruptible) → D; P_SYSTEM → L; leader of session 0 → s
      1: 'ILs', // init: TDF_SINTR, asleep 100 − 0.4 s ≥ MAXSLP 20 → I; P_SYSTEM (create_init) → L; setsid → s
      2: 'DL', // kernel process: uninterruptible sleep → D; P_SYSTEM → L; in proc0's session, not its leader
      10: 'WL', // ithread in IWAIT: SWAIT → W; P_SYSTEM → L
      11: 'RNL', // running → R; class PRI_IDLE → N; P_SYSTEM → L
      20: 'Ls', // thread blocked on a lock: SLOCK → L; setsid → s
      30: 'Is', // asleep since 20 s (80 s) → I; session leader
      31: 'S+', // slptick 98000 → 2 s < 20 → S; P_CONTROLT and pgid 31 = tpgid 31 → +
      32: 'T', // P_STOPPED_SIG (0x20000) → SSTOP → T
      33: 'Z', // exited, not reaped
      34: 'D', // "interruptible": false → no TDF_SINTR → D
      35: 'SN', // slptime 5 → S; nice 10 > NZERO → N
      36: 'S<', // slptime 1 → S; class PRI_REALTIME → <
      37: 'R', // running
      38: 'IV', // P_PPWAIT (0x10) → V
      39: 'DE', // P_WEXIT (0x2000), not yet a zombie → E; uninterruptible → D
      40: 'IC', // capability mode credential → C
      41: 'IsJ', // own session → s; jail 1 → P_JAILED → J
      42: 'IX', // ptrace by 43 → P_TRACED → X
      43: 'I',
      44: 'IW', // swapped out: P_INMEM clear → W
      45: 'IL', // p_lock 1 > 0 → L
    });
  });
});

describe('formats and widths (ps.c dfmt/jfmt/lfmt/ufmt/vfmt, print.c printheader)', () => {
  it('the default format: pid,tt,state,time,command; widths from the widest value or header', () => {
    const lines = ps([]).lines;
    // PID: pids ≤ 45 → width 3; TT: header "TT " (3), values "- " or "v0 " right-justified;
    // STAT left-justified to 4; TIME 0:00.00 (7) right-justified under "TIME"; COMMAND last, unpadded.
    expect(lines[0]).toBe('PID TT  STAT    TIME COMMAND');
    // pscomp(): no terminal first (pid 0, 1, 2, 10, 11, 20, 41), then ttyv0 by pid.
    expect(lines[1]).toBe('  0  -  DLs  0:00.00 [kernel]');
    expect(lines.map((l) => l.trim().split(/\s+/)[0]).slice(1)).toEqual(['0', '1', '2', '10', '11', '20', '41', '30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '42', '43', '44', '45']);
    // A dead kernel's argv cannot be read: fmt_argv gives "[comm]"; a zombie is "<defunct>".
    expect(lines.find((l) => l.trim().startsWith('31 '))).toBe(' 31 v0  S+   0:00.00 [sh]');
    expect(lines.find((l) => l.trim().startsWith('33 '))).toBe(' 33 v0  Z    0:00.00 <defunct>');
  });

  it('-j, -l, -u, -v for pid 31', () => {
    // -j: user (numeric: no password database), pid, ppid 30, pgid 31, sid 30, jobc 1 (sh's parent is in
    // another group of the same session), state, tt, time, command.
    expect(ps(['-j'], { select: { pid: ['31'] } }).lines).toEqual(['USER PID PPID PGID SID JOBC STAT TT     TIME COMMAND', '1001  31   30   31  30    1 S+   v0  0:00.00 [sh]']);
    // -l: uid, pid, ppid, C (not running → ki_lastcpu 0), PRI 152 − 100 = 52, NI 0, VSZ 13631488/1024 = 13312,
    // RSS (400 + 4) × 4096/1024 = 1616, MWCHAN ttyin, …
    expect(ps(['-l'], { select: { pid: ['31'] } }).lines).toEqual([' UID PID PPID C PRI NI   VSZ  RSS MWCHAN STAT TT     TIME COMMAND', '1001  31   30 0  52  0 13312 1616 ttyin  S+   v0  0:00.00 [sh]']);
    // -u: %CPU/%MEM "-" (kvmkit reads no fscale/ccpu/mempages), STARTED "%H:%M  " (started 79 s ago, 00:00 UTC).
    expect(ps(['-u'], { select: { pid: ['31'] } }).lines).toEqual(['USER PID %CPU %MEM   VSZ  RSS TT  STAT STARTED    TIME COMMAND', '1001  31    -    - 13312 1616 v0  S+   00:00   0:00.00 [sh]']);
    // -v: SL 2, RE (ticks − swtick 21000)/hz = 79, PAGEIN 0, LIM "-", TSIZ 40 pages = 160 KiB.
    expect(ps(['-v'], { select: { pid: ['31'] } }).lines).toEqual(['PID STAT    TIME SL RE PAGEIN   VSZ  RSS LIM TSIZ %CPU %MEM COMMAND', ' 31 S+   0:00.00  2 79      0 13312 1616   -  160    -    - [sh]']);
  });

  it('-O, kw=HEADER, an empty header, and -l -j (a built-in format skips keywords already listed)', () => {
    expect(ps(['-O', 'wchan'], { select: { pid: ['31'] } }).lines).toEqual(['PID WCHAN TT  STAT    TIME COMMAND', ' 31 ttyin v0  S+   0:00.00 [sh]']);
    expect(ps(['-o', 'pid,command=NAME OF IT'], { select: { pid: ['31'] } }).lines).toEqual(['PID NAME OF IT', ' 31 [sh]']);
    // An empty header: no header line, and the width is the value's alone (sizevars() takes strlen("") = 0).
    expect(ps(['-o', 'pid='], { select: { pid: ['31'] } }).lines).toEqual(['31']);
    expect(ps(['-l', '-j'], { select: { pid: ['31'] } }).cols.map((c) => c.kw.name)).toEqual(['uid', 'pid', 'ppid', 'cpu', 'pri', 'nice', 'vsz', 'rss', 'mwchan', 'state', 'tt', 'time', 'command', 'user', 'pgid', 'sid', 'jobc']);
    // A command that is not the last column is cut at 16 characters (print.c COMMAND_WIDTH).
    expect(ps(['-o', 'command,pid'], { select: { pid: ['31'] } }).lines[1]).toBe('[sh]     31');
  });
});

describe('keywords (keyword.c names and headers; print.c values)', () => {
  const one = (kw: string, pid: number, o: PsOptions = {}) => {
    const r = ps(['-o', kw], { select: { pid: [String(pid)] }, ...o });
    return { header: r.lines[0], value: r.lines[1].trim() };
  };
  const cases: [string, number, string, string][] = [
    ['pid', 31, 'PID', '31'], ['ppid', 31, 'PPID', '30'], ['pgid', 31, 'PGID', '31'], ['sid', 31, 'SID', '30'], ['jobc', 31, 'JOBC', '1'],
    ['tt', 31, 'TT ', 'v0'], ['tty', 31, 'TTY', 'ttyv0'], ['tdev', 31, 'TDEV', '0x70'], ['tt', 1, 'TT ', '-'], ['tdev', 1, 'TDEV', '-'],
    ['state', 31, 'STAT', 'S+'], ['stat', 31, 'STAT', 'S+'],
    ['uid', 41, 'UID', '80'], ['ruid', 41, 'RUID', '80'], ['svuid', 41, 'SVUID', '80'], ['gid', 41, 'GID', '80'], ['rgid', 41, 'RGID', '80'], ['svgid', 41, 'SVGID', '80'],
    ['user', 41, 'USER', '80'], ['comm', 31, 'COMMAND', 'sh'], ['ucomm', 31, 'UCOMM', 'sh'], ['command', 31, 'COMMAND', '[sh]'], ['args', 31, 'COMMAND', '[sh]'],
    ['command', 33, 'COMMAND', '<defunct>'],
    ['time', 31, 'TIME', '0:00.00'], ['cputime', 31, 'TIME', '0:00.00'],
    // etime: now − start (1767225621) = 79 s → "01:19"; a swapped-out process (no P_INMEM) has no u-area: "-".
    ['etime', 31, 'ELAPSED', '01:19'], ['etimes', 31, 'ELAPSED', '79'], ['etime', 44, 'ELAPSED', '-'],
    ['start', 31, 'STARTED', '00:00'], ['lstart', 31, 'STARTED', 'Thu Jan  1 00:00:21 2026'],
    ['nice', 35, 'NI', '10'], ['ni', 35, 'NI', '10'], ['pri', 31, 'PRI', '52'], ['upr', 31, 'UPR', '20'], ['%cpu', 31, '%CPU', '-'], ['%mem', 31, '%MEM', '-'],
    ['vsz', 31, 'VSZ', '13312'], ['rss', 31, 'RSS', '1616'], ['tsiz', 31, 'TSIZ', '160'], ['dsiz', 31, 'DSIZ', '32'], ['ssiz', 31, 'SSIZ', '128'],
    ['wchan', 31, 'WCHAN', 'ttyin'], ['mwchan', 31, 'MWCHAN', 'ttyin'],
    // sshd blocks on "pipe mutex": no wchan; KI_LOCKBLOCK with ki_lockname cut to LOCKNAMELEN 8.
    ['wchan', 20, 'WCHAN', '-'], ['mwchan', 20, 'MWCHAN', 'pipe mut'], ['lockname', 20, 'LOCK', 'pipe mut'], ['lockname', 31, 'LOCK', '-'],
    ['lwp', 31, 'LWP', '100310'], ['tid', 31, 'LWP', '100310'], ['nlwp', 31, 'NLWP', '1'], ['jid', 41, 'JID', '1'], ['login', 31, 'LOGIN', 'dave'],
    ['emul', 31, 'EMUL', 'FreeBSD ELF64'], ['flags2', 31, 'F2', '00000000'], ['tracer', 42, 'TRACER', '43'], ['tracer', 31, 'TRACER', '0'], ['fib', 31, 'FIB', '0'],
    ['tpgid', 31, 'TPGID', '31'], ['tsid', 31, 'TSID', '30'], ['sl', 31, 'SL', '2'], ['re', 31, 'RE', '79'], ['sl', 1, 'SL', '99'],
    // C: a running thread shows ki_oncpu (cc runs on cpu 1), others ki_lastcpu.
    ['cpu', 37, 'C', '1'], ['cpu', 31, 'C', '0'],
    // rtprio: class and level relative to the class range (timeshare 152 − 120; realtime 60 − 48; idle 255 − 224; ithread 20 − 0).
    ['rtprio', 31, 'RTPRIO', 'normal:32'], ['rtprio', 36, 'RTPRIO', 'real:12'], ['rtprio', 11, 'RTPRIO', 'idle:31'], ['rtprio', 10, 'RTPRIO', 'intr:20'],
    ['class', 31, 'CLASS', 'default'], ['xstat', 31, 'XSTAT', '0'], ['pagein', 31, 'PAGEIN', '0'], ['lim', 31, 'LIM', '-'],
  ];
  it.each(cases)('%s of pid %i: header %j, value %j', (kw, pid, header, value) => {
    const got = one(kw, pid);
    expect({ header: got.header.trim(), value: got.value }).toEqual({ header: header.trim(), value });
  });

  it('flags: ki_flag in hex (%lx), read from the record', () => {
    const r = ps(['-o', 'flags'], { select: { pid: ['31'] } });
    expect(r.lines[1].trim()).toBe(BigInt(r.rows[0].row.d.ki_flag).toString(16));
  });

  it('-H: comm/tdname only for a process with several threads; tdname blank otherwise', () => {
    // The kernel's idle process has one thread here: no suffix; tdname prints six blanks.
    const r = ps(['-o', 'pid,tdname,comm'], { threads: true, select: { pid: ['11'] } });
    expect(r.lines[1]).toBe(' 11        idle');
  });

  it('an unknown keyword is a usage error naming it and listing the valid ones', () => {
    expect(() => ps(['-o', 'pid,bogus'])).toThrow(/bogus: keyword not found; valid keywords: %cpu %mem acflag/);
  });
});

describe('selectors (ps.c: lists, the inclusive OR, one value = the kernel op)', () => {
  const onTty = [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 42, 43, 44, 45]; // session 30 holds ttyv0
  it('-p takes a comma or blank list; -t takes the terminal by any of its names', () => {
    expect(pids({ select: { pid: ['1,31'] } })).toEqual([1, 31]);
    expect(pids({ select: { pid: ['1 31', '45'] } })).toEqual([1, 31, 45]);
    for (const t of ['v0', 'ttyv0', '/dev/ttyv0']) expect(pids({ select: { tty: [t] } })).toEqual(onTty);
  });
  it('-U (effective uid), -G (real gid), -J (jail), --pgrp, --sid; several lists are OR-ed', () => {
    expect(pids({ select: { uid: ['80'] } })).toEqual([41]);
    expect(pids({ select: { rgid: ['80'] } })).toEqual([41]);
    expect(pids({ select: { jid: ['1'] } })).toEqual([41]);
    expect(pids({ select: { pgrp: ['31'] } })).toEqual([31]);
    expect(pids({ select: { sid: ['30'] } })).toEqual(onTty);
    expect(pids({ select: { uid: ['80'], pid: ['1'] } })).toEqual([1, 41]); // NODEV group, by pid
  });
  it('exactly one value goes to kvm_getprocs as its op; nothing matching keeps nothing', () => {
    expect(ps([], { select: { pid: ['31'] } }).kernelSelected).toBe(true);
    expect(ps([], { select: { pid: ['31,1'] } }).kernelSelected).toBe(false);
    const none = ps([], { select: { pid: ['999'] } });
    expect(none.rows).toEqual([]);
    expect(none.lines).toEqual(['PID TT  STAT TIME COMMAND']);
  });
  it('values that do not parse are usage errors naming the option (never pid 0 or uid 0)', () => {
    expect(() => ps([], { select: { pid: ['abc'] } })).toThrow(/-p\/--pid: invalid process id: abc/);
    expect(() => ps([], { select: { pid: ['1,,2'] } })).toThrow(/zero-length/);
    expect(() => ps([], { select: { pid: ['100000'] } })).toThrow(/too large/);
    expect(() => ps([], { select: { uid: ['root'] } })).toThrow(/no user named 'root'/);
  });
});

describe('sort order (ps.c pscomp)', () => {
  it('-m: text + data + stack pages, largest first; ties by terminal then pid', () => {
    // cc 37: 5000 + 2000 + 32 = 7032; gdb 43: 3000 + 2500 + 64 = 5564; httpd 41: 300 + 100 + 32 = 432; sshd 20: 200 + 40 + 32 = 272 (init 1: 252 comes later).
    expect(pids({ format: [{ flag: 'm' }] }).slice(0, 4)).toEqual([37, 43, 41, 20]);
  });
  it('-r: no %cpu is computed, so every process ties and the default order stands', () => {
    expect(pids({ format: [{ flag: 'r' }] })).toEqual(pids({}));
  });
});

describe('the command line', () => {
  const bin = path.join(REPO, 'bin/kvmkit');
  const sample = { core: path.join(REPO, 'dumps/sample/login-session.amd64-minidump.vmcore.gz'), kernel: path.join(REPO, 'dumps/sample/login-session.amd64.kernel') };
  it('-M/-N on the sample image; exit 1 when nothing is kept; exit 2 for a bad value', () => {
    // login-session: init (pid 1) is P_SYSTEM, asleep long in an interruptible wait, a session leader.
    const out = execFileSync(bin, ['ps', '-M', sample.core, '-N', sample.kernel, '-o', 'pid,state', '-p', '1'], { encoding: 'utf8' });
    expect(out).toBe('PID STAT\n  1 ILs\n');
    const none = spawnSync(bin, ['ps', '-M', sample.core, '-N', sample.kernel, '-p', '4242'], { encoding: 'utf8' });
    expect([none.status, none.stdout]).toEqual([1, 'PID TT  STAT TIME COMMAND\n']);
    const bad = spawnSync(bin, ['ps', '--scenario', SCEN, '--pid', 'abc'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/invalid process id: abc/);
  });
  it('formatOrder reads -j/-l/-u/-v/-o/-O in the order typed, clusters included', () => {
    expect(formatOrder(['ps', '-M', 'core', '-aux', '-o', 'pid', '-Ostate', '-H'])).toEqual([{ flag: 'u' }, { flag: 'o', value: 'pid' }, { flag: 'O', value: 'state' }]);
  });
});

describe('procstat views (usr.bin/procstat procstat_basic.c, procstat_threads.c)', () => {
  const rows = (o: PsOptions) => ps([], o).rows.map((x) => x.row);
  it('default: %5d ×5, %3d, %-8s login, %-9s wchan or *%-8s lock, %-13s emul ("null" → -), %-12s comm', () => {
    expect(PROCSTAT_HEADER).toBe('  PID  PPID  PGID   SID  TSID THR LOGIN    WCHAN     EMUL          COMM        ');
    const [sshd, sh] = rows({ select: { pid: ['20,31'] } });
    // sshd: its own session (sid 20) without a terminal (tsid 0); blocked on "pipe mutex" (8 characters kept).
    expect(procstatLine(sshd)).toBe('   20     1    20    20     0   1 root     *pipe mut FreeBSD ELF64 sshd        ');
    // sh: session 30 (login "dave"), terminal session 30, waiting in "ttyin".
    expect(procstatLine(sh)).toBe('   31    30    31    30    30   1 dave     ttyin     FreeBSD ELF64 sh          ');
    const [kproc] = rows({ select: { pid: ['2'] } });
    expect(procstatLine(kproc)).toContain(' psleep    -             vmdaemon');
  });
  it('-t: CPU compared with 255 as procstat does (ki_oncpu -1 off-cpu prints -1), PRI is pri_level, STATE by ki_stat', () => {
    expect(PROCSTAT_THREADS_HEADER).toBe('  PID    TID COMM                TDNAME              CPU  PRI STATE   WCHAN    ');
    const [cc] = rows({ threads: true, select: { pid: ['37'] } });
    expect(procstatThreadLine(cc)).toBe('   37 100370 cc                  cc                    1  120 run     -         ');
    const [sh] = rows({ threads: true, select: { pid: ['31'] } });
    expect(procstatThreadLine(sh)).toBe('   31 100310 sh                  sh                   -1  152 sleep   ttyin     ');
  });
});
