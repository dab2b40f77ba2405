import { KvmkitError } from '../../base/errors.ts';
import { EXIT_CHANGES, EXIT_INCOMPATIBLE } from '../../base/exit.ts';
import { archDef, holes, LAYOUT_FILES, layoutData, leavesOfField, type ArchName, type FieldLayout, type Leaf, type StructLayout } from '../../layout/index.ts';
import { declType, isSpareField } from './diff.ts';
import { archesOf, layoutOf, resolveRevision } from './revs.ts';
import type { CompatFinding, CompatPair, CompatReport, CompatSeverity, CopyoutReport, Placement, RevisionRef } from './types.ts';

/**
 * Compat-vs-native: a 64-bit kernel's `struct kinfo_proc32` exists to reproduce, byte for byte, the
 * native `struct kinfo_proc` of the matching 32-bit arch (archDef(arch).compat32). Compared field by
 * field and leaf by leaf by offset, size and alignment (a pointer in the native record is a uint32_t
 * in the compat one; `freebsd32_uint64_t` stands for `uint64_t`/`dev_t`). Then the revision's copyout
 * rules (layouts/compat-copyout.json) say which native fields are ever written into it.
 */

export const COPYOUT_FILE = LAYOUT_FILES.compatCopyout.path;

interface CopyoutRevision {
  source: string;
  extends?: string;
  copy?: Record<string, string[]>;
  add?: Record<string, string[]>;
  move?: Record<string, string[]>;
  omit?: string[];
  notes?: Record<string, string>;
}
export interface CopyoutFile {
  conversions: Record<string, string>;
  revisions: Record<string, CopyoutRevision>;
}

export function loadCopyout(): CopyoutFile {
  return layoutData<CopyoutFile>(LAYOUT_FILES.compatCopyout);
}

export interface CopyoutRules {
  source: string;
  /** field → conversion */
  conv: Map<string, string>;
  notes: Record<string, string>;
}

/** The flattened rules of one revision (following `extends`), or undefined if the file has none. */
export function copyoutRules(revision: string, file: CopyoutFile = loadCopyout()): CopyoutRules | undefined {
  const r = file.revisions[revision];
  if (!r) return undefined;
  const seen = new Set<string>([revision]);
  const chain: CopyoutRevision[] = [r];
  let cur = r;
  while (cur.extends) {
    if (seen.has(cur.extends)) throw new KvmkitError(`compat copyout rules: "extends" cycle through ${cur.extends}`, { file: COPYOUT_FILE });
    seen.add(cur.extends);
    const p = file.revisions[cur.extends];
    if (!p) throw new KvmkitError(`compat copyout rules for ${revision} extend unknown revision ${cur.extends}`, { file: COPYOUT_FILE });
    chain.unshift(p);
    cur = p;
  }
  const conv = new Map<string, string>();
  const notes: Record<string, string> = {};
  for (const c of chain) {
    for (const [k, fields] of Object.entries(c.copy ?? {})) for (const f of fields) conv.set(f, k);
    for (const f of c.omit ?? []) conv.delete(f);
    for (const [k, fields] of Object.entries(c.move ?? {})) for (const f of fields) conv.set(f, k);
    for (const [k, fields] of Object.entries(c.add ?? {})) for (const f of fields) conv.set(f, k);
    Object.assign(notes, c.notes ?? {});
  }
  for (const k of new Set(conv.values())) if (!(k in file.conversions)) throw new KvmkitError(`compat copyout rules for ${revision} use unknown conversion ${k}`, { file: COPYOUT_FILE });
  // A note about a field that a later revision copies no longer applies.
  for (const f of Object.keys(notes)) if (conv.has(f)) delete notes[f];
  return { source: chain[chain.length - 1].source, conv, notes };
}

function fp(f: FieldLayout): Placement {
  return { offset: f.offset, size: f.size, align: f.align, type: declType(f) };
}
function lp(l: Leaf): Placement {
  return { offset: l.offset, size: l.size, type: l.type };
}
/** The leaves of one top-level field. */
function leavesOf(layout: StructLayout, f: FieldLayout): Leaf[] {
  return leavesOfField(layout, f.name);
}

