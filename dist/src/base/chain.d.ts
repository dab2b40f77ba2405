import { type ErrorContext } from './errors.ts';
/**
 * Walking data that names other data (reaper links, parent pids, kernel lists, typedef chains) is
 * where input controls the depth. This is the one iterative, cycle-safe walk: it never recurses, it
 * stops at `limit` steps, and a cycle is reported with the key where it closes.
 */
export interface ChainOptions<K> {
    /** What the chain is, for the error ("reaper chain of pid 812"). */
    what: string;
    limit: number;
    /** Shown in errors; defaults to String(key). */
    show?: (key: K) => string;
    context?: ErrorContext;
}
/** The keys from `start` following `next` until it returns undefined. Throws on a cycle or past `limit`. */
export declare function followChain<K>(start: K, next: (key: K) => K | undefined, o: ChainOptions<K>): K[];
