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
/** uint64_t arithmetic: every sum and product the kernel makes in these types wraps modulo 2⁶⁴. */
const u64 = (x) => (x > U64 ? x & U64 : x); // (compare first: a BigInt & allocates, and wraps are rare)
/** cputick2usec(t) = (t / f)·10⁶ + ((t mod f)·10⁶)/f, in uint64 arithmetic. */
export function cputick2usec(tick, freq) {
    return u64(u64((tick / freq) * 1000000n) + u64((tick % freq) * 1000000n) / freq);
}
/** flsll: the 1-based index of the highest set bit, 0 for 0. */
function flsll(x) {
    return x === 0n ? 0 : x.toString(2).length;
}
/**
 * mul64_by_fraction(a, b, c) of sys/kern/kern_resource.c: a·b/c for calcru1 outside its fast
 * path, in uint64 arithmetic without a 128-bit product. It is not the exact quotient: each split of
 * b floors a partial product, so the result can fall short of ⌊a·b/c⌋ by a few units, and those
 * units are what the kernel reports. a ≥ 2⁶³ gives 0 ("can't happen"); so does running out of
 * its 128 iterations.
 */
export function mul64ByFraction(a, b, c) {
    if (a >= 1n << 63n)
        return 0n;
    let acc = 0n;
    for (let i = 0; i < 128; i++) {
        let sa = flsll(a);
        const sb = flsll(b);
        if (sa + sb <= 64)
            return u64(acc + (a * b) / c);
        if (a >= c) {
            // a = q·c + r: q·b goes to the accumulator, r stays.
            acc = u64(acc + u64((a / c) * b));
            a %= c;
            sa = flsll(a);
            if (sa + sb <= 64)
                return u64(acc + (a * b) / c);
        }
        // a·b = (a << s)·(b >> s) + a·(b mod 2^s), with s the room left above a.
        const s = BigInt(64 - sa);
        const bh = b >> s;
        const bl = b - (bh << s);
        acc = u64(acc + (a * bl) / c);
        a = u64(a << s);
        b = bh;
    }
    return 0n;
}
/** A rusage_ext with the threads' pending time folded in (ruxagg_locked on a copy). */
export function ruxWithPending(rux, tds) {
    let runtime = rux.rux_runtime;
    let uticks = rux.rux_uticks;
    let sticks = rux.rux_sticks;
    let iticks = rux.rux_iticks;
    for (const td of tds) {
        runtime += td.td_incruntime;
        uticks += td.td_uticks;
        sticks += td.td_sticks;
        iticks += td.td_iticks;
    }
    // uint64_t members: the folds wrap (once at the end gives the same bits as at every step).
    if ((runtime | uticks | sticks | iticks) > U64)
        return { rux_runtime: u64(runtime), rux_uticks: u64(uticks), rux_sticks: u64(sticks), rux_iticks: u64(iticks), rux_uu: rux.rux_uu, rux_su: rux.rux_su, rux_tu: rux.rux_tu };
    return { rux_runtime: runtime, rux_uticks: uticks, rux_sticks: sticks, rux_iticks: iticks, rux_uu: rux.rux_uu, rux_su: rux.rux_su, rux_tu: rux.rux_tu };
}
/** The process's p_rux as calcru/rufetch leave it: every thread's pending increment folded in. */
export function procRux(p) {
    return ruxWithPending(p.p_rux, p.p_threads);
}
/** The thread's td_rux after ruxagg (its own pending increment folded in). */
export function threadRux(td) {
    const rux = td.td_rux;
    return {
        rux_runtime: u64(rux.rux_runtime + td.td_incruntime), rux_uticks: u64(rux.rux_uticks + td.td_uticks), rux_sticks: u64(rux.rux_sticks + td.td_sticks),
        rux_iticks: u64(rux.rux_iticks + td.td_iticks), rux_uu: rux.rux_uu, rux_su: rux.rux_su, rux_tu: rux.rux_tu,
    };
}
/**
 * calcru1: split the runtime into user and system microseconds by the tick counts, never going
 * below the previously reported values. uint64 arithmetic throughout; (tu·ut)/tt directly in the
 * kernel's fast path (tu ≤ 2³⁸, tt ≤ 2²⁶: about 76 hours of CPU), mul64_by_fraction outside it
 * (a long-running daemon, or the idle threads of a big machine).
 */