/** Compare one kinfo_proc32 layout (64-bit arch) with the native kinfo_proc layout (32-bit arch). */
export function compareCompat(C: StructLayout, N: StructLayout): CompatPair {
  const findings: CompatFinding[] = [];
  const ca = C.arch;
  const na = N.arch;
  if (C.size !== N.size) findings.push({ kind: 'struct-size', severity: 'incompatible', field: '(struct)', message: `sizeof(struct kinfo_proc32) on ${ca} is ${C.size}, sizeof(struct kinfo_proc) on ${na} is ${N.size}`, compat: { offset: 0, size: C.size }, native: { offset: 0, size: N.size } });
  if (C.align !== N.align) findings.push({ kind: 'struct-alignment', severity: 'info', field: '(struct)', message: `struct alignment ${C.align} on ${ca}, ${N.align} natively on ${na} (latent: harmless for a copied-out record while the sizes agree)` });
  if (C.littleEndian !== N.littleEndian) {
    findings.push({ kind: 'endianness', severity: 'warning', field: '(struct)', message: `${ca} is ${C.littleEndian ? 'little' : 'big'}-endian but ${na} is ${N.littleEndian ? 'little' : 'big'}-endian: offsets and sizes agree, yet every multi-byte field of the compat record is byte-swapped relative to a native ${na} record` });
  }
  const cf = new Map(C.fields.map((f) => [f.name, f]));
  const nf = new Map(N.fields.map((f) => [f.name, f]));
  let compared = 0;
  for (const n of N.fields) {
    const c = cf.get(n.name);
    if (!c) {
      if (n.size === 0) continue; // a zero-length array occupies nothing
      findings.push({ kind: 'missing', severity: 'incompatible', field: n.name, message: `native ${declType(n)} at offset ${n.offset} (${n.size} bytes) has no counterpart in kinfo_proc32`, native: fp(n) });
      continue;
    }
    compared++;
    if (c.offset !== n.offset) {
      findings.push({ kind: 'misplaced', severity: 'incompatible', field: n.name, message: `at offset ${c.offset} in kinfo_proc32 on ${ca}, ${n.offset} natively on ${na}`, compat: fp(c), native: fp(n) });
      continue;
    }
    if (c.size !== n.size) {
      findings.push({ kind: 'resized', severity: 'incompatible', field: n.name, message: `${c.size} bytes (${declType(c)}) in kinfo_proc32 on ${ca}, ${n.size} bytes (${declType(n)}) natively on ${na}`, compat: fp(c), native: fp(n) });
      continue;
    }
    if (c.align !== n.align) {
      findings.push({
        kind: 'alignment',
        severity: 'info',
        field: n.name,
        message: `${declType(c)} is ${c.align}-aligned in kinfo_proc32 on ${ca} but ${declType(n)} is ${n.align}-aligned natively on ${na}; the offsets (${c.offset}) agree only because ${c.offset} is a multiple of ${Math.max(c.align, n.align)} (latent)`,
        compat: fp(c),
        native: fp(n),
      });
    }
    const lc = leavesOf(C, c);
    const ln = leavesOf(N, n);
    const pc = new Map(lc.map((l) => [l.path, l]));
    if (lc.length === ln.length && ln.every((l) => pc.has(l.path))) {
      for (const l of ln) {
        const k = pc.get(l.path)!;
        if (k.offset !== l.offset) findings.push({ kind: 'misplaced', severity: 'incompatible', field: l.path, message: `at offset ${k.offset} in kinfo_proc32 on ${ca}, ${l.offset} natively on ${na}`, compat: lp(k), native: lp(l) });
        else if (k.size !== l.size || k.elemSize !== l.elemSize) findings.push({ kind: 'resized', severity: 'incompatible', field: l.path, message: `${k.type} (${k.size} bytes) in kinfo_proc32 on ${ca}, ${l.type} (${l.size} bytes) natively on ${na}`, compat: lp(k), native: lp(l) });
      }
    } else {
      const al = c.align === n.align ? ` and alignment (${c.align})` : `; alignment ${c.align} vs ${n.align}`;
      findings.push({ kind: 'representation', severity: 'info', field: n.name, message: `${declType(c)} in kinfo_proc32 stands for ${declType(n)}: same offset (${c.offset}), size (${c.size})${al}`, compat: fp(c), native: fp(n) });
    }
  }
  for (const c of C.fields) {
    if (!nf.has(c.name) && c.size > 0) findings.push({ kind: 'extra', severity: 'incompatible', field: c.name, message: `kinfo_proc32 has ${declType(c)} at offset ${c.offset} (${c.size} bytes) that the native ${na} record does not`, compat: fp(c) });
  }
  // Padding: holes of one record that the other does not have (tail padding included).
  const key = (h: { offset: number; size: number }) => `${h.offset}+${h.size}`;
  const hc = holes(C);
  const hn = holes(N);
  const kc = new Set(hc.map(key));
  const kn = new Set(hn.map(key));
  for (const h of hc) if (!kn.has(key(h))) findings.push({ kind: 'padding', severity: 'info', field: h.path, message: `${h.kind === 'tail' ? 'tail padding' : 'padding'} at offset ${h.offset} (${h.size} bytes) in kinfo_proc32 on ${ca} that the native ${na} record does not have`, compat: { offset: h.offset, size: h.size } });
  for (const h of hn) if (!kc.has(key(h))) findings.push({ kind: 'padding', severity: 'info', field: h.path, message: `${h.kind === 'tail' ? 'tail padding' : 'padding'} at offset ${h.offset} (${h.size} bytes) natively on ${na} that kinfo_proc32 on ${ca} does not have`, native: { offset: h.offset, size: h.size } });
  return { arch: ca, native: na, compatSize: C.size, nativeSize: N.size, compatAlign: C.align, nativeAlign: N.align, compared, findings };
}

