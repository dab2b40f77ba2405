import { KvmkitError } from "./errors.js";
/** The keys from `start` following `next` until it returns undefined. Throws on a cycle or past `limit`. */
export function followChain(start, next, o) {
    const show = o.show ?? String;
    const seen = new Map();
    const out = [];
    for (let k = start; k !== undefined; k = next(k)) {
        const at = seen.get(k);
        if (at !== undefined) {
            throw new KvmkitError(`${o.what} is a cycle: it comes back to ${show(k)} after ${out.length - at} step(s) (${out.slice(at).map(show).join(' -> ')} -> ${show(k)})`, o.context);
        }
        if (out.length >= o.limit)
            throw new KvmkitError(`${o.what} is longer than ${o.limit} steps; refusing to follow it further`, o.context);
        seen.set(k, out.length);
        out.push(k);
    }
    return out;
}
