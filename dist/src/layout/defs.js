import { KvmkitError } from "../base/errors.js";
import { LAYOUT_FILES, REVISION_FILES } from "./data.js";
/**
 * Loading of the declarative definitions in layouts/. Nothing here knows an offset: it reads ABI
 * facts, typedef chains, struct bodies (C member declarations) and asserted sizes.
 */
export const ARCHES = ['amd64', 'i386', 'arm64', 'armv7', 'powerpc', 'powerpc64', 'powerpc64le', 'riscv64'];
/** A layouts/ file's data as T. (Its shape is the file's contract; the layout engine checks what it uses.) */
export function layoutData(f) {
    return f.data;
}
let archCache;
export function archDefs() {
    return (archCache ??= layoutData(LAYOUT_FILES.arches).arches);
}
export function isArch(a) {
    return ARCHES.includes(a);
}
export function archDef(arch) {
    if (!isArch(arch))
        throw new KvmkitError(`unknown arch "${arch}" (known: ${ARCHES.join(', ')})`, { arch });
    return archDefs()[arch];
}
let typedefCache;
/** The typedef table in force for an arch: common, then data model, then the arch's own overrides. */
export function typedefsFor(arch) {
    typedefCache ??= layoutData(LAYOUT_FILES.typedefs);
    const t = typedefCache;
    return { ...t.common, ...t[archDefs()[arch].model], ...(t.arches[arch] ?? {}) };
}
let commonCache;
export function commonStructs() {
    return (commonCache ??= layoutData(LAYOUT_FILES.structs));
}
const revCache = new Map();
export function revisionNames() {
    const names = Object.keys(REVISION_FILES);
    // Oldest first: a revision comes after its base.
    const defs = new Map(names.map((n) => [n, loadRevision(n)]));
    const order = [];
    const visit = (n) => {
        if (order.includes(n))
            return;
        const b = defs.get(n)?.base;
        if (b && defs.has(b))
            visit(b);
        order.push(n);
    };
    names.sort().forEach(visit);
    return order;
}
export function loadRevision(name) {
    const hit = revCache.get(name);
    if (hit)
        return hit;
    const f = Object.hasOwn(REVISION_FILES, name) ? REVISION_FILES[name] : undefined;
    if (!f)
        throw new KvmkitError(`unknown revision "${name}" (known: ${Object.keys(REVISION_FILES).join(', ')})`, { revision: name });
    const def = layoutData(f);
    revCache.set(name, def);
    return def;
}
