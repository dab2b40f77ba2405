import { UsageError } from '../../base/errors.ts';
import { decodeRecord, recordToJson } from '../../codec/index.ts';
import { KERN_PROC_ALL, KERN_PROC_PROC } from '../../kernel/constants.ts';
import type { GetProcsOptions, GetProcsResult, Kd, KvmRecord } from '../../kvm/index.ts';
import { getLayout, type StructLayout } from '../../layout/index.ts';
import { FORMATS } from './facts.ts';
import { type Column, parseFormat, renderTable } from './format.ts';
import type { PsRow } from './keywords.ts';
import { kernelOp, matcher, parseSelectors, pscomp, type Selectors, type SortBy } from './select.ts';
import { psView } from './state.ts';

/** A format option as typed: -j, -l, -u, -v, -r, -m, or -o/-O with its keyword list. */
export interface FormatFlag { flag: string; value?: string }

/** The columns and sort order from the format options in the order typed, as ps.c's getopt loop builds them. */
export function columnsFor(order: readonly FormatFlag[]): { cols: Column[]; sortBy: SortBy } {
  const cols: Column[] = [];
  let sortBy: SortBy = 'default';
  let firstO = true;
  let any = false;
  for (const { flag, value } of order) {
    if (flag === 'r') sortBy = 'cpu';
    else if (flag === 'm') sortBy = 'mem';
    else if (flag === 'o' || flag === 'O') {
      if (value === undefined) throw new UsageError(`-${flag} needs a keyword list (e.g. -${flag} pid,state,time,command)`, { field: `-${flag}` });
      // ps.c -O: "pid", the list, then "tt,state,time,command" — the two halves only the first time.
      if (flag === 'O' && firstO) parseFormat(FORMATS.O1, cols, true);
      parseFormat(value, cols, true);
      if (flag === 'O' && firstO) parseFormat(FORMATS.O2, cols, true);
      if (flag === 'O') firstO = false;
      any = true;
    } else if (flag === 'j' || flag === 'l' || flag === 'u' || flag === 'v') {
      parseFormat(FORMATS[flag], cols, false);
      if (flag === 'u') sortBy = 'cpu';
      if (flag === 'v') sortBy = 'mem';
      any = true;
    }
  }
  if (!any) parseFormat(FORMATS.default, cols, false);
  return { cols, sortBy };
}

/** One record as JSON (the decode --json shape); unavailable fields are null and listed in _unavailable. */
export function recordJson(layout: StructLayout, r: KvmRecord): Record<string, unknown> {
  const o = recordToJson(layout, decodeRecord(layout, r.bytes, 0));
  if (r.unavailable.length) {
    for (const f of r.unavailable) if (f in o) o[f] = null;
    o._unavailable = r.unavailable;
  }
  return o;
}

/** ps's own options, and the walk's (kvm's GetProcsOptions) that ps passes through unchanged. */
export interface PsOptions extends Pick<GetProcsOptions, 'threads' | 'mode' | 'compat32' | 'strict' | 'onProgress'> {
  format?: readonly FormatFlag[];
  /** The selector lists as typed (comma/blank separated strings). */
  select?: Partial<Record<keyof Selectors, readonly string[]>>;
  /** time(&now) for etime and start; default the clock. */
  now?: number;
  /** Times in UTC rather than the local zone (print.c uses localtime). */
  utc?: boolean;
  json?: boolean;
  /** Every record the kernel op returned, before ps's own filter (for --raw). */
  onRaw?: (bytes: Uint8Array) => void;
}

export interface PsResult {
  cols: Column[];
  /** The kept rows in ps order, with their JSON when asked for. */
  rows: { row: PsRow; json?: Record<string, unknown> }[];
  /** The table, header first (ps prints the header even when no process is kept). */
  lines: string[];
  walk: GetProcsResult;
  /** Kept rows with fields the source could not recover. */
  withUnavailable: number;
  /** Whether one kvm_getprocs op did the selecting (ps.c's single-selector case). */
  kernelSelected: boolean;
}

/** ps -M/-N over a kvm handle: select, sort and format as bin/ps does. */
export function runPs(kd: Kd, o: PsOptions = {}): PsResult {
  const { cols, sortBy } = columnsFor(o.format ?? []);
  const sel = parseSelectors(o.select ?? {});
  const kop = kernelOp(sel);
  const op = kop?.op ?? (o.threads ? KERN_PROC_ALL : KERN_PROC_PROC);
  const layout = getLayout(o.compat32 ? 'kinfo_proc32' : 'kinfo_proc', kd.arch, kd.revision);
  const keep = matcher(sel);
  const rows: PsResult['rows'] = [];
  let withUnavailable = 0;
  const walk = kd.getProcs(op, kop?.arg ?? 0, {
    threads: o.threads, mode: o.mode, compat32: o.compat32, strict: o.strict, keep: false, onProgress: o.onProgress,
    onRecord: (r) => {
      o.onRaw?.(r.bytes);
      const row: PsRow = { d: psView(decodeRecord(layout, r.bytes, 0) as Record<string, any>, layout.littleEndian), unavailable: new Set(r.unavailable), tty: r.tty };
      if (!keep(row)) return;
      if (r.unavailable.length) withUnavailable++;
      // r.bytes is reused after this call: the JSON is made now.
      rows.push({ row, json: o.json ? recordJson(layout, r) : undefined });
    },
  });
  const order = pscomp(sortBy);
  rows.sort((x, y) => order(x.row, y.row));
  const env = { now: o.now ?? Math.floor(Date.now() / 1000), threads: !!o.threads, pageSize: kd.image?.pageSize ?? 4096, longBits: layout.leaf('ki_flag').size * 8, utc: o.utc };
  const lines = o.json ? [] : renderTable(rows.map((x) => x.row), cols, env);
  return { cols, rows, lines, walk, withUnavailable, kernelSelected: !!kop || !Object.values(sel).some((l) => l.length) };
}
