import { NODEV } from "../kernel/constants.js";
/**
 * The ps-like table every command that lists records prints (decode, sysctl, ps): one line per
 * record from its decoded form; fields a source could not recover print as "-".
 */
const STAT = ['?', 'I', 'R', 'S', 'T', 'Z', 'W', 'L'];
/** ps(1)'s state letters, reduced: state, then s (session leader), + (foreground), J (jailed), X (traced). */
function statText(d, un) {
    if (un.has('ki_stat'))
        return '-';
    let s = STAT[d.ki_stat] ?? '?';
    if (!un.has('ki_kiflag') && Number(d.ki_kiflag) & 2)
        s += 's';
    if (!un.has('ki_tpgid') && !un.has('ki_pgid') && d.ki_tpgid === d.ki_pgid && d.ki_pgid !== 0)
        s += '+';
    if (!un.has('ki_flag') && Number(BigInt(d.ki_flag) & 0x01000000n))
        s += 'J';
    if (!un.has('ki_flag') && Number(BigInt(d.ki_flag) & 0x800n))
        s += 'X';
    return s;
}
export function tableHeader(threads) {
    return ['   PID', '  PPID', '  PGID', '   SID', '  TT', 'STAT ', '  UID', ...(threads ? ['    TID'] : []), 'COMM'].join(' ');
}
/**
 * ps(1)'s TT from the terminal's device name (tname() in bin/ps/print.c): "tty"/"cua" and then
 * "pts/" prefixes dropped, "-" appended when the session has lost the terminal (no KI_CTTY).
 */
export function ttyShort(name, kiflag) {
    let t = name;
    if (t.startsWith('tty') || t.startsWith('cua'))
        t = t.slice(3);
    if (t.startsWith('pts/'))
        t = t.slice(4);
    return t + (kiflag & 1 /* KI_CTTY */ ? '' : '-');
}
/**
 * One line. `tty` is the controlling terminal's device name when the source knows it (a walk of
 * a dump or a model); a bare record has only ki_tdev, printed as the number.
 */
export function tableLine(d, threads, unavailable = [], tty) {
    const un = new Set(unavailable);
    const f = (name, w, v = d[name]) => (un.has(name) ? '-' : String(v)).padStart(w);
    const tt = un.has('ki_tdev') ? '-' : BigInt(d.ki_tdev) === NODEV ? '??' : tty !== undefined ? ttyShort(tty, Number(d.ki_kiflag)) : String(d.ki_tdev);
    const cols = [f('ki_pid', 6), f('ki_ppid', 6), f('ki_pgid', 6), f('ki_sid', 6), tt.padStart(4), statText(d, un).padEnd(5), f('ki_uid', 5)];
    if (threads)
        cols.push(f('ki_tid', 7));
    const comm = un.has('ki_comm') ? '-' : d.ki_comm;
    const tdname = un.has('ki_tdname') ? '-' : d.ki_tdname + (un.has('ki_moretdname') ? '' : d.ki_moretdname ?? '');
    cols.push(threads && tdname !== comm ? `${comm}/${tdname}` : comm);
    return cols.join(' ');
}
