import { EXIT_CHANGES, EXIT_INCOMPATIBLE } from "../../base/exit.js";
import { abiDiff } from "./diff.js";
import { compatVsNative } from "./compat.js";
import { archList } from "./text.js";
import { ABI_STRUCTS } from "./types.js";
import { archesOf, checkStruct, layoutOf, resolveRevision } from "./revs.js";
/**
 * One CI gate for a revision: CTASSERT on every arch (both records: they are checked together by the
 * kernel build), the spare rule against the base revision, and compat-vs-native.
 * Exit bits: 8 (with 4) for an incompatible or flagged diff, a failed CTASSERT, or a compat byte-layout
 * mismatch; 4 alone for compatible changes against the base or compat warnings (fields never copied,
 * endianness).
 */
export function abiCheck(opts) {
    const struct = checkStruct(opts.struct);
    const def = resolveRevision(opts.rev);
    const problems = [];
    let incompatible = false;
    let changes = false;
    const ctassert = [];
    for (const s of ABI_STRUCTS) {
        for (const arch of archesOf(def, s)) {
            const l = layoutOf(opts.rev, def, s, arch);
            if (l.ctassert)
                ctassert.push({ struct: s, arch, macro: l.ctassert.macro, expected: l.ctassert.expected, actual: l.size, holds: l.ctassert.holds });
        }
    }
    for (const c of ctassert.filter((x) => !x.holds)) {
        problems.push(`CTASSERT(sizeof(struct ${c.struct}) == ${c.macro}) fails on ${c.arch}: asserted ${c.expected}, laid out ${c.actual}`);
        incompatible = true;
    }
    const baseRef = opts.base === false ? undefined : (opts.base ?? def.base);
    let spareRule;
    if (baseRef !== undefined) {
        spareRule = abiDiff({ struct, from: baseRef, to: opts.rev });
        if (spareRule.verdict !== 'identical')
            changes = true;
        for (const c of spareRule.changes) {
            if (c.severity === 'flagged' || c.severity === 'incompatible') {
                problems.push(`${c.severity}: ${c.field === '(struct)' ? '' : c.field + ': '}${c.summary} (${archList(c.arches, spareRule.arches)})`);
                incompatible = true;
            }
        }
    }
    const compat = compatVsNative(opts.rev, opts.compat);
    const seen = new Set();
    for (const p of compat.pairs) {
        for (const f of p.findings) {
            if (f.severity === 'info')
                continue;
            const line = `compat ${p.arch} vs native ${p.native}: ${f.severity}: ${f.field}: ${f.message}`;
            if (seen.has(line))
                continue;
            seen.add(line);
            problems.push(line);
            if (f.severity === 'incompatible')
                incompatible = true;
            else
                changes = true;
        }
    }
    for (const f of compat.copyout?.findings ?? []) {
        problems.push(`compat copyout: ${f.severity}: ${f.field}: ${f.message}`);
        if (f.severity === 'incompatible')
            incompatible = true;
        else
            changes = true;
    }
    const exitCode = incompatible ? EXIT_CHANGES | EXIT_INCOMPATIBLE : changes ? EXIT_CHANGES : 0;
    return {
        revision: def.revision,
        struct,
        base: spareRule?.from,
        ctassert,
        spareRule,
        compat,
        problems,
        verdict: incompatible ? 'incompatible' : changes ? 'changes' : 'ok',
        exitCode,
    };
}
