import { UsageError } from '../../base/errors.ts';
import { EXIT_CHANGES, EXIT_INCOMPATIBLE } from '../../base/exit.ts';
import { ARCHES, holes, isArch, leavesOfField, type ArchName, type FieldLayout, type Leaf, type RevisionDef, type StructLayout } from '../../layout/index.ts';
import { archesOf, checkStruct, layoutOf, resolveRevision } from './revs.ts';
import { compatVsNative } from './compat.ts';
import { unverifiedMembers } from './facts.ts';
import { suppress } from './suppress.ts';
import {
  SEVERITY_RANK,
  type AbiDiffReport,
  type AbiStruct,
  type ArchChange,
  type ArchSizes,
  type Change,
  type Placement,
  type RevisionRef,
  type Severity,
  type Suppressed,
  type Suppression,
  type Verdict,
  type CompatEffect,
} from './types.ts';

/**
 * Leaf-by-leaf ABI diff of one struct between two revisions, on every arch at once, with FreeBSD's
 * spare-field discipline: a new member may only take bytes that a `ki_spare*` array of the same
 * element size and alignment held before, and the array's `KI_NSPARE_*` count must shrink by exactly
 * what was taken. Everything is derived from the two computed layouts; no offset is known here.
 */

export interface AbiDiffOptions {
  struct: AbiStruct | string;
  from: RevisionRef;
  to: RevisionRef;
  /** Arches to compare; default every arch on which both revisions define the struct. */
  arches?: readonly string[];
  /** Reviewed suppressions (./suppress.ts): accepted changes set no exit bit and are listed. */
  suppressions?: readonly Suppression[];
}

const SPARE_NAME = /^ki_spare/;
const SPARE_CONST = /^KI_NSPARE_/;

export function isSpareField(f: FieldLayout): boolean {
  return SPARE_NAME.test(f.name) || SPARE_CONST.test(f.decl.countExpr?.trim() ?? '');
}

function countConstant(f: FieldLayout): string | undefined {
  const e = f.decl.countExpr?.trim();
  return e && /^[A-Za-z_]\w*$/.test(e) ? e : undefined;
}

/** The type as declared, with the array length: `pid_t`, `void *[4]`, `char[46]`. */
export function declType(f: FieldLayout): string {
  if (f.isString) return `char[${f.count}]`;
  return f.count !== undefined ? `${f.type.cname}[${f.count}]` : f.type.cname;
}

/** The element type of a field (for arrays) as declared. */
function elemType(f: FieldLayout): string {
  return f.isString ? 'char' : f.type.cname;
}

function place(f: { offset: number; size: number }, align?: number, type?: string): Placement {
  const p: Placement = { offset: f.offset, size: f.size };
  if (align !== undefined) p.align = align;
  if (type !== undefined) p.type = type;
  return p;
}

function fplace(f: FieldLayout): Placement {
  return place(f, f.align, declType(f));
}

