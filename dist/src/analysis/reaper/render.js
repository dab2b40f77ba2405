import { REAPER_PIDINFO_CHILD, REAPER_PIDINFO_EXITING, REAPER_PIDINFO_REAPER, REAPER_PIDINFO_STOPPED, REAPER_PIDINFO_VALID, REAPER_PIDINFO_ZOMBIE, REAPER_STATUS_EX_DIRECT_CHILD, REAPER_STATUS_EX_OWNED, REAPER_STATUS_EX_REALINIT, REAPER_STATUS_EX_REAPER, REAPER_STATUS_OWNED, REAPER_STATUS_REALINIT } from "../../kernel/procctl.js";
import { REAPER_LIMITS } from "./rebuild.js";
/** Text, JSON and Graphviz renderings of a rebuilt reaper view. */
export function statusFlagNames(f) {
    const out = [];
    if (f & REAPER_STATUS_OWNED)
        out.push('OWNED');
    if (f & REAPER_STATUS_REALINIT)
        out.push('REALINIT');
    return out;
}
export function statusExFlagNames(f) {
    const out = [];
    if (f & REAPER_STATUS_EX_OWNED)
        out.push('OWNED');
    if (f & REAPER_STATUS_EX_REALINIT)
        out.push('REALINIT');
    if (f & REAPER_STATUS_EX_DIRECT_CHILD)
        out.push('DIRECT_CHILD');
    if (f & REAPER_STATUS_EX_REAPER)
        out.push('REAPER');
    return out;
}
export function pidinfoFlagNames(f) {
    const out = [];
    if (f & REAPER_PIDINFO_VALID)
        out.push('VALID');
    if (f & REAPER_PIDINFO_CHILD)
        out.push('CHILD');
    if (f & REAPER_PIDINFO_REAPER)
        out.push('REAPER');
    if (f & REAPER_PIDINFO_ZOMBIE)
        out.push('ZOMBIE');
    if (f & REAPER_PIDINFO_STOPPED)
        out.push('STOPPED');
    if (f & REAPER_PIDINFO_EXITING)
        out.push('EXITING');
    return out;
}
function label(view, pid) {
    const p = view.procs.get(pid);
    if (!p)
        return `${pid} (not in the records)`;
    const tags = [];
    if (view.isKnownReaper(pid) && pid !== 0)
        tags.push('reaper');
    if (p.stat === 5)
        tags.push('zombie');
    if (p.flag & 0x800)
        tags.push(`traced by ${p.tracer}`);
    return `${pid} ${p.comm || '?'}${tags.length ? ` [${tags.join(', ')}]` : ''}`;
}
/** The readable tree: each reaper, its subtrees and their members; nested reapers expanded under their entry. */
export function renderTree(view, opts = {}) {
    const max = opts.maxMembers ?? Number.POSITIVE_INFINITY;
    const lines = [];
    const walk = (n, indent) => {
        const head = n.invisible ? `reaper ${n.pid} (not in the records)` : `reaper ${label(view, n.pid)}`;
        lines.push(`${indent}${head}: ${n.descendants} descendant${n.descendants === 1 ? '' : 's'}, ${n.children} child${n.children === 1 ? '' : 'ren'}, ${n.subtrees.length} subtree${n.subtrees.length === 1 ? '' : 's'}`);
        const nested = new Map(n.reapers.map((r) => [r.pid, r]));
        for (const st of n.subtrees) {
            lines.push(`${indent}  subtree ${st.id}${view.procs.has(st.id) ? '' : ' (founder gone)'}: ${st.members.length} member${st.members.length === 1 ? '' : 's'}`);
            st.members.slice(0, max).forEach((m) => {
                const r = nested.get(m);
                if (r)
                    walk(r, `${indent}    `);
                else
                    lines.push(`${indent}    ${label(view, m)}`);
            });
            if (st.members.length > max)
                lines.push(`${indent}    … ${st.members.length - max} more`);
        }
    };
    for (const root of view.hierarchy())
        walk(root, '');
    const problems = view.check();
    if (problems.length)
        lines.push('', 'inconsistencies:', ...problems.map((p) => `  ${p}`));
    return lines.join('\n');
}
/** JSON: the hierarchy, every process's reaper facts, the source and the limits. */
export function treeJson(view) {
    return {
        source: view.source,
        complete: view.complete,
        reapers: [...view.knownReapers].filter((r) => view.procs.has(r) || view.list(r).length).sort((a, b) => a - b),
        hierarchy: view.hierarchy(),
        processes: [...view.procs.values()].sort((a, b) => a.pid - b.pid).map((p) => ({
            pid: p.pid, comm: p.comm, ppid: p.ppid, reaper: p.reaper, subtree: p.subtree, effectiveReaper: view.effectiveReaper(p),
            knownReaper: view.isKnownReaper(p.pid), zombie: p.stat === 5, tracer: p.tracer || undefined,
        })),
        inconsistencies: view.check(),
        limits: REAPER_LIMITS,
    };
}
const dotq = (s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
/** Graphviz: one cluster per (reaper, subtree); reaper → member edges; reapers drawn bold. */
export function renderDot(view) {
    const out = ['digraph reapers {', '  rankdir=LR;', '  node [shape=box, fontname="monospace", fontsize=10];'];
    const declared = new Set();
    const node = (pid, indent) => {
        if (declared.has(pid))
            return;
        declared.add(pid);
        const p = view.procs.get(pid);
        const attrs = [`label=${dotq(p ? `${pid} ${p.comm}` : `${pid} ?`)}`];
        if (view.isKnownReaper(pid))
            attrs.push('style="bold,filled"', 'fillcolor="#dde8ff"');
        if (p?.stat === 5)
            attrs.push('color=gray', 'fontcolor=gray');
        if (!p)
            attrs.push('style=dashed');
        out.push(`${indent}p${pid} [${attrs.join(', ')}];`);
    };
    const walk = (n) => {
        node(n.pid, '  ');
        for (const st of n.subtrees) {
            out.push(`  subgraph cluster_${n.pid}_${st.id} {`, `    label=${dotq(`reaper ${n.pid} · subtree ${st.id}`)};`, '    style=rounded; color="#999999";');
            for (const m of st.members)
                node(m, '    ');
            out.push('  }');
            for (const m of st.members)
                out.push(`  p${n.pid} -> p${m};`);
        }
        for (const r of n.reapers)
            walk(r);
    };
    for (const root of view.hierarchy())
        walk(root);
    out.push('}');
    return out.join('\n') + '\n';
}
