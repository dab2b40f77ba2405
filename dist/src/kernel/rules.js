import { KvmkitError } from "../base/errors.js";
const RULES = {
    fbsd14: { revision: 'fbsd14', sflagAlwaysInmem: false, rssizeSkipsSwapped: true, reaperFill: 'pgrp-start' },
    fbsd15: { revision: 'fbsd15', sflagAlwaysInmem: true, rssizeSkipsSwapped: false, reaperFill: 'pgrp-start' },
    'fbsd15-reaper': { revision: 'fbsd15-reaper', sflagAlwaysInmem: true, rssizeSkipsSwapped: false, reaperFill: 'pgrp-start' },
};
export function liveRules(revision) {
    const r = RULES[revision];
    if (!r)
        throw new KvmkitError(`no live-path rules for revision "${revision}" (known: ${Object.keys(RULES).join(', ')})`, { revision });
    return r;
}
export function liveRevisions() {
    return Object.keys(RULES);
}