export function calcru1(rux, freq) {
    const ut = rux.rux_uticks;
    let st = rux.rux_sticks;
    const it = rux.rux_iticks;
    let tt = u64(ut + st + it);
    if (tt === 0n) {
        st = 1n;
        tt = 1n;
    }
    let tu = cputick2usec(rux.rux_runtime, freq);
    // (int64_t)tu < 0: a negative runtime; the kernel falls back to the stored total.
    if (tu >= 1n << 63n)
        tu = rux.rux_tu;
    let uu;
    let su;
    if (tu <= 1n << 38n && tt <= 1n << 26n) {
        uu = u64(tu * ut) / tt;
        su = u64(tu * st) / tt;
    }
    else {
        uu = mul64ByFraction(tu, ut, tt);
        su = mul64ByFraction(tu, st, tt);
    }
    if (tu >= rux.rux_tu) {
        if (uu < rux.rux_uu)
            uu = rux.rux_uu;
        if (su < rux.rux_su)
            su = rux.rux_su;
    }
    else if (u64(tu + 3n) > rux.rux_tu || u64(101n * tu) > u64(100n * rux.rux_tu)) {
        uu = rux.rux_uu;
        su = rux.rux_su;
        tu = rux.rux_tu;
    }
    return { uu, su, tu };
}
export function usecToTimeval(us) {
    return { sec: us / 1000000n, usec: us % 1000000n };
}
/** timevaladd + timevalfix. */
export function timevalAdd(a, b) {
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
export function zeroRuCounters() {
    return {
        ru_maxrss: 0n, ru_ixrss: 0n, ru_idrss: 0n, ru_isrss: 0n, ru_minflt: 0n, ru_majflt: 0n, ru_nswap: 0n, ru_inblock: 0n,
        ru_oublock: 0n, ru_msgsnd: 0n, ru_msgrcv: 0n, ru_nsignals: 0n, ru_nvcsw: 0n, ru_nivcsw: 0n,
    };
}
/**
 * rucollect(ru, ru2): ru_maxrss takes the maximum, ru_ixrss … ru_nivcsw are summed. The sums are
 * exact; the record's longs take them modulo 2^64, as the kernel's long arithmetic wraps. Member
 * by member, as the C's pointer walk from ru_first to ru_last (a loop over member names would
 * turn every access into a keyed lookup).
 */
export function rucollect(ru, ru2) {
    if (ru.ru_maxrss < ru2.ru_maxrss)
        ru.ru_maxrss = ru2.ru_maxrss;
    ru.ru_ixrss += ru2.ru_ixrss;
    ru.ru_idrss += ru2.ru_idrss;
    ru.ru_isrss += ru2.ru_isrss;
    ru.ru_minflt += ru2.ru_minflt;
    ru.ru_majflt += ru2.ru_majflt;
    ru.ru_nswap += ru2.ru_nswap;
    ru.ru_inblock += ru2.ru_inblock;
    ru.ru_oublock += ru2.ru_oublock;
    ru.ru_msgsnd += ru2.ru_msgsnd;
    ru.ru_msgrcv += ru2.ru_msgrcv;
    ru.ru_nsignals += ru2.ru_nsignals;
    ru.ru_nvcsw += ru2.ru_nvcsw;
    ru.ru_nivcsw += ru2.ru_nivcsw;
}
/** `*ru = *ru2` for the counters. */
export function copyRuCounters(ru, ru2) {
    ru.ru_maxrss = ru2.ru_maxrss;
    ru.ru_ixrss = ru2.ru_ixrss;
    ru.ru_idrss = ru2.ru_idrss;
    ru.ru_isrss = ru2.ru_isrss;
    ru.ru_minflt = ru2.ru_minflt;
    ru.ru_majflt = ru2.ru_majflt;
    ru.ru_nswap = ru2.ru_nswap;
    ru.ru_inblock = ru2.ru_inblock;
    ru.ru_oublock = ru2.ru_oublock;
    ru.ru_msgsnd = ru2.ru_msgsnd;
    ru.ru_msgrcv = ru2.ru_msgrcv;
    ru.ru_nsignals = ru2.ru_nsignals;
    ru.ru_nvcsw = ru2.ru_nvcsw;
    ru.ru_nivcsw = ru2.ru_nivcsw;
    return ru;
}
/**
 * rufetch(p, ru): p_ru, then every thread's td_ru collected. Into the caller's `ru` (the kernel
 * fills the caller's struct too), so a record costs no allocation.
 */
export function rufetch(p, ru) {
    copyRuCounters(ru, p.p_ru);
    for (const td of p.p_threads)
        rucollect(ru, td.td_ru);
    return ru;
}
