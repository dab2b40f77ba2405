import { NOCPU, P_INMEM, SRUN, SZOMB } from '../../kernel/constants.ts';
import { COMMAND_WIDTH, COMMLEN, PRI_IDLE, PRI_ITHD, PRI_MIN_IDLE, PRI_MIN_ITHD, PRI_MIN_KERN, PRI_MIN_REALTIME, PRI_MIN_TIMESHARE, PRI_REALTIME, PRI_TIMESHARE, PZERO } from './facts.ts';
import { type Decoded, isNodev, lockText, longtname, STATE_FIELDS, stateText, tname } from './state.ts';

/**
 * ps(1)'s keyword table as data: name, header text and flags from bin/ps/keyword.c
 * (fel1x-developer/freebsd-src @ 2d614aa2fe3e037bd11d351b0b5cfda776e65814, the libxo-era table),
 * the value from the print.c routine the entry names. `fields` are the kinfo_proc members the value
 * reads: a record whose source could not recover one of them prints "-" there, never a zero.
 */
export interface PsRow {
  d: Decoded;
  unavailable: ReadonlySet<string>;
  /** The controlling terminal's device name (cdev si_name), when the source knows it. */
  tty?: string;
}

export interface PsEnv {
  /** ps's time(&now), seconds since the epoch: etime and start count from it. */
  now: number;
  /** -H: one row per thread (print.c adds "/tdname" to comm when a process has several). */
  threads: boolean;
  /** The dumped system's page size (PGTOK columns: rss, tsiz, dsiz, ssiz). */
  pageSize: number;
  /** Bits of a C long on the dumped arch (F prints ki_flag as %lx). */
  longBits: number;
  /** Format times in UTC instead of the local zone (print.c uses localtime). */
  utc?: boolean;
}

export interface Cell { row: PsRow; env: PsEnv; last: boolean }

export interface Keyword {
  name: string;
  header: string;
  /** keyword.c LJUST: left-justified (and the last column is not padded). */
  ljust: boolean;
  fields: readonly string[];
  value(c: Cell): string | null;
}

type V = (c: Cell) => string | null;
const K = (name: string, header: string, fields: readonly string[], value: V, ljust = false): Keyword => ({ name, header, ljust, fields, value });
const num = (f: string): V => ({ row }) => String(row.d[f]);
const hexv = (f: string): V => ({ row }) => (BigInt.asUintN(32, BigInt(row.d[f]))).toString(16);
const ptr = (f: string): V => ({ row }) => BigInt(row.d[f]).toString(16);
const pgtok = (f: string): V => ({ row, env }) => String((BigInt(row.d[f]) * BigInt(env.pageSize)) / 1024n);
/** keyword.c INF127: sl and re saturate at 127. */
const inf127 = (f: string): V => ({ row }) => String(Math.min(127, Number(row.d[f]) >>> 0));
/** ps.c saveuser(): fields of the u-area (USER keywords) count only for a resident process. */
const valid = (d: Decoded): boolean => (BigInt(d.ki_flag) & BigInt(P_INMEM)) !== 0n;
/**
 * print.c: with -H, comm gets "/tdname" when the process has more than one thread. A source that
 * could not recover ki_numthreads (the exported-offsets walk) still has one row per thread and the
 * thread's name: the suffix is shown when that name differs from the command.
 */
function threadSuffix(c: Cell): string {
  const d = c.row.d;
  if (!c.env.threads || c.row.unavailable.has('ki_tdname')) return '';
  const name = `${d.ki_tdname}${c.row.unavailable.has('ki_moretdname') ? '' : d.ki_moretdname ?? ''}`;
  const several = c.row.unavailable.has('ki_numthreads') ? name !== d.ki_comm : d.ki_numthreads > 1;
  return several ? `/${name}` : '';
}

/** print.c printtime(): m:ss.cc from seconds and microseconds (zero when not resident). */
function printtime(d: Decoded, secs: bigint, usecs: bigint): string {
  let s = secs;
  let ps = usecs;
  if (!valid(d)) s = ps = 0n;
  else {
    ps = (ps + 5000n) / 10000n;
    s += ps / 100n;
    ps %= 100n;
  }
  return `${s / 60n}:${String(s % 60n).padStart(2, '0')}.${String(ps).padStart(2, '0')}`;
}

