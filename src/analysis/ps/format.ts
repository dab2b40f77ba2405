import { UsageError } from '../../base/errors.ts';
import { ALIASES, type Cell, KEYWORD_BY_NAME, keywordNames, type Keyword, type PsEnv, type PsRow } from './keywords.ts';

/** One output column: a keyword and the header it prints (keyword.c's, or the user's `kw=HEADER`). */
export interface Column { kw: Keyword; header: string }

/**
 * keyword.c parsefmt(): keywords separated by blanks or commas; an item with "=" names a header
 * that runs to the end of the string (it may hold separators); an alias stands for its keyword.
 * `user` false is a built-in format (-j, -l, -u, -v, the default): a keyword already in the list is
 * not added twice. An unknown keyword is a usage error naming it (ps warns and exits 1 at the end).
 */
export function parseFormat(spec: string, cols: Column[], user: boolean): void {
  let rest = spec;
  while (rest.length) {
    const m = /[=, \t\n]/.exec(rest);
    let item: string;
    if (m && m[0] === '=') {
      item = rest;
      rest = '';
    } else {
      const cut = m ? m.index : rest.length;
      item = rest.slice(0, cut);
      rest = rest.slice(cut + 1);
      if (!item) continue;
    }
    const eq = item.indexOf('=');
    const name = eq >= 0 ? item.slice(0, eq) : item;
    const header = eq >= 0 ? item.slice(eq + 1) : undefined;
    const kw = KEYWORD_BY_NAME.get(ALIASES[name] ?? name);
    if (!kw) throw new UsageError(`${name}: keyword not found; valid keywords: ${keywordNames().join(' ')}`, { field: '-o' });
    if (!user && cols.some((c) => c.kw === kw)) continue;
    cols.push({ kw, header: header ?? kw.header });
  }
}

function cellText(kw: Keyword, c: Cell): string | null {
  for (const f of kw.fields) if (c.row.unavailable.has(f)) return null;
  return kw.value(c);
}

/**
 * ps.c's output: every column as wide as its widest value or header; right-justified unless the
 * keyword is LJUST; the last column, when LJUST, neither padded nor its header; a value that is
 * not there prints "-". No header line when every header is empty (`-o pid=`). Lines are not cut
 * to a terminal width (ps does so only on a terminal; kvmkit's output is for reading whole).
 */
export function renderTable(rows: readonly PsRow[], cols: readonly Column[], env: PsEnv): string[] {
  const last = cols.length - 1;
  const cells = rows.map((row) => cols.map((c, i) => cellText(c.kw, { row, env, last: i === last }) ?? '-'));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const pad = (s: string, i: number) => (cols[i].kw.ljust ? (i === last ? s : s.padEnd(widths[i])) : s.padStart(widths[i]));
  const out: string[] = [];
  if (cols.some((c) => c.header !== '')) out.push(cols.map((c, i) => pad(c.header, i)).join(' '));
  for (const r of cells) out.push(r.map(pad).join(' '));
  return out;
}
