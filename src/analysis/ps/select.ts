import { UsageError } from '../../base/errors.ts';
import {
  KERN_PROC_GID, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_RGID, KERN_PROC_RUID, KERN_PROC_SESSION, KERN_PROC_UID, NODEV, PID_MAX,
} from '../../kernel/constants.ts';
import type { PsRow } from './keywords.ts';

/**
 * ps's selectors (bin/ps/ps.c): each a list; a process is kept when it matches any value of any
 * list (the inclusive OR). -p pid, -t tty, -U uid (effective), -G gid (real, as SUSv3 has it),
 * -J jid; kvmkit adds --pgrp, --sid, --ruid and --gid (effective), the other kvm_getprocs ops.
 */
export interface Selectors {
  pid: number[]; pgrp: number[]; sid: number[]; tty: string[]; uid: number[]; ruid: number[]; gid: number[]; rgid: number[]; jid: number[];
}

export const SELECTOR_OPTIONS: Record<keyof Selectors, string> = {
  pid: '-p/--pid', pgrp: '--pgrp', sid: '--sid', tty: '-t/--tty', uid: '-U/--uid', ruid: '--ruid', gid: '--gid', rgid: '-G/--rgid', jid: '-J/--jid',
};

/**
 * ps.c add_list(): elements separated by commas (one at most between two) and blanks; an empty
 * element — "", "1,,2", a trailing comma — is refused, as ps refuses it.
 */
export function splitList(values: readonly string[], option: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    const parts = v.split(',').map((p) => p.trim());
    for (const p of parts) {
      if (p === '') throw new UsageError(`${option}: invalid (zero-length) element in "${v}"`, { field: option });
      out.push(...p.split(/[ \t]+/));
    }
  }
  return out;
}

/** ps.c addelem_pid(): a decimal number from 0 to kern.pid_max (99999 on a default system). */
function pidValue(e: string, option: string, what: string): number {
  if (!/^\d+$/.test(e)) throw new UsageError(`${option}: invalid ${what}: ${e}`, { field: option });
  const n = Number(e);
  if (n > PID_MAX) throw new UsageError(`${option}: ${what} too large: ${e} (kern.pid_max is ${PID_MAX})`, { field: option });
  return n;
}

/**
 * ps.c addelem_uid()/addelem_gid() take names through the password and group databases; kvmkit
 * has neither for the dumped system, so a name is refused rather than guessed (`root` is not
 * taken to mean 0).
 */
function idValue(e: string, option: string, what: 'user' | 'group' | 'jail id'): number {
  if (!/^\d+$/.test(e) || Number(e) > 0xffffffff) {
    throw new UsageError(`${option}: no ${what} named '${e}' (kvmkit has no ${what === 'jail id' ? 'jail names' : what === 'user' ? 'password database' : 'group database'} of the dumped system: give the number)`, { field: option });
  }
  return Number(e);
}

export function parseSelectors(raw: Partial<Record<keyof Selectors, readonly string[] | undefined>>): Selectors {
  const list = (k: keyof Selectors) => splitList(raw[k] ?? [], SELECTOR_OPTIONS[k]);
  return {
    pid: list('pid').map((e) => pidValue(e, SELECTOR_OPTIONS.pid, 'process id')),
    pgrp: list('pgrp').map((e) => pidValue(e, SELECTOR_OPTIONS.pgrp, 'process group')),
    sid: list('sid').map((e) => pidValue(e, SELECTOR_OPTIONS.sid, 'session id')),
    tty: list('tty'),
    uid: list('uid').map((e) => idValue(e, SELECTOR_OPTIONS.uid, 'user')),
    ruid: list('ruid').map((e) => idValue(e, SELECTOR_OPTIONS.ruid, 'user')),
    gid: list('gid').map((e) => idValue(e, SELECTOR_OPTIONS.gid, 'group')),
    rgid: list('rgid').map((e) => idValue(e, SELECTOR_OPTIONS.rgid, 'group')),
    jid: list('jid').map((e) => idValue(e, SELECTOR_OPTIONS.jid, 'jail id')),
  };
}

const count = (s: Selectors) => Object.values(s).reduce((n, l) => n + l.length, 0);

/**
 * ps.c: with exactly one selector value, kvm_getprocs is asked for just those processes (the
 * kernel's op); otherwise every process is read and filtered here. A tty is matched by name in
 * userland always (ps stats /dev on the machine it runs on for the device number, which says
 * nothing about a dump).
 */
export function kernelOp(s: Selectors): { op: number; arg: number } | undefined {
  if (count(s) !== 1) return undefined;
  const one: [keyof Selectors, number][] = [['rgid', KERN_PROC_RGID], ['pgrp', KERN_PROC_PGRP], ['pid', KERN_PROC_PID], ['ruid', KERN_PROC_RUID], ['sid', KERN_PROC_SESSION], ['uid', KERN_PROC_UID], ['gid', KERN_PROC_GID]];
  for (const [k, op] of one) if (s[k].length === 1) return { op, arg: (s[k][0] as number) | 0 };
  return undefined;
}

/** The names a -t element may stand for (ps.c addelem_tty): /dev/x, x, ttyx, pts/x; "co" is the console. */
function ttyNames(e: string): string[] {
  const n = e.startsWith('/dev/') ? e.slice(5) : e;
  if (n === 'co') return ['console'];
  return [n, `tty${n}`, `pts/${n}`];
}

/** The userland filter: true when the row matches any value of any selector (or none is given). */
export function matcher(s: Selectors): (r: PsRow) => boolean {
  if (!count(s)) return () => true;
  const ttys = new Set(s.tty.flatMap(ttyNames));
  const inList = (l: number[], v: number) => l.includes(v >>> 0) || l.includes(v);
  return ({ d, tty }) =>
    inList(s.pid, d.ki_pid) || inList(s.pgrp, d.ki_pgid) || inList(s.sid, d.ki_sid) || inList(s.uid, d.ki_uid) || inList(s.ruid, d.ki_ruid) ||
    inList(s.gid, d.ki_groups?.[0] ?? -1) || inList(s.rgid, d.ki_rgid) || inList(s.jid, d.ki_jid) ||
    (tty !== undefined && BigInt(d.ki_tdev) !== NODEV && ttys.has(tty));
}

export type SortBy = 'default' | 'cpu' | 'mem';

/**
 * ps.c pscomp(): -m (and -v) by ki_tsize + ki_dsize + ki_ssize, descending; -r (and -u) by %cpu,
 * descending — kvmkit computes no %cpu (see the %cpu keyword), so every process ties there; then
 * by terminal, processes without one first, then ascending device number; then pid; then tid.
 */
export function pscomp(sortBy: SortBy): (a: PsRow, b: PsRow) => number {
  const mem = (r: PsRow) => BigInt(r.d.ki_tsize) + BigInt(r.d.ki_dsize) + BigInt(r.d.ki_ssize);
  const dev = (r: PsRow) => BigInt.asUintN(64, BigInt(r.d.ki_tdev));
  const cmp = (x: bigint | number, y: bigint | number) => (x < y ? -1 : x > y ? 1 : 0);
  return (a, b) => {
    if (sortBy === 'mem' && mem(a) !== mem(b)) return cmp(mem(b), mem(a));
    const da = dev(a), db = dev(b);
    if (da !== db) {
      if (da === NODEV) return -1;
      if (db === NODEV) return 1;
      return cmp(da, db);
    }
    return cmp(a.d.ki_pid, b.d.ki_pid) || cmp(a.d.ki_tid, b.d.ki_tid);
  };
}
