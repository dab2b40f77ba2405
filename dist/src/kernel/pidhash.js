/**
 * The pid hash's shape and visit order (sys/kern/kern_proc.c; spec §2.2), in one place for the
 * simulator that builds the table, the live sysctl that walks it and the kvm walker that walks it
 * again in a dump.
 */
/** procinit(): one lock per 64 buckets, `pidhashlock` being the mask of the lock array. */
export function pidhashlockFor(pidhash) {
    const locks = Math.floor((pidhash + 1) / 64);
    return locks > 0 ? locks - 1 : 0;
}
/**
 * The bucket indexes in the order sysctl_kern_proc visits them: lock stripe i = 0 … pidhashlock,
 * and under stripe i the buckets i, i + pidhashlock + 1, … up to pidhash.
 */
export function* pidHashBuckets(pidhash, pidhashlock) {
    for (let i = 0; i <= pidhashlock; i++) {
        for (let j = i; j <= pidhash; j += pidhashlock + 1)
            yield j;
    }
}