/** Check the revision's copyout rules against its layouts (names only, arch-independent). */
export function checkCopyout(rules: CopyoutRules, native64: StructLayout, compat: StructLayout): CopyoutReport {
  const findings: CompatFinding[] = [];
  const nf = new Map(native64.fields.map((f) => [f.name, f]));
  const cf = new Map(compat.fields.map((f) => [f.name, f]));
  const copied: { field: string; conversion: string }[] = [];
  for (const [field, conv] of rules.conv) {
    const n = nf.get(field);
    const c = cf.get(field);
    if (!c || (!n && conv !== 'SET')) {
      findings.push({ kind: 'copyout-unknown-field', severity: 'warning', field, message: `the copyout rules ${conv} ${field}, which ${!c ? 'kinfo_proc32' : 'the native kinfo_proc'} of this revision does not have` });
      continue;
    }
    copied.push({ field, conversion: conv });
    const ct = c.type;
    const bad = (why: string) => findings.push({ kind: 'copyout-conversion', severity: 'warning', field, message: `${conv} ${why}` });
    if (conv === 'PTRTRIM' && n && n.type.kind !== 'pointer') bad(`needs a pointer source, the native field is ${declType(n)}`);
    if (conv === 'FU64' && ct.cname !== 'freebsd32_uint64_t') bad(`writes a freebsd32_uint64_t, the compat field is ${declType(c)}`);
    if (conv === 'CP' && ct.kind === 'struct' && n && n.type.kind !== 'struct') bad(`assigns a scalar to ${declType(c)} (a struct): use FU64`);
    if (conv === 'TV' && ct.struct?.struct !== 'timeval32') bad(`needs a struct timeval32 destination, the compat field is ${declType(c)}`);
    if (conv === 'RU' && ct.struct?.struct !== 'rusage32') bad(`needs a struct rusage32 destination, the compat field is ${declType(c)}`);
  }
  const notCopied: { field: string; note?: string }[] = [];
  for (const n of native64.fields) {
    if (isSpareField(n) || n.size === 0 || rules.conv.has(n.name)) continue;
    const note = rules.notes[n.name];
    notCopied.push(note ? { field: n.name, note } : { field: n.name });
    const where = cf.has(n.name) ? `kinfo_proc32.${n.name} (offset ${cf.get(n.name)!.offset}) stays 0 for every 32-bit caller` : 'kinfo_proc32 has no such field, 32-bit callers never see it';
    findings.push({ kind: 'not-copied', severity: 'warning', field: n.name, message: `the compat copyout never copies native ${declType(n)}: ${where}${note ? ` — ${note}` : ''}` });
  }
  for (const c of compat.fields) {
    if (isSpareField(c) || c.size === 0 || rules.conv.has(c.name) || nf.has(c.name)) continue;
    findings.push({ kind: 'not-copied', severity: 'warning', field: c.name, message: `kinfo_proc32 field ${declType(c)} has no native counterpart and no copyout rule: always 0` });
  }
  const zeroed = compat.fields.filter((f) => isSpareField(f) && f.size > 0).map((f) => f.name);
  return { source: rules.source, copied, notCopied, zeroed, findings };
}

const CSEV: Record<CompatSeverity, number> = { info: 0, warning: 1, incompatible: 2 };

export interface CompatOptions {
  /** Copyout rules to use instead of layouts/compat-copyout.json (or false to skip the copyout check). */
  copyout?: CopyoutFile | false;
  arches?: readonly ArchName[];
}

/** Compare every kinfo_proc32 of a revision with the native kinfo_proc it must reproduce, then check the copyout. */
export function compatVsNative(revision: RevisionRef, opts: CompatOptions = {}): CompatReport {
  const def = resolveRevision(revision);
  const natives = archesOf(def, 'kinfo_proc');
  const pairs: CompatPair[] = [];
  let firstC: StructLayout | undefined;
  let firstN64: StructLayout | undefined;
  for (const arch of archesOf(def, 'kinfo_proc32')) {
    if (opts.arches && !opts.arches.includes(arch)) continue;
    const n32 = archDef(arch).compat32;
    if (!n32 || !natives.includes(n32)) continue;
    const C = layoutOf(revision, def, 'kinfo_proc32', arch);
    const N = layoutOf(revision, def, 'kinfo_proc', n32);
    pairs.push(compareCompat(C, N));
    if (!firstC) {
      firstC = C;
      if (natives.includes(arch)) firstN64 = layoutOf(revision, def, 'kinfo_proc', arch);
    }
  }
  let copyout: CopyoutReport | undefined;
  if (opts.copyout !== false && firstC && firstN64) {
    const rules = copyoutRules(def.revision, opts.copyout || loadCopyout());
    if (rules) copyout = checkCopyout(rules, firstN64, firstC);
  }
  let worst = -1;
  for (const f of [...pairs.flatMap((p) => p.findings), ...(copyout?.findings ?? [])]) worst = Math.max(worst, CSEV[f.severity]);
  const verdict: CompatReport['verdict'] = worst < 0 ? 'ok' : (['info', 'warning', 'incompatible'] as const)[worst];
  const exitCode = verdict === 'incompatible' ? EXIT_CHANGES | EXIT_INCOMPATIBLE : verdict === 'warning' ? EXIT_CHANGES : 0;
  return { revision: def.revision, pairs, copyout, verdict, exitCode };
}
