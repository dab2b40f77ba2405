/**
 * The FreeBSD facts ps(1)'s rules use, each with where it was read. (Kernel flag values shared
 * with the simulator — P_*, KI_*, S* states, NODEV — live in src/kernel/constants.ts.)
 *
 * Sources (read through the project's search tool):
 *   [ps.c]      fel1x-developer/freebsd-src (a freebsd-src mirror) bin/ps/ps.c @ 2d614aa2fe3e037bd11d351b0b5cfda776e65814
 *   [keyword.c] fel1x-developer/freebsd-src bin/ps/keyword.c @ 2d614aa2fe3e037bd11d351b0b5cfda776e65814
 *   [fmt.c]     fel1x-developer/freebsd-src bin/ps/fmt.c @ 2d614aa2fe3e037bd11d351b0b5cfda776e65814
 *   [print.c]   freebsd/freebsd-src bin/ps/print.c @ a62d77ec37df2fcff04cb1d9d88abe7bb3daeaf1
 *   [proc.h]    sys/sys/proc.h, TDF_SINTR (several stored freebsd-src versions agree; found by string search)
 *   [vmparam.h] sys/<arch>/include/vmparam.h MAXSLP (every stored arch header agrees; string search)
 *   [param.h]   sys/sys/param.h NZERO (string search)
 *   [priority.h] sys/sys/priority.h: classes from freebsd/freebsd-src @ 039ea811636f62633b18bcadb9f5332b215f7900;
 *               the FreeBSD 14/15 ranges (PRI_MIN_REALTIME 48, PRI_MIN_KERN 80, PRI_MIN_TIMESHARE 120) from the
 *               installed FreeBSD headers found by string search (the 2012 file above still has 128/64/160).
 */

/** [proc.h] td_flags: the sleep is interruptible (one definition, shared with the simulator). */
export { TDF_SINTR } from '../../kernel/constants.ts';
/** [vmparam.h] seconds blocked before a sleep counts as long (print.c: I instead of S). */
export const MAXSLP = 20;
/** [param.h] the default nice. */
export const NZERO = 0;
/** [priority.h] scheduling classes. */
export const PRI_ITHD = 1, PRI_REALTIME = 2, PRI_TIMESHARE = 3, PRI_IDLE = 4;
/** [priority.h] FreeBSD 14/15 ranges. */
export const PRI_MIN_ITHD = 0, PRI_MIN_REALTIME = 48, PRI_MIN_KERN = 80, PRI_MIN_TIMESHARE = 120, PRI_MIN_IDLE = 224;
/** [priority.h] PZERO = PRI_MIN_KERN + 20: print.c's scalepri() subtracts it for PRI and UPR. */
export const PZERO = PRI_MIN_KERN + 20;
/** sys/sys/user.h COMMLEN (19, as layouts/revisions/*.json give it): ps.c saveuser() caps "[comm/thread]" at COMMLEN * 2 + 1. */
export const COMMLEN = 19;
/** [print.c] COMMAND_WIDTH / ARGUMENTS_WIDTH: a command or args column that is not the last is cut here. */
export const COMMAND_WIDTH = 16;

/** [ps.c] the formats behind -j, -l, -u, -v, -O and the default. */
export const FORMATS = {
  default: 'pid,tt,state,time,command',
  j: 'user,pid,ppid,pgid,sid,jobc,state,tt,time,command',
  l: 'uid,pid,ppid,cpu,pri,nice,vsz,rss,mwchan,state,tt,time,command',
  u: 'user,pid,%cpu,%mem,vsz,rss,tt,state,start,time,command',
  v: 'pid,state,time,sl,re,pagein,vsz,rss,lim,tsiz,%cpu,%mem,command',
  O1: 'pid',
  O2: 'tt,state,time,command',
} as const;
