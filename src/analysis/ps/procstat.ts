import { KI_LOCKBLOCK, SIDL, SLOCK, SRUN, SSLEEP, SSTOP, SWAIT, SZOMB } from '../../kernel/constants.ts';
import type { PsRow } from './keywords.ts';
import { hasBit } from './state.ts';

/**
 * procstat(1)'s default and -t views over the same rows ps uses. Columns, widths and texts from
 * usr.bin/procstat/procstat_basic.c and procstat_threads.c (fel1x-developer/freebsd-src @
 * 2d614aa2fe3e037bd11d351b0b5cfda776e65814). Two things were not read and are kvmkit's choice:
 * the order (libutil's kinfo_proc_sort: here by pid, then tid) and the thread name
 * (kinfo_proc_thread_name: here ki_tdname + ki_moretdname). The header is printed once.
 */
const r = (v: unknown, w: number) => String(v).padStart(w);
const l = (v: unknown, w: number) => String(v).padEnd(w);

/** Unavailable fields print "-" (procstat has no such notion; a dump's missing bytes are not data). */
function get(row: PsRow, f: string, fmt: (v: any) => string): string {
  return row.unavailable.has(f) ? '-' : fmt(row.d[f]);
}

/** The WCHAN column of both views: "*lockname" when blocked on a lock, else the wait message. */
function wchanCell(row: PsRow): string {
  const d = row.d;
  if (!row.unavailable.has('ki_kiflag') && hasBit(d.ki_kiflag, KI_LOCKBLOCK)) return '*' + l(d.ki_lockname || '-', 8);
  return l(row.unavailable.has('ki_wmesg') ? '-' : d.ki_wmesg || '-', 9);
}

export const PROCSTAT_HEADER = [r('PID', 5), r('PPID', 5), r('PGID', 5), r('SID', 5), r('TSID', 5), r('THR', 3), l('LOGIN', 8), l('WCHAN', 9), l('EMUL', 13), l('COMM', 12)].join(' ');

/** procstat_basic(): one line per process. */
export function procstatLine(row: PsRow): string {
  const n = (f: string, w: number) => r(get(row, f, String), w);
  return [
    n('ki_pid', 5), n('ki_ppid', 5), n('ki_pgid', 5), n('ki_sid', 5), n('ki_tsid', 5), n('ki_numthreads', 3),
    l(get(row, 'ki_login', (v) => v || '-'), 8), wchanCell(row), l(get(row, 'ki_emul', (v) => (v === 'null' ? '-' : v)), 13), l(get(row, 'ki_comm', String), 12),
  ].join(' ');
}

export const PROCSTAT_THREADS_HEADER = [r('PID', 5), r('TID', 6), l('COMM', 19), l('TDNAME', 19), r('CPU', 2), r('PRI', 4), l('STATE', 7), l('WCHAN', 9)].join(' ');

const RUN_STATE: Record<number, string> = { [SRUN]: 'run', [SSTOP]: 'stop', [SSLEEP]: 'sleep', [SLOCK]: 'lock', [SWAIT]: 'wait', [SZOMB]: 'zomb', [SIDL]: 'idle' };

/**
 * procstat_threads(): one line per thread. CPU compares ki_oncpu and ki_lastcpu with 255 (the
 * FreeBSD 11 NOCPU) as procstat does, so a thread off-cpu (ki_oncpu -1) shows -1. Each line ends
 * with the blank after its last column, as procstat's does.
 */
export function procstatThreadLine(row: PsRow): string {
  const d = row.d;
  const un = (f: string) => row.unavailable.has(f);
  const cpu = un('ki_oncpu') ? r('-', 3) : d.ki_oncpu !== 255 ? r(d.ki_oncpu, 3) : !un('ki_lastcpu') && d.ki_lastcpu !== 255 ? r(d.ki_lastcpu, 3) : r('-', 3);
  const tdname = un('ki_tdname') ? '-' : `${d.ki_tdname}${un('ki_moretdname') ? '' : d.ki_moretdname ?? ''}`;
  return [
    r(d.ki_pid, 5), r(get(row, 'ki_tid', String), 6), l(get(row, 'ki_comm', (v) => v || '-'), 19), l(tdname, 19), cpu,
    r(get(row, 'ki_pri', (v) => String(v.pri_level)), 4), l(get(row, 'ki_stat', (v) => RUN_STATE[v] ?? '??'), 7), wchanCell(row),
  ].join(' ') + ' ';
}

export function byPidTid(a: PsRow, b: PsRow): number {
  return a.d.ki_pid - b.d.ki_pid || a.d.ki_tid - b.d.ki_tid;
}
