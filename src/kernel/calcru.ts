import type { Proc, RuCounter, RusageExt, Thread, Timeval } from './model.ts';

/**
 * CPU-time arithmetic of sys/kern/kern_tc.c and sys/kern/kern_resource.c (spec §2.4):
 * cputick2usec, the calcru1 split with its monotonicity memory, ruxagg and rufetch.
 *
 * Purity: the kernel's ruxagg folds a thread's pending time into p_rux/td_rux and calcru1 writes
 * uu/su/tu back. Both are idempotent for a snapshot (after the first call, folding adds 0 and the
 * monotonic maxima equal the stored values), so these functions compute the values the first call
 * would produce and never modify the model.
 */

const U64 = (1n << 64n) - 1n;

/** cputick2usec(t) = (t / f)·10⁶ + ((t mod f)·10⁶)/f, in uint64 arithmetic. */
export function cputick2usec(tick: bigint, freq: bigint): bigint {
  return (((tick / freq) * 1000000n) & U64) + ((((tick % freq) * 1000000n) & U64) / freq);
}

/** A rusage_ext with a thread's pending time folded in (ruxagg_locked on a copy). */
export function ruxWithPending(rux: RusageExt, tds: readonly Thread[]): RusageExt {
  const r = { ...rux };
  for (const td of tds) {
    r.rux_runtime += td.td_incruntime;
    r.rux_uticks += td.td_uticks;
    r.rux_sticks += td.td_sticks;
    r.rux_iticks += td.td_iticks;
  }
  return r;
}

/** The process's p_rux as calcru/rufetch leave it: every thread's pending increment folded in. */
export function procRux(p: Proc): RusageExt {
  return ruxWithPending(p.p_rux, p.p_threads);
}

/** The thread's td_rux after ruxagg (its own pending increment folded in). */
export function threadRux(td: Thread): RusageExt {
  return ruxWithPending(td.td_rux, [td]);
}

/** calcru1's user, system and total microseconds (the timevals are usecToTimeval of uu and su). */
export interface CalcruResult { uu: bigint; su: bigint; tu: bigint }

/**
 * calcru1: split the runtime into user and system microseconds by the tick counts, never going
 * below the previously reported values. Exact in the kernel's fast path (tu ≤ 2³⁸, tt ≤ 2²⁶);
 * outside it the kernel uses mul64_by_fraction, which this computes exactly with bigint [U].
 */
export function calcru1(rux: RusageExt, freq: bigint): CalcruResult {
  const ut = rux.rux_uticks;
  let st = rux.rux_sticks;
  const it = rux.rux_iticks;
  let tt = ut + st + it;
  if (tt === 0n) {
    st = 1n;
    tt = 1n;
  }
  let tu = cputick2usec(rux.rux_runtime, freq);
  // (int64_t)tu < 0: a negative runtime; the kernel falls back to the stored total.
  if (tu >= 1n << 63n) tu = rux.rux_tu;
  let uu = (tu * ut) / tt;
  let su = (tu * st) / tt;
  if (tu >= rux.rux_tu) {
    if (uu < rux.rux_uu) uu = rux.rux_uu;
    if (su < rux.rux_su) su = rux.rux_su;
  } else if (tu + 3n > rux.rux_tu || 101n * tu > 100n * rux.rux_tu) {
    uu = rux.rux_uu;
    su = rux.rux_su;
    tu = rux.rux_tu;
  }
  return { uu, su, tu };
}

export function usecToTimeval(us: bigint): Timeval {
  return { sec: us / 1000000n, usec: us % 1000000n };
}

/** timevaladd + timevalfix. */
export function timevalAdd(a: Timeval, b: Timeval): Timeval {
  let sec = a.sec + b.sec;
  let usec = a.usec + b.usec;
  if (usec < 0n) {
    sec -= 1n;
    usec += 1000000n;
  }
  if (usec >= 1000000n) {
    sec += 1n;
    usec -= 1000000n;
  }
  return { sec, usec };
}

/**
 * rufetch(p, &ru) for one long counter: p_ru's value with every thread's td_ru collected as
 * rucollect does (ru_maxrss the maximum, ru_ixrss … ru_nivcsw summed). The sum is exact; the
 * record's long takes it modulo 2^64, as the kernel's long arithmetic wraps. Counter by counter,
 * so no rusage is copied: the caller writes each value straight into the record.
 */
export function rufetchCounter(p: Proc, k: RuCounter): bigint {
  let x = p.p_ru[k];
  if (k === 'ru_maxrss') {
    for (const td of p.p_threads) if (x < td.td_ru.ru_maxrss) x = td.td_ru.ru_maxrss;
  } else {
    for (const td of p.p_threads) x += td.td_ru[k];
  }
  return x;
}