function bytes(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

function leafSig(l: Leaf, base: number): string {
  return `${l.offset - base}:${l.size}:${l.kind}:${l.elemSize}:${l.signed}:${l.count ?? ''}`;
}

/** The leaves of one top-level field. */
function leavesOf(layout: StructLayout, f: FieldLayout): Leaf[] {
  return leavesOfField(layout, f.name);
}

interface SpareUse {
  bytes: number;
  elems: number;
}

function consumption(n: FieldLayout, s: FieldLayout, slot0: number, slots: number, c: string | undefined, defA: RevisionDef, defB: RevisionDef, fb: Map<string, FieldLayout>): ArchChange {
  const es = s.type.size;
  const ok = n.align === s.align && n.size % es === 0 && (n.offset - s.offset) % es === 0;
  const spareInfo = { field: s.name, constant: c, fromCount: s.count ?? 1, toCount: fb.get(s.name)?.count ?? (fb.has(s.name) ? 1 : 0), constantFrom: c ? defA.constants[c] : undefined, constantTo: c ? defB.constants[c] : undefined };
  if (ok) {
    const range = slots === 1 ? `${slot0}` : `${slot0}..${slot0 + slots - 1}`;
    const cnote = c ? `; ${c} ${spareInfo.constantFrom ?? '?'} → ${spareInfo.constantTo ?? '(undefined)'}` : '';
    return { kind: 'spare-consumed', severity: 'compatible', field: n.name, summary: `compatible: consumed spare ${s.name}[${range}] (${declType(n)} in ${elemType(s)} slot${slots === 1 ? '' : 's'}${cnote})`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: place({ offset: n.offset, size: n.size }, s.align, elemType(s)), to: fplace(n), spare: spareInfo };
  }
  const why: string[] = [];
  if (n.size % es !== 0) why.push(`${bytes(n.size)} is not a whole number of ${es}-byte ${elemType(s)} slots`);
  if (n.align !== s.align) why.push(`alignment ${n.align} where the spare's slots are ${s.align}-aligned`);
  if ((n.offset - s.offset) % es !== 0) why.push(`starts ${(n.offset - s.offset) % es} bytes into a ${elemType(s)} slot (misaligned)`);
  return { kind: 'spare-mismatch', severity: 'flagged', field: n.name, summary: `carved from spare ${s.name} of another type: ${declType(n)} (${bytes(n.size)}, align ${n.align}) in ${elemType(s)} slots (${bytes(es)}, align ${s.align}): ${why.join('; ')}`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: place({ offset: n.offset, size: n.size }, s.align, elemType(s)), to: fplace(n), spare: spareInfo };
}

/** The changes between two layouts of the same struct on one arch. */
export function diffLayouts(A: StructLayout, B: StructLayout, defA: RevisionDef, defB: RevisionDef): ArchChange[] {
  const out: ArchChange[] = [];
  const sname = B.struct;

  // ---- struct-wide ----
  if (A.size !== B.size) {
    out.push({ kind: 'size-changed', severity: 'incompatible', field: '(struct)', summary: `sizeof(struct ${sname}) changed`, detail: `${A.size} → ${B.size} bytes`, from: { offset: 0, size: A.size }, to: { offset: 0, size: B.size } });
  }
  if (A.align !== B.align) {
    out.push({ kind: 'alignment-changed', severity: 'info', field: '(struct)', summary: `struct alignment changed (size and member offsets decide the ABI of a copied-out record)`, detail: `${A.align} → ${B.align}` });
  }
  if (B.ctassert && !B.ctassert.holds) {
    out.push({ kind: 'ctassert-failed', severity: 'incompatible', field: '(struct)', summary: `CTASSERT(sizeof(struct ${sname}) == ${B.ctassert.macro}) fails in ${defB.revision}`, detail: `asserted ${B.ctassert.expected}, laid out ${B.size}` });
  }

  const fa = new Map(A.fields.map((f) => [f.name, f]));
  const fb = new Map(B.fields.map((f) => [f.name, f]));

  // ---- fields present in both ----
  for (const b of B.fields) {
    const a = fa.get(b.name);
    if (!a) continue;
    if (isSpareField(a) && isSpareField(b)) continue; // spare bookkeeping below
    if (a.offset !== b.offset) {
      out.push({ kind: 'moved', severity: 'incompatible', field: b.name, summary: `moved (${declType(b)})`, detail: `offset ${a.offset} → ${b.offset}`, from: fplace(a), to: fplace(b) });
    }
    if (a.size !== b.size) {
      out.push({ kind: 'resized', severity: 'incompatible', field: b.name, summary: `resized: ${declType(a)} → ${declType(b)}`, detail: `${a.size} → ${b.size} bytes at offset ${b.offset}`, from: fplace(a), to: fplace(b) });
    }
    if (a.offset !== b.offset || a.size !== b.size) continue;
    if (a.align !== b.align) {
      out.push({ kind: 'alignment-changed', severity: 'info', field: b.name, summary: `alignment changed: ${declType(a)} → ${declType(b)} (same offset and size)`, detail: `align ${a.align} → ${b.align} at offset ${b.offset}`, from: fplace(a), to: fplace(b) });
    }
    // Leaf by leaf inside the field.
    const la = leavesOf(A, a);
    const lb = leavesOf(B, b);
    const pa = new Map(la.map((l) => [l.path, l]));
    const samePaths = la.length === lb.length && lb.every((l) => pa.has(l.path));
    if (!samePaths) {
      out.push({ kind: 'type-changed', severity: 'compatible', field: b.name, summary: `type changed: ${declType(a)} → ${declType(b)} (same offset and size, different representation)`, detail: `offset ${b.offset}, ${bytes(b.size)}`, from: fplace(a), to: fplace(b) });
      continue;
    }
    let leafChange = false;
    for (const lbx of lb) {
      const lax = pa.get(lbx.path)!;
      if (lax.offset !== lbx.offset) {
        out.push({ kind: 'moved', severity: 'incompatible', field: lbx.path, summary: `moved inside ${b.name}`, detail: `offset ${lax.offset} → ${lbx.offset}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
        leafChange = true;
      } else if (lax.size !== lbx.size) {
        out.push({ kind: 'resized', severity: 'incompatible', field: lbx.path, summary: `resized: ${lax.type} → ${lbx.type}`, detail: `${lax.size} → ${lbx.size} bytes at offset ${lbx.offset}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
        leafChange = true;
      } else if (leafSig(lax, 0) !== leafSig(lbx, 0) || (lax.type !== lbx.type && lbx.path !== b.name)) {
        const sign = lax.signed !== lbx.signed ? `, ${lax.signed ? 'signed' : 'unsigned'} → ${lbx.signed ? 'signed' : 'unsigned'}` : '';
        out.push({ kind: 'type-changed', severity: 'compatible', field: lbx.path, summary: `type changed: ${lax.type} → ${lbx.type} (same offset and size${sign})`, detail: `offset ${lbx.offset}, ${bytes(lbx.size)}`, from: place(lax, undefined, lax.type), to: place(lbx, undefined, lbx.type) });
        leafChange = true;
      }
    }
    if (!leafChange && declType(a) !== declType(b)) {
      out.push({ kind: 'type-changed', severity: 'compatible', field: b.name, summary: `type changed: ${declType(a)} → ${declType(b)} (same offset and size)`, detail: `offset ${b.offset}, ${bytes(b.size)}`, from: fplace(a), to: fplace(b) });
    }
  }

  // ---- removed and added ----
  const removed = A.fields.filter((f) => !fb.has(f.name));
  const added = B.fields.filter((f) => !fa.has(f.name));
  const oldSpares = A.fields.filter(isSpareField);
  const oldHoles = holes(A).filter((h) => !h.path.includes('.'));
  const within = (o: number, s: number, lo: number, hi: number) => o >= lo && o + s <= hi;
  const use = new Map<string, SpareUse>();
  const renamedFrom = new Set<string>();
  const pending: { n: FieldLayout; s: FieldLayout; slot0: number; slots: number }[] = [];

  for (const n of added) {
    if (isSpareField(n)) {
      out.push({ kind: 'spare-added', severity: 'info', field: n.name, summary: `new spare ${declType(n)}`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
      continue;
    }
    // A rename: a removed non-spare field with the same offset and size.
    const r = removed.find((x) => !isSpareField(x) && !renamedFrom.has(x.name) && x.offset === n.offset && x.size === n.size);
    if (r) {
      renamedFrom.add(r.name);
      const t = declType(r) === declType(n) ? declType(n) : `${declType(r)} → ${declType(n)}`;
      out.push({ kind: 'renamed', severity: 'compatible', field: n.name, summary: `renamed from ${r.name} (${t}; same offset and size)`, detail: `offset ${n.offset}, ${bytes(n.size)}`, from: fplace(r), to: fplace(n) });
      continue;
    }
    const s = oldSpares.find((x) => within(n.offset, n.size, x.offset, x.offset + x.size));
    if (s) {
      const es = s.type.size;
      const slot0 = Math.floor((n.offset - s.offset) / es);
      const slots = n.size / es;
      const u = use.get(s.name) ?? { bytes: 0, elems: 0 };
      u.bytes += n.size;
      u.elems += slots;
      use.set(s.name, u);
      pending.push({ n, s, slot0, slots });
      continue;
    }
    const inHole = oldHoles.find((h) => within(n.offset, n.size, h.offset, h.offset + h.size));
    if (inHole) {
      out.push({ kind: 'added', severity: 'flagged', field: n.name, summary: `added in former ${inHole.kind === 'tail' ? 'tail ' : ''}padding (${declType(n)}); padding is not a spare and its size differs between arches`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
      continue;
    }
    const where = n.offset >= A.size ? 'beyond the old end of the struct' : 'over bytes that other fields held before';
    out.push({ kind: 'added', severity: 'incompatible', field: n.name, summary: `added (${declType(n)}) ${where}, without consuming a spare`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
  }

  for (const r of removed) {
    if (renamedFrom.has(r.name)) continue;
    if (isSpareField(r)) continue; // spare bookkeeping below
    out.push({ kind: 'removed', severity: 'incompatible', field: r.name, summary: `removed (${declType(r)})`, detail: `was at offset ${r.offset}, ${bytes(r.size)}`, from: fplace(r) });
  }

  // ---- spare bookkeeping: each old spare array shrinks by exactly what new fields took ----
  for (const s of oldSpares) {
    const ns = fb.get(s.name);
    const u = use.get(s.name) ?? { bytes: 0, elems: 0 };
    const newBytes = ns ? ns.size : 0;
    const freed = s.size - newBytes;
    const c = countConstant(s);
    const cnote = c ? ` (${c} ${defA.constants[c] ?? '?'} → ${defB.constants[c] ?? '(undefined)'})` : '';
    const mine = pending.filter((p) => p.s === s);
    const movedOut = !!ns && (ns.offset < s.offset || ns.offset + ns.size > s.offset + s.size);
    if (mine.length > 0 && (movedOut || freed < u.bytes)) {
      // The new fields sit where the spare was, but the spare did not shrink to make room: it moved.
      for (const { n } of mine) {
        const es = s.type.size;
        const how = freed <= 0 ? `without reducing ${c ?? 'its count'}` : `but ${s.name} shrank by only ${+(freed / es).toFixed(2)} slot(s) for ${+(u.bytes / es).toFixed(2)} taken${cnote}`;
        out.push({ kind: 'added', severity: 'incompatible', field: n.name, summary: `added (${declType(n)}) in the bytes of ${s.name} ${how}: the spare and what follows shift`, detail: `offset ${n.offset}, ${bytes(n.size)}`, to: fplace(n) });
      }
    }
    if (movedOut) {
      out.push({ kind: 'moved', severity: 'incompatible', field: s.name, summary: `spare ${s.name} moved or grew outside its old bytes${cnote}`, detail: `offset ${s.offset}+${s.size} → ${ns!.offset}+${ns!.size}`, from: fplace(s), to: fplace(ns!) });
      continue;
    }
    if (mine.length > 0 && freed < u.bytes) continue;
    for (const { n, slot0, slots } of mine) out.push(consumption(n, s, slot0, slots, c, defA, defB, fb));
    if (freed === u.bytes) continue;
    if (freed > u.bytes) {
      const slots = (x: number) => `${+(x / s.type.size).toFixed(2)} ${elemType(s)} slot${x === s.type.size ? '' : 's'}`;
      out.push({
        kind: 'spare-accounting',
        severity: 'flagged',
        field: s.name,
        summary: `spare ${s.name} shrank by more than new fields consumed${cnote}`,
        detail: `shrank by ${bytes(freed)} (${slots(freed)}), new fields took ${bytes(u.bytes)}; ${bytes(freed - u.bytes)} left unaccounted (padding or shifted fields)`,
        from: fplace(s),
        to: ns ? fplace(ns) : undefined,
      });
    } else {
      out.push({ kind: 'spare-accounting', severity: 'flagged', field: s.name, summary: `spare ${s.name} shrank by less than new fields consumed${cnote}`, detail: `shrank by ${bytes(freed)}, new fields took ${bytes(u.bytes)}`, from: fplace(s), to: ns ? fplace(ns) : undefined });
    }
  }

  // ---- padding ----
  const ha = holes(A);
  const hb = holes(B);
  const key = (h: { path: string; offset: number; size: number }) => `${h.path}@${h.offset}+${h.size}`;
  const ka = new Set(ha.map(key));
  const kb = new Set(hb.map(key));
  for (const h of hb) {
    if (ka.has(key(h))) continue;
    const tail = h.kind === 'tail';
    out.push({ kind: tail ? 'tail-padding-appeared' : 'padding-appeared', severity: 'info', field: h.path, summary: tail ? `tail padding appeared at the end of ${h.path.replace(/\.?\(tail\)$/, '') || `struct ${sname}`}` : `padding appeared before ${h.path}${h.after ? ` (after ${h.after})` : ''}`, detail: `offset ${h.offset}, ${bytes(h.size)}`, to: place(h) });
  }
  for (const h of ha) {
    if (kb.has(key(h))) continue;
    const tail = h.kind === 'tail';
    out.push({ kind: tail ? 'tail-padding-vanished' : 'padding-vanished', severity: 'info', field: h.path, summary: tail ? `tail padding vanished at the end of ${h.path.replace(/\.?\(tail\)$/, '') || `struct ${sname}`}` : `padding vanished before ${h.path}${h.after ? ` (after ${h.after})` : ''}`, detail: `offset ${h.offset}, ${bytes(h.size)}`, from: place(h) });
  }
  return out;
}

function verdictOf(sevs: Iterable<Severity>): Verdict {
  let v: Verdict = 'identical';
  for (const s of sevs) if (v === 'identical' || SEVERITY_RANK[s] > SEVERITY_RANK[v as Severity]) v = s;
  return v;
}

export function exitCodeOf(v: Verdict): number {
  if (v === 'identical') return 0;
  return EXIT_CHANGES | (v === 'flagged' || v === 'incompatible' ? EXIT_INCOMPATIBLE : 0);
}

/** Collapse per-arch changes with the same kind, field, severity and summary. */
export function collapse(perArch: Map<ArchName, ArchChange[]>, arches: ArchName[]): Change[] {
  const groups = new Map<string, Change & { order: number }>();
  let order = 0;
  for (const arch of arches) {
    for (const c of perArch.get(arch) ?? []) {
      const k = `${c.kind}\u0000${c.field}\u0000${c.severity}\u0000${c.summary}`;
      let g = groups.get(k);
      if (!g) {
        g = { kind: c.kind, severity: c.severity, field: c.field, summary: c.summary, arches: [], allArches: false, perArch: {}, order: order++ };
        groups.set(k, g);
      }
      g.arches.push(arch);
      g.perArch[arch] = { detail: c.detail, from: c.from, to: c.to, spare: c.spare };
    }
  }
  const list = [...groups.values()];
  for (const g of list) g.allArches = g.arches.length === arches.length;
  const pos = (g: Change) => {
    if (g.field === '(struct)') return -1;
    const p = g.perArch[g.arches[0]]!;
    return (p.to ?? p.from)?.offset ?? 0;
  };
  list.sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || pos(x) - pos(y) || x.order - y.order);
  return list.map(({ order: _o, ...g }) => g);
}

function pickArches(requested: readonly string[] | undefined, available: ArchName[], what: string): ArchName[] {
  if (!requested || requested.length === 0 || (requested.length === 1 && requested[0] === 'all')) return available;
  const out: ArchName[] = [];
  for (const a of requested.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
    if (a === 'all') return available;
    if (!isArch(a)) throw new UsageError(`unknown arch "${a}" (known: ${ARCHES.join(', ')})`);
    if (!available.includes(a)) throw new UsageError(`${what} is not defined on ${a} (it is on ${available.join(', ') || 'no arch'})`);
    if (!out.includes(a)) out.push(a);
  }
  return ARCHES.filter((a) => out.includes(a));
}

/**
 * The named revisions from `from` (exclusive) to `to` (inclusive) along `base`, when `from` is an
 * ancestor of `to`; else just `to`. fbsd15 → fbsd15-reaper is [main-a48e98c9, fbsd15-reaper].
 */
function stepsBetween(defA: RevisionDef, defB: RevisionDef): RevisionDef[] {
  const chain: RevisionDef[] = [defB];
  const seen = new Set([defB.revision]);
  let cur = defB;
  while (cur.base && !seen.has(cur.base) && cur.base !== defA.revision) {
    seen.add(cur.base);
    try {
      cur = resolveRevision(cur.base);
    } catch {
      return [defB];
    }
    chain.unshift(cur);
  }
  return cur.base === defA.revision ? chain : [defB];
}

/** Where a change's field sits in a layout (undefined: absent), to find the step that settled it. */
function placementKey(l: StructLayout, field: string): string | undefined {
  if (field === '(struct)') return `${l.size}/${l.align}`;
  const top = field.split(/[.[]/)[0];
  const f = l.fields.find((x) => x.name === top);
  if (!f) return undefined;
  const leaf = field === top ? undefined : l.leaves().find((x) => x.path === field);
  return leaf ? `${leaf.offset}+${leaf.size}:${leaf.type}` : `${f.offset}+${f.size}:${declType(f)}`;
}

/** Label each change with the step that brought its field to its final placement. */
function attribute(changes: Change[], steps: RevisionDef[], struct: AbiStruct, to: RevisionRef): void {
  const last = steps[steps.length - 1];
  for (const c of changes) {
    const arch = c.arches[0];
    const want = placementKey(layoutOf(to, last, struct, arch), c.field);
    let by = last;
    for (const st of steps) {
      if (st === last || !archesOf(st, struct).includes(arch)) continue;
      if (placementKey(layoutOf(st.revision, st, struct, arch), c.field) === want) {
        by = st;
        break;
      }
    }
    c.introducedBy = by.change ? { revision: by.revision, change: by.change } : { revision: by.revision };
  }
}

const LAYOUT_KINDS = new Set(['missing', 'extra', 'misplaced', 'resized', 'struct-size']);

/** kinfo_proc32: compat-vs-native layout problems per compat pair before and after, and which changes cure one. */
function compatEffect(changes: Change[], from: RevisionRef, to: RevisionRef, arches: ArchName[], a: string, b: string): CompatEffect {
  const bad = (ref: RevisionRef) => {
    const per: Partial<Record<ArchName, number>> = {};
    const fields = new Set<string>();
    for (const p of compatVsNative(ref, { copyout: false, arches }).pairs) {
      const fs = p.findings.filter((f) => LAYOUT_KINDS.has(f.kind));
      per[p.arch] = fs.length;
      for (const f of fs) fields.add(f.field);
    }
    return { per, fields };
  };
  const A = bad(from);
  const B = bad(to);
  for (const c of changes) if (A.fields.has(c.field) && !B.fields.has(c.field)) c.fixesCompat = true;
  const sum = (x: Partial<Record<ArchName, number>>) => Object.values(x).reduce((m, n) => m + (n ?? 0), 0);
  const pairs = Object.keys(B.per).join(', ');
  const nA = sum(A.per);
  const nB = sum(B.per);
  const verdict: CompatEffect['verdict'] = nA > 0 && nB === 0 ? 'fixes' : nB > nA ? 'breaks' : 'unchanged';
  const text =
    verdict === 'fixes'
      ? `these changes make kinfo_proc32 reproduce the native 32-bit record: ${nA} layout problem(s) against native in ${a}, none in ${b} (on ${pairs})`
      : verdict === 'breaks'
        ? `kinfo_proc32 reproduces the native 32-bit record less well: ${nA} layout problem(s) against native in ${a}, ${nB} in ${b} (on ${pairs})`
        : `unchanged: ${nA} layout problem(s) against native in ${a}, ${nB} in ${b} (on ${pairs})`;
  return { from: A.per, to: B.per, verdict, text };
}

/** The ABI diff of a struct between two revisions on every requested arch. */
export function abiDiff(opts: AbiDiffOptions): AbiDiffReport {
  const struct = checkStruct(opts.struct);
  const defA = resolveRevision(opts.from);
  const defB = resolveRevision(opts.to);
  const inA = archesOf(defA, struct);
  const inB = archesOf(defB, struct);
  const both = ARCHES.filter((a) => inA.includes(a) && inB.includes(a));
  const arches = pickArches(opts.arches, both, `struct ${struct} in both ${defA.revision} and ${defB.revision}`);
  if (arches.length === 0) throw new UsageError(`struct ${struct} is not defined on any common arch of ${defA.revision} and ${defB.revision}`);
  const perArch = new Map<ArchName, ArchChange[]>();
  const sizes: Partial<Record<ArchName, ArchSizes>> = {};
  for (const arch of arches) {
    const A = layoutOf(opts.from, defA, struct, arch);
    const B = layoutOf(opts.to, defB, struct, arch);
    perArch.set(arch, diffLayouts(A, B, defA, defB));
    sizes[arch] = { from: A.size, to: B.size, fromAlign: A.align, toAlign: B.align, asserted: B.ctassert?.expected, ctassertHolds: B.ctassert?.holds };
  }
  const all = collapse(perArch, arches);
  const suppressed: Suppressed[] = [];
  const changes = all.filter((c) => !suppress(opts.suppressions, { struct, arches: c.arches, field: c.field, kind: c.kind, revision: defB.revision }, `${c.field}: ${c.summary} (${c.arches.join(', ')})`, suppressed));
  const steps = stepsBetween(defA, defB);
  attribute(changes, steps, struct, opts.to);
  const effect = struct === 'kinfo_proc32' && arches.some((a) => inA.includes(a)) ? compatEffect(changes, opts.from, opts.to, arches, defA.revision, defB.revision) : undefined;
  const unverified = [...unverifiedMembers(defA, [struct]), ...unverifiedMembers(defB, [struct])];
  const shaky = new Set(unverified.map((u) => u.field));
  for (const c of changes) if (shaky.has(c.field.split(/[.[]/)[0])) c.unverified = true;
  const verdict = verdictOf(changes.map((c) => c.severity));
  const counts: Record<Severity, number> = { info: 0, compatible: 0, flagged: 0, incompatible: 0 };
  for (const c of changes) counts[c.severity]++;
  return {
    struct,
    from: defA.revision,
    to: defB.revision,
    arches,
    verdict,
    exitCode: exitCodeOf(verdict),
    sizeUnchanged: arches.every((a) => sizes[a]!.from === sizes[a]!.to),
    sizes,
    changes,
    counts,
    steps: steps.map((s) => (s.change ? { revision: s.revision, change: s.change } : { revision: s.revision })),
    compatEffect: effect,
    suppressed,
    unverified,
  };
}
