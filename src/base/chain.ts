import { KvmkitError, type ErrorContext } from './errors.ts';

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
export function followChain<K>(start: K, next: (key: K) => K | undefined, o: ChainOptions<K>): K[] {
  const show = o.show ?? String;
  const seen = new Map<K, number>();
  const out: K[] = [];
  for (let k: K | undefined = start; k !== undefined; k = next(k)) {
    const at = seen.get(k);
    if (at !== undefined) {
      throw new KvmkitError(`${o.what} is a cycle: it comes back to ${show(k)} after ${out.length - at} step(s) (${out.slice(at).map(show).join(' -> ')} -> ${show(k)})`, o.context);
    }
    if (out.length >= o.limit) throw new KvmkitError(`${o.what} is longer than ${o.limit} steps; refusing to follow it further`, o.context);
    seen.set(k, out.length);
    out.push(k);
  }
  return out;
}
