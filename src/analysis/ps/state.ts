import { KI_CTTY, KI_LOCKBLOCK, KI_SLEADER, NODEV, P_CONTROLT, P_INMEM, P_JAILED, P_PPWAIT, P_SYSTEM, P_TRACED, P_WEXIT, SIDL, SLOCK, SRUN, SSLEEP, SSTOP, SWAIT, SZOMB, CRED_FLAG_CAPMODE } from '../../kernel/constants.ts';
import { MAXSLP, NZERO, PRI_IDLE, PRI_REALTIME, TDF_SINTR } from './facts.ts';

/** A decoded kinfo_proc (src/codec's decodeRecord shape: nested structs, 8-byte integers as bigints). */
export type Decoded = Record<string, any>;

const flagOf = (d: Decoded): bigint => BigInt(d.ki_flag);
/** A flag test on a record member of any integer width (a long decodes as a bigint). */
export const hasBit = (v: number | bigint, bit: number): boolean => (BigInt(v) & BigInt(bit)) !== 0n;

/**
 * The STAT column, as print.c state() derives it from one record: the ki_stat letter (a sleep is
 * D unless TDF_SINTR, then I when it has lasted MAXSLP seconds, else S), then W (not P_INMEM),
 * < or N (nice or class), X (traced), E (exiting, not yet a zombie), V (vforked parent waiting),
 * L (P_SYSTEM or locked pages), C (capability mode), s (session leader), + (the foreground
 * group of its controlling terminal), J (jailed).
 */
export function stateText(d: Decoded): string {
  const flag = flagOf(d);
  const has = (bit: number) => (flag & BigInt(bit)) !== 0n;
  let s: string;
  switch (d.ki_stat) {
    case SSTOP: s = 'T'; break;
    case SSLEEP:
      s = hasBit(d.ki_tdflags, TDF_SINTR) ? (d.ki_slptime >= MAXSLP ? 'I' : 'S') : 'D';
      break;
    case SRUN: case SIDL: s = 'R'; break;
    case SWAIT: s = 'W'; break;
    case SLOCK: s = 'L'; break;
    case SZOMB: s = 'Z'; break;
    default: s = '?';
  }
  if (!has(P_INMEM)) s += 'W';
  if (d.ki_nice < NZERO || d.ki_pri.pri_class === PRI_REALTIME) s += '<';
  else if (d.ki_nice > NZERO || d.ki_pri.pri_class === PRI_IDLE) s += 'N';
  if (has(P_TRACED)) s += 'X';
  if (has(P_WEXIT) && d.ki_stat !== SZOMB) s += 'E';
  if (has(P_PPWAIT)) s += 'V';
  if (has(P_SYSTEM) || d.ki_lock > 0) s += 'L';
  if (hasBit(d.ki_cr_flags, CRED_FLAG_CAPMODE)) s += 'C';
  if (hasBit(d.ki_kiflag, KI_SLEADER)) s += 's';
  if (has(P_CONTROLT) && d.ki_pgid === d.ki_tpgid) s += '+';
  if (has(P_JAILED)) s += 'J';
  return s;
}

/** The record fields stateText reads (a column built from any unavailable one prints "-"). */
export const STATE_FIELDS = ['ki_stat', 'ki_tdflags', 'ki_slptime', 'ki_flag', 'ki_nice', 'ki_pri', 'ki_lock', 'ki_cr_flags', 'ki_kiflag', 'ki_pgid', 'ki_tpgid'];

export const isNodev = (d: Decoded): boolean => BigInt(d.ki_tdev) === NODEV;

/**
 * The TT column, print.c tname(): "- " without a terminal; else the device name with "tty"/"cua"
 * and then "pts/" dropped, followed by " " while the session still has it (KI_CTTY) or "-".
 * `devname` is the terminal's cdev name; a record without one (a bare sysctl record) shows the
 * device number, since kvmkit cannot ask the dumped system's devfs.
 */
export function tname(d: Decoded, devname: string | undefined): string {
  if (isNodev(d)) return '- ';
  let t = devname ?? String(d.ki_tdev);
  if (t.startsWith('tty') || t.startsWith('cua')) t = t.slice(3);
  if (t.startsWith('pts/')) t = t.slice(4);
  return t + (hasBit(d.ki_kiflag, KI_CTTY) ? ' ' : '-');
}

/** print.c longtname(): the TTY column, the full device name or "-". */
export function longtname(d: Decoded, devname: string | undefined): string {
  return isNodev(d) ? '-' : (devname ?? String(d.ki_tdev));
}

/** print.c lockname()/mwchan(): the lock a thread blocks on, "???" when it has no name. */
export function lockText(d: Decoded): string | null {
  if (!hasBit(d.ki_kiflag, KI_LOCKBLOCK)) return null;
  return d.ki_lockname ? d.ki_lockname : '???';
}

/**
 * A record as the ps rules read it. kinfo_proc32 of the fbsd15-reaper revision wraps its 64-bit
 * ki_runtime and ki_tdev in freebsd32_uint64_t (a struct: one uint64 `val`, or two uint32 words on
 * amd64, whose order is the arch's byte order); the rules want the plain number.
 */
export function psView(d: Decoded, littleEndian: boolean): Decoded {
  const plain = (v: any): any => {
    if (v === null || typeof v !== 'object' || !('val' in v)) return v;
    if (!Array.isArray(v.val)) return BigInt(v.val);
    const [a, b] = v.val.map((w: number) => BigInt(w >>> 0));
    return littleEndian ? a | (b << 32n) : b | (a << 32n);
  };
  return { ...d, ki_tdev: plain(d.ki_tdev), ki_runtime: plain(d.ki_runtime) };
}
