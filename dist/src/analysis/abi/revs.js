import { node } from "../../base/platform.js";
import { KvmkitError, UsageError } from "../../base/errors.js";
import { ARCHES, computeLayout, getLayout, loadRevision, revisionNames } from "../../layout/index.js";
import { ABI_STRUCTS } from "./types.js";
/** Resolve a revision reference: a name in layouts/revisions, a path to a revision JSON file, or a definition. */
export function resolveRevision(ref) {
    if (typeof ref !== 'string')
        return ref;
    if (ref.endsWith('.json') || ref.includes('/')) {
        if (!node.fs.existsSync(ref))
            throw new UsageError(`revision file ${ref} does not exist`);
        try {
            const def = JSON.parse(node.fs.readFileSync(ref, 'utf8'));
            if (!def.revision || !def.structs)
                throw new Error('it has no "revision" or "structs"');
            return def;
        }
        catch (e) {
            throw new UsageError(`cannot read revision file ${ref}: ${e.message}`);
        }
    }
    if (!revisionNames().includes(ref))
        throw new UsageError(`unknown revision "${ref}" (known: ${revisionNames().join(', ')})`);
    return loadRevision(ref);
}
export function checkStruct(s) {
    if (!ABI_STRUCTS.includes(s))
        throw new UsageError(`unknown struct "${s}" (known: ${ABI_STRUCTS.join(', ')})`);
    return s;
}
/** Arches on which a revision defines a struct: those with an asserted size, or all when none is asserted. */
export function archesOf(def, struct) {
    if (!def.structs[struct])
        return [];
    const asserted = def.asserted?.[struct];
    return asserted ? ARCHES.filter((a) => asserted.sizes[a] !== undefined) : [...ARCHES];
}
/** A layout without CTASSERT enforcement (the checker reports failures instead of throwing). Named revisions are cached. */
export function layoutOf(ref, def, struct, arch) {
    try {
        if (typeof ref === 'string' && !ref.endsWith('.json') && !ref.includes('/'))
            return getLayout(struct, arch, ref, { enforce: false });
        return computeLayout(def, struct, arch, { enforce: false });
    }
    catch (e) {
        if (e instanceof KvmkitError)
            throw e;
        throw new KvmkitError(`cannot lay out struct ${struct}: ${e.message}`, { struct, arch, revision: def.revision });
    }
}
