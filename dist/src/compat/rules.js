import { KvmkitError } from "../base/errors.js";
import { LAYOUT_FILES, layoutData } from "../layout/index.js";
export const CONVERSIONS = ['SET', 'CP', 'PTRTRIM', 'TV', 'RU', 'FU64', 'BYTES'];
export const COMPAT_COPYOUT_FILE = LAYOUT_FILES.compatCopyout.path;
function table() {
    return layoutData(LAYOUT_FILES.compatCopyout);
}
const cache = new Map();
export function copyoutRules(revision) {
    const hit = cache.get(revision);
    if (hit)
        return hit;
    const t = table();
    const e = t.revisions[revision];
    if (!e)
        throw new KvmkitError(`no compat copyout rules for revision "${revision}" in the table (known: ${Object.keys(t.revisions).join(', ')})`, { revision, file: COMPAT_COPYOUT_FILE });
    const base = e.extends ? copyoutRules(e.extends) : { revision, fields: new Map(), notes: {}, sources: [] };
    const fields = new Map(base.fields);
    const notes = { ...base.notes, ...(e.notes ?? {}) };
    const put = (src, mode) => {
        for (const [conv, list] of Object.entries(src ?? {})) {
            if (!CONVERSIONS.includes(conv))
                throw new KvmkitError(`unknown conversion ${conv}`, { revision, file: COMPAT_COPYOUT_FILE, field: mode });
            for (const f of list) {
                if (mode === 'move' && !fields.has(f))
                    throw new KvmkitError(`"move" names ${f}, which the base revision does not copy`, { revision, file: COMPAT_COPYOUT_FILE, field: f });
                if (mode !== 'move' && fields.has(f))
                    throw new KvmkitError(`${f} has two rules`, { revision, file: COMPAT_COPYOUT_FILE, field: f });
                fields.set(f, conv);
                delete notes[f];
            }
        }
    };
    put(e.copy, 'copy');
    put(e.add, 'add');
    put(e.move, 'move');
    if (e.omit) {
        const list = Array.isArray(e.omit) ? e.omit : Object.keys(e.omit);
        for (const f of list) {
            fields.delete(f);
            if (!Array.isArray(e.omit))
                notes[f] = e.omit[f];
        }
    }
    const r = { revision, fields, notes, sources: [...base.sources, ...(e.source ? [e.source] : [])] };
    cache.set(revision, r);
    return r;
}
