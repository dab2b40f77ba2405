/**
 * The pid hash's shape and visit order (sys/kern/kern_proc.c; spec §2.2), in one place for the
 * simulator that builds the table, the live sysctl that walks it and the kvm walker that walks it
 * again in a dump.
 */
/** procinit(): one lock per 64 buckets, `pidhashlock` being the mask of the lock array. */
export declare function pidhashlockFor(pidhash: number): number;
/**
 * The bucket indexes in the order sysctl_kern_proc visits them: lock stripe i = 0 … pidhashlock,
 * and under stripe i the buckets i, i + pidhashlock + 1, … up to pidhash.
 */
export declare function pidHashBuckets(pidhash: number, pidhashlock: number): Generator<number>;
