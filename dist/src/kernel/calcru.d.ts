import type { Proc, Rusage, RusageExt, Thread, Timeval } from './model.ts';
/** cputick2usec(t) = (t / f)·10⁶ + ((t mod f)·10⁶)/f, in uint64 arithmetic. */
export declare function cputick2usec(tick: bigint, freq: bigint): bigint;
/**
 * mul64_by_fraction(a, b, c) of sys/kern/kern_resource.c: a·b/c for calcru1 outside its fast
 * path, in uint64 arithmetic without a 128-bit product. It is not the exact quotient: each split of
 * b floors a partial product, so the result can fall short of ⌊a·b/c⌋ by a few units, and those
 * units are what the kernel reports. a ≥ 2⁶³ gives 0 ("can't happen"); so does running out of
 * its 128 iterations.
 */
export declare function mul64ByFraction(a: bigint, b: bigint, c: bigint): bigint;
/** A rusage_ext with the threads' pending time folded in (ruxagg_locked on a copy). */
export declare function ruxWithPending(rux: RusageExt, tds: readonly Thread[]): RusageExt;
/** The process's p_rux as calcru/rufetch leave it: every thread's pending increment folded in. */
export declare function procRux(p: Proc): RusageExt;
/** The thread's td_rux after ruxagg (its own pending increment folded in). */
export declare function threadRux(td: Thread): RusageExt;
/** calcru1's user, system and total microseconds (the timevals are usecToTimeval of uu and su). */
export interface CalcruResult {
    uu: bigint;
    su: bigint;
    tu: bigint;
}
/**
 * calcru1: split the runtime into user and system microseconds by the tick counts, never going
 * below the previously reported values. uint64 arithmetic throughout; (tu·ut)/tt directly in the
 * kernel's fast path (tu ≤ 2³⁸, tt ≤ 2²⁶: about 76 hours of CPU), mul64_by_fraction outside it
 * (a long-running daemon, or the idle threads of a big machine).
 */
export declare function calcru1(rux: RusageExt, freq: bigint): CalcruResult;
export declare function usecToTimeval(us: bigint): Timeval;
/** timevaladd + timevalfix. */
export declare function timevalAdd(a: Timeval, b: Timeval): Timeval;
/** The long counters of a struct rusage: what rufetch sums (ru_utime/ru_stime come from calcru). */
export type RuCounters = Omit<Rusage, 'ru_utime' | 'ru_stime'>;
export declare function zeroRuCounters(): RuCounters;
/**
 * rucollect(ru, ru2): ru_maxrss takes the maximum, ru_ixrss … ru_nivcsw are summed. The sums are
 * exact; the record's longs take them modulo 2^64, as the kernel's long arithmetic wraps. Member
 * by member, as the C's pointer walk from ru_first to ru_last (a loop over member names would
 * turn every access into a keyed lookup).
 */
export declare function rucollect(ru: RuCounters, ru2: RuCounters): void;
/** `*ru = *ru2` for the counters. */
export declare function copyRuCounters(ru: RuCounters, ru2: RuCounters): RuCounters;
/**
 * rufetch(p, ru): p_ru, then every thread's td_ru collected. Into the caller's `ru` (the kernel
 * fills the caller's struct too), so a record costs no allocation.
 */
export declare function rufetch(p: Proc, ru: RuCounters): RuCounters;