/**
 * ps.c saveuser() + fmt.c fmt_argv(): a dead kernel's argv cannot be read (kvm_getargv fails), so
 * the command is "[comm]" — "[comm/thread]" with -H and several threads — capped at
 * COMMLEN * 2 + 1 characters inside the brackets; a zombie is "<defunct>".
 */
function argsText(c: Cell): string {
  const d = c.row.d;
  if (!c.row.unavailable.has('ki_stat') && d.ki_stat === SZOMB) return '<defunct>';
  const inner = d.ki_comm + threadSuffix(c);
  return `[${inner.slice(0, COMMLEN * 2 + 1)}]`;
}
/** print.c command()/arguments(): a column that is not the last is cut at 16 characters. */
const commandV: V = (c) => {
  const s = argsText(c);
  return c.last ? s : s.slice(0, COMMAND_WIDTH);
};

const two = (n: number) => String(n).padStart(2, '0');
function elapsed(c: Cell): string | null {
  const d = c.row.d;
  if (!valid(d)) return null;
  let val = c.env.now - Number(d.ki_start.tv_sec);
  const days = Math.trunc(val / 86400);
  val %= 86400;
  const hours = Math.trunc(val / 3600);
  val %= 3600;
  const mins = Math.trunc(val / 60);
  const secs = val % 60;
  if (days !== 0) return `${String(days).padStart(3)}-${two(hours)}:${two(mins)}:${two(secs)}`;
  if (hours !== 0) return `${two(hours)}:${two(mins)}:${two(secs)}`;
  return `${two(mins)}:${two(secs)}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function tm(sec: number, utc: boolean) {
  const t = new Date(sec * 1000);
  return utc
    ? { y: t.getUTCFullYear(), mo: t.getUTCMonth(), d: t.getUTCDate(), wd: t.getUTCDay(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() }
    : { y: t.getFullYear(), mo: t.getMonth(), d: t.getDate(), wd: t.getDay(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds() };
}
/** print.c started(): "%H:%M  " within a day, "%a%H  " within a week, else "%e%b%y" (C locale). */
function started(c: Cell): string | null {
  const d = c.row.d;
  if (!valid(d)) return null;
  const then = Number(d.ki_start.tv_sec);
  const t = tm(then, !!c.env.utc);
  const age = c.env.now - then;
  if (age < 24 * 3600) return `${two(t.h)}:${two(t.mi)}  `;
  if (age < 7 * 86400) return `${DAYS[t.wd]}${two(t.h)}  `;
  return `${String(t.d).padStart(2)}${MONTHS[t.mo]}${two(t.y % 100)}`;
}
/** print.c lstarted(): strftime "%c" in the C locale ("%a %b %e %H:%M:%S %Y"). */
function lstarted(c: Cell): string | null {
  const d = c.row.d;
  if (!valid(d)) return null;
  const t = tm(Number(d.ki_start.tv_sec), !!c.env.utc);
  return `${DAYS[t.wd]} ${MONTHS[t.mo]} ${String(t.d).padStart(2)} ${two(t.h)}:${two(t.mi)}:${two(t.s)} ${t.y}`;
}

/** print.c wchan(): the wait message, or the channel address when there is none. */
const wchanV: V = ({ row }) => {
  const w = BigInt(row.d.ki_wchan);
  if (w === 0n) return null;
  return row.d.ki_wmesg ? row.d.ki_wmesg : w.toString(16);
};
/** print.c mwchan(): wchan(), else the lock it blocks on. */
const mwchanV: V = (c) => wchanV(c) ?? lockText(c.row.d);

/** print.c priorityr(): class:level relative to the class's range. */
const rtprioV: V = ({ row }) => {
  const { pri_class: cls, pri_level: lvl } = row.d.ki_pri;
  if (cls === PRI_REALTIME) return `real:${lvl - PRI_MIN_REALTIME}`;
  if (cls === PRI_TIMESHARE) return lvl >= PRI_MIN_TIMESHARE ? `normal:${lvl - PRI_MIN_TIMESHARE}` : `kernel:${lvl - PRI_MIN_KERN}`;
  if (cls === PRI_IDLE) return `idle:${lvl - PRI_MIN_IDLE}`;
  if (cls === PRI_ITHD) return `intr:${lvl - PRI_MIN_ITHD}`;
  return `${cls}:${lvl}`;
};

/** print.c rvar(): a struct rusage counter, for a resident process only. */
const rvar = (f: string): V => ({ row }) => (valid(row.d) ? String(row.d.ki_rusage[f]) : null);

const T = ['ki_tdev', 'ki_kiflag'];
const CMD = ['ki_comm'];
const TIMES = ['ki_flag', 'ki_start'];

/** The keywords, sorted as keyword.c keeps them (bsearch there, a Map here). */
export const KEYWORDS: readonly Keyword[] = [
  // %cpu and %mem need the kernel's fscale, ccpu and the page count (ps's donlist()); kvmkit does not
  // read them, so the columns say "-" rather than a made-up 0.0.
  K('%cpu', '%CPU', [], () => null),
  K('%mem', '%MEM', [], () => null),
  K('acflag', 'ACFLG', ['ki_acflag'], hexv('ki_acflag')),
  K('args', 'COMMAND', CMD, commandV, true),
  K('class', 'CLASS', ['ki_loginclass'], ({ row }) => row.d.ki_loginclass, true),
  K('comm', 'COMMAND', CMD, (c) => c.row.d.ki_comm + threadSuffix(c), true),
  K('command', 'COMMAND', CMD, commandV, true),
  K('cow', 'COW', ['ki_cow'], ({ row }) => String(row.d.ki_cow >>> 0)),
  K('cpu', 'C', ['ki_stat', 'ki_oncpu', 'ki_lastcpu'], ({ row }) => String(row.d.ki_stat === SRUN && row.d.ki_oncpu !== NOCPU ? row.d.ki_oncpu : row.d.ki_lastcpu)),
  K('dsiz', 'DSIZ', ['ki_dsize'], pgtok('ki_dsize')),
  K('emul', 'EMUL', ['ki_emul'], ({ row }) => row.d.ki_emul, true),
  K('etime', 'ELAPSED', TIMES, elapsed),
  K('etimes', 'ELAPSED', TIMES, (c) => (valid(c.row.d) ? String(c.env.now - Number(c.row.d.ki_start.tv_sec)) : null)),
  K('f', 'F', ['ki_flag'], ({ row, env }) => BigInt.asUintN(env.longBits, BigInt(row.d.ki_flag)).toString(16)),
  K('f2', 'F2', ['ki_flag2'], ({ row }) => (row.d.ki_flag2 >>> 0).toString(16).padStart(8, '0')),
  K('fib', 'FIB', ['ki_fibnum'], num('ki_fibnum')),
  K('gid', 'GID', ['ki_groups'], ({ row }) => String(row.d.ki_groups[0] >>> 0)),
  // user_from_uid()/group_from_gid() print the number when no name is known: kvmkit has no
  // password or group database of the dumped system.
  K('group', 'GROUP', ['ki_groups'], ({ row }) => String(row.d.ki_groups[0] >>> 0), true),
  K('inblk', 'INBLK', ['ki_rusage', 'ki_flag'], rvar('ru_inblock')),
  K('jid', 'JID', ['ki_jid'], num('ki_jid')),
  K('jobc', 'JOBC', ['ki_jobc'], num('ki_jobc')),
  K('ktrace', 'KTRACE', ['ki_traceflag'], hexv('ki_traceflag')),
  K('lim', 'LIM', [], () => null),
  K('lockname', 'LOCK', ['ki_kiflag', 'ki_lockname'], ({ row }) => lockText(row.d), true),
  K('login', 'LOGIN', ['ki_login'], ({ row }) => (row.d.ki_login ? row.d.ki_login : null), true),
  K('lstart', 'STARTED', TIMES, lstarted, true),
  K('lwp', 'LWP', ['ki_tid'], num('ki_tid')),
  K('majflt', 'MAJFLT', ['ki_rusage', 'ki_flag'], rvar('ru_majflt')),
  K('minflt', 'MINFLT', ['ki_rusage', 'ki_flag'], rvar('ru_minflt')),
  K('msgrcv', 'MSGRCV', ['ki_rusage', 'ki_flag'], rvar('ru_msgrcv')),
  K('msgsnd', 'MSGSND', ['ki_rusage', 'ki_flag'], rvar('ru_msgsnd')),
  K('mwchan', 'MWCHAN', ['ki_wchan', 'ki_wmesg', 'ki_kiflag', 'ki_lockname'], mwchanV, true),
  K('nice', 'NI', ['ki_nice'], num('ki_nice')),
  K('nivcsw', 'NIVCSW', ['ki_rusage', 'ki_flag'], rvar('ru_nivcsw')),
  K('nlwp', 'NLWP', ['ki_numthreads'], num('ki_numthreads')),
  K('nsigs', 'NSIGS', ['ki_rusage', 'ki_flag'], rvar('ru_nsignals')),
  K('nswap', 'NSWAP', ['ki_rusage', 'ki_flag'], rvar('ru_nswap')),
  K('nvcsw', 'NVCSW', ['ki_rusage', 'ki_flag'], rvar('ru_nvcsw')),
  K('nwchan', 'NWCHAN', ['ki_wchan'], ({ row }) => (BigInt(row.d.ki_wchan) ? BigInt(row.d.ki_wchan).toString(16) : null), true),
  K('oublk', 'OUBLK', ['ki_rusage', 'ki_flag'], rvar('ru_oublock')),
  K('paddr', 'PADDR', ['ki_paddr'], ptr('ki_paddr')),
  K('pagein', 'PAGEIN', ['ki_rusage', 'ki_flag'], ({ row }) => String(valid(row.d) ? row.d.ki_rusage.ru_majflt : 0)),
  K('pgid', 'PGID', ['ki_pgid'], num('ki_pgid')),
  K('pid', 'PID', ['ki_pid'], num('ki_pid')),
  K('ppid', 'PPID', ['ki_ppid'], num('ki_ppid')),
  K('pri', 'PRI', ['ki_pri'], ({ row }) => String(row.d.ki_pri.pri_level - PZERO)),
  K('re', 'RE', ['ki_swtime'], inf127('ki_swtime')),
  K('rgid', 'RGID', ['ki_rgid'], ({ row }) => String(row.d.ki_rgid >>> 0)),
  K('rgroup', 'RGROUP', ['ki_rgid'], ({ row }) => String(row.d.ki_rgid >>> 0), true),
  K('rss', 'RSS', ['ki_rssize'], pgtok('ki_rssize')),
  K('rtprio', 'RTPRIO', ['ki_pri'], rtprioV),
  K('ruid', 'RUID', ['ki_ruid'], ({ row }) => String(row.d.ki_ruid >>> 0)),
  K('ruser', 'RUSER', ['ki_ruid'], ({ row }) => String(row.d.ki_ruid >>> 0), true),
  K('sid', 'SID', ['ki_sid'], num('ki_sid')),
  K('sig', 'PENDING', ['ki_siglist'], ({ row }) => (row.d.ki_siglist.__bits[0] >>> 0).toString(16)),
  K('sigcatch', 'CAUGHT', ['ki_sigcatch'], ({ row }) => (row.d.ki_sigcatch.__bits[0] >>> 0).toString(16)),
  K('sigignore', 'IGNORED', ['ki_sigignore'], ({ row }) => (row.d.ki_sigignore.__bits[0] >>> 0).toString(16)),
  K('sigmask', 'BLOCKED', ['ki_sigmask'], ({ row }) => (row.d.ki_sigmask.__bits[0] >>> 0).toString(16)),
  K('sl', 'SL', ['ki_slptime'], inf127('ki_slptime')),
  K('ssiz', 'SSIZ', ['ki_ssize'], pgtok('ki_ssize')),
  K('start', 'STARTED', TIMES, started, true),
  K('state', 'STAT', STATE_FIELDS, ({ row }) => stateText(row.d), true),
  K('svgid', 'SVGID', ['ki_svgid'], ({ row }) => String(row.d.ki_svgid >>> 0)),
  K('svuid', 'SVUID', ['ki_svuid'], ({ row }) => String(row.d.ki_svuid >>> 0)),
  K('systime', 'SYSTIME', ['ki_rusage', 'ki_flag'], ({ row }) => printtime(row.d, BigInt(row.d.ki_rusage.ru_stime.tv_sec), BigInt(row.d.ki_rusage.ru_stime.tv_usec))),
  K('tdaddr', 'TDADDR', ['ki_tdaddr'], ptr('ki_tdaddr')),
  K('tdev', 'TDEV', ['ki_tdev'], ({ row }) => (isNodev(row.d) ? '-' : BigInt(row.d.ki_tdev) === 0n ? '0' : '0x' + BigInt(row.d.ki_tdev).toString(16))),
  K('tdname', 'TDNAME', ['ki_numthreads', 'ki_tdname', 'ki_moretdname'], (c) => (c.env.threads && c.row.d.ki_numthreads > 1 ? `${c.row.d.ki_tdname}${c.row.d.ki_moretdname ?? ''}` : '      '), true),
  K('time', 'TIME', ['ki_runtime', 'ki_flag'], ({ row }) => printtime(row.d, BigInt(row.d.ki_runtime) / 1000000n, BigInt(row.d.ki_runtime) % 1000000n)),
  K('tpgid', 'TPGID', ['ki_tpgid'], num('ki_tpgid')),
  K('tracer', 'TRACER', ['ki_tracer'], num('ki_tracer')),
  K('tsid', 'TSID', ['ki_tsid'], num('ki_tsid')),
  K('tsiz', 'TSIZ', ['ki_tsize'], pgtok('ki_tsize')),
  K('tt', 'TT ', T, ({ row }) => tname(row.d, row.tty)),
  K('tty', 'TTY', ['ki_tdev'], ({ row }) => longtname(row.d, row.tty), true),
  K('ucomm', 'UCOMM', CMD, (c) => c.row.d.ki_comm + threadSuffix(c), true),
  K('uid', 'UID', ['ki_uid'], ({ row }) => String(row.d.ki_uid >>> 0)),
  K('upr', 'UPR', ['ki_pri'], ({ row }) => String(row.d.ki_pri.pri_user - PZERO)),
  K('uprocp', 'UPROCP', ['ki_paddr'], ptr('ki_paddr')),
  K('user', 'USER', ['ki_uid'], ({ row }) => String(row.d.ki_uid >>> 0), true),
  K('usertime', 'USERTIME', ['ki_rusage', 'ki_flag'], ({ row }) => printtime(row.d, BigInt(row.d.ki_rusage.ru_utime.tv_sec), BigInt(row.d.ki_rusage.ru_utime.tv_usec))),
  K('vmaddr', 'VMADDR', ['ki_vmspace'], ptr('ki_vmspace')),
  K('vsz', 'VSZ', ['ki_size'], ({ row }) => String(BigInt(row.d.ki_size) / 1024n)),
  K('wchan', 'WCHAN', ['ki_wchan', 'ki_wmesg'], wchanV, true),
  K('xstat', 'XSTAT', ['ki_xstat'], hexv('ki_xstat')),
];

/** keyword.c's alias entries (an entry with no header of its own that stands for another keyword). */
export const ALIASES: Readonly<Record<string, string>> = {
  acflg: 'acflag', blocked: 'sigmask', caught: 'sigcatch', cputime: 'time', egid: 'gid', egroup: 'group', euid: 'uid',
  flags: 'f', flags2: 'f2', ignored: 'sigignore', inblock: 'inblk', logname: 'login', ni: 'nice', nsignals: 'nsigs',
  oublock: 'oublk', pcpu: '%cpu', pending: 'sig', pmem: '%mem', stat: 'state', tdnam: 'tdname', tid: 'lwp', usrpri: 'upr',
  vsize: 'vsz',
};

export const KEYWORD_BY_NAME: ReadonlyMap<string, Keyword> = new Map(KEYWORDS.map((k) => [k.name, k]));

/** ps -L: every keyword and alias, sorted as keyword.c lists them. */
export function keywordNames(): string[] {
  return [...KEYWORDS.map((k) => k.name), ...Object.keys(ALIASES)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
