import { holes } from "../../layout/index.js";
import { layoutOf, resolveRevision } from "./revs.js";
import { archList } from "./text.js";
import { SEVERITY_RANK } from "./types.js";
/**
 * A self-contained HTML page (inline CSS, no script, no external resource): for each arch, the two
 * layouts side by side as byte maps, 32 bytes a row; fields coloured by kind (integer, pointer,
 * string, spare, padding), changed bytes outlined by severity, and the change list on top.
 */
const ROW = 32;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
function segments(l) {
    const segs = [];
    for (const leaf of l.leaves()) {
        const top = leaf.path.split(/[.[]/)[0];
        const spare = /^ki_spare/.test(top);
        const type = leaf.count !== undefined ? `${leaf.type}[${leaf.count}]` : leaf.type;
        segs.push({ offset: leaf.offset, size: leaf.size, kind: spare ? 'spare' : leaf.kind, path: leaf.path, type });
    }
    for (const h of holes(l))
        segs.push({ offset: h.offset, size: h.size, kind: h.kind === 'tail' ? 'tail' : 'padding', path: h.path, type: h.kind === 'tail' ? 'tail padding' : 'padding' });
    return segs.sort((a, b) => a.offset - b.offset);
}
function markOf(marks, lo, hi) {
    let best;
    for (const m of marks)
        if (m.lo < hi && lo < m.hi && (!best || SEVERITY_RANK[m.sev] > SEVERITY_RANK[best.sev]))
            best = m;
    return best;
}
function byteMap(l, marks, side, rev) {
    const rows = [];
    const nrows = Math.ceil(l.size / ROW);
    const pieces = Array.from({ length: nrows }, () => []);
    for (const s of segments(l)) {
        let o = s.offset;
        const end = s.offset + s.size;
        const m = markOf(marks, s.offset, end);
        while (o < end) {
            const row = Math.floor(o / ROW);
            const col = o % ROW;
            const len = Math.min(end - o, ROW - col);
            const cls = [`k-${s.kind}`, m ? `chg sev-${m.sev}` : '', o > s.offset ? 'cont' : ''].filter(Boolean).join(' ');
            const label = s.path.replace(/^.*\.(?=[^.]+$)/, '.');
            const title = `${s.path}: ${s.type} @ ${s.offset} (+${s.size})${m ? ` — ${m.sev}: ${m.what}` : ''}`;
            pieces[row].push(`<div class="seg ${cls}" style="grid-column:${col + 1}/span ${len}" data-field="${esc(s.path)}" data-offset="${s.offset}" data-size="${s.size}" title="${esc(title)}"><span>${len >= 3 ? esc(label) : ''}</span></div>`);
            o += len;
        }
    }
    for (let r = 0; r < nrows; r++)
        rows.push(`<div class="row"><div class="off">${r * ROW}</div><div class="bytes">${pieces[r].join('')}</div></div>`);
    return `<div class="map" data-side="${side}" data-size="${l.size}"><h3>${esc(rev)} — ${l.size} bytes, align ${l.align}${l.ctassert ? `, ${esc(l.ctassert.macro)} ${l.ctassert.expected}${l.ctassert.holds ? ' ✓' : ' ✗ CTASSERT fails'}` : ''}</h3>${rows.join('')}</div>`;
}
const CSS = `
body{font:13px/1.35 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #ccd} h3{font-size:13px;margin:4px 0;font-weight:600}
.verdict{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600;color:#fff}
.v-identical,.v-info{background:#6a737d}.v-compatible{background:#2a7d3b}.v-flagged{background:#c76a00}.v-incompatible{background:#c0262d}
table.changes{border-collapse:collapse;margin:8px 0;width:100%} table.changes td,table.changes th{border:1px solid #d8dde3;padding:3px 6px;text-align:left;vertical-align:top}
td.sev{font-weight:600;white-space:nowrap} tr.sev-incompatible td.sev{color:#c0262d} tr.sev-flagged td.sev{color:#c76a00} tr.sev-compatible td.sev{color:#2a7d3b} tr.sev-info td.sev{color:#6a737d}
.legend span{display:inline-block;margin-right:10px} .legend i{display:inline-block;width:14px;height:12px;vertical-align:middle;margin-right:3px;border:1px solid #8888}
.pair{display:flex;gap:18px;align-items:flex-start}
.row{display:flex;height:17px} .off{width:38px;font:10px/17px ui-monospace,monospace;color:#6a737d;text-align:right;padding-right:4px}
.bytes{display:grid;grid-template-columns:repeat(${ROW},19px);width:${ROW * 19}px;background:#f6f8fa}
.seg{box-sizing:border-box;border:1px solid #fff;overflow:hidden;white-space:nowrap;font:10px/15px ui-monospace,monospace;padding:0 2px;color:#102030}
.k-int{background:#a9cdf5}.k-pointer{background:#c9b3f2}.k-string{background:#b8e3b0}.k-spare{background:repeating-linear-gradient(45deg,#f3e3a6,#f3e3a6 4px,#fbf3d6 4px,#fbf3d6 8px)}
.k-padding{background:repeating-linear-gradient(-45deg,#d5d9de,#d5d9de 3px,#fff 3px,#fff 6px)}.k-tail{background:repeating-linear-gradient(-45deg,#b9bec5,#b9bec5 3px,#fff 3px,#fff 6px)}
.chg{outline:2px solid;outline-offset:-2px;font-weight:700}.sev-incompatible{outline-color:#e0191f}.sev-flagged{outline-color:#f08a00}.sev-compatible{outline-color:#1f9a3a}.sev-info{outline-color:#6a737d;outline-style:dashed}
`;
export function renderDiffHtml(report, from, to) {
    const defA = resolveRevision(from);
    const defB = resolveRevision(to);
    const rows = report.changes
        .map((c) => {
        const per = [...new Set(c.arches.map((a) => c.perArch[a].detail))];
        return `<tr class="sev-${c.severity}" data-kind="${c.kind}"><td class="sev">${c.severity}</td><td><code>${esc(c.field)}</code></td><td>${esc(c.summary)}</td><td>${esc(archList(c.arches, report.arches))}</td><td>${esc(per.length === 1 ? per[0] : per.length + ' variants (see maps)')}</td></tr>`;
    })
        .join('\n');
    const sections = report.arches
        .map((arch) => {
        const A = layoutOf(from, defA, report.struct, arch);
        const B = layoutOf(to, defB, report.struct, arch);
        const mf = [];
        const mt = [];
        for (const c of report.changes) {
            const p = c.perArch[arch];
            if (!p)
                continue;
            const add = (ms, pl) => pl && pl.size > 0 && ms.push({ lo: pl.offset, hi: pl.offset + pl.size, sev: c.severity, what: `${c.field}: ${c.summary}` });
            if (c.field === '(struct)')
                continue;
            add(mf, p.from);
            add(mt, p.to);
        }
        const s = report.sizes[arch];
        return `<section class="arch" data-arch="${arch}"><h2>${arch}: ${s.from === s.to ? `${s.to} bytes (unchanged)` : `${s.from} → ${s.to} bytes`}</h2><div class="pair">${byteMap(A, mf, 'from', report.from)}${byteMap(B, mt, 'to', report.to)}</div></section>`;
    })
        .join('\n');
    const legend = [['k-int', 'integer'], ['k-pointer', 'pointer'], ['k-string', 'char string'], ['k-spare', 'spare'], ['k-padding', 'padding'], ['k-tail', 'tail padding']]
        .map(([k, t]) => `<span><i class="${k}"></i>${t}</span>`)
        .join('');
    const outline = ['incompatible', 'flagged', 'compatible', 'info'].map((s) => `<span><i class="chg sev-${s}" style="background:#fff"></i>${s} change</span>`).join('');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kvmkit abi-diff: struct ${esc(report.struct)} ${esc(report.from)} → ${esc(report.to)}</title>
<style>${CSS}</style></head>
<body>
<h1>struct ${esc(report.struct)}: ${esc(report.from)} → ${esc(report.to)} <span class="verdict v-${report.verdict}">${report.verdict}</span></h1>
<p>${report.arches.length} arch(es): ${esc(report.arches.join(', '))}. Size ${report.sizeUnchanged ? 'unchanged on every arch' : '<b>changed</b>'}. Exit status ${report.exitCode}.</p>
<div class="legend">${legend}${outline}</div>
<table class="changes"><thead><tr><th>severity</th><th>field</th><th>change</th><th>arches</th><th>where</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">no change</td></tr>'}
</tbody></table>
${sections}
</body></html>
`;
}
