import { KvmkitError } from '../base/errors.ts';
import { LAYOUT_FILES, layoutData } from '../layout/index.ts';

/**
 * The per-revision rule table of freebsd32_kinfo_proc_out (spec §2.6), read from the shared
 * declarative file layouts/compat-copyout.json (also read by the ABI checks). A revision may
 * `extends` another, then `add` fields to a conversion, `move` fields to another conversion, or
 * `omit` fields. The result maps each kinfo_proc32 top-level field to its conversion; a field
 * with no rule is never written by the copyout and stays 0 from the initial bzero.
 */

export type Conversion = 'SET' | 'CP' | 'PTRTRIM' | 'TV' | 'RU' | 'FU64' | 'BYTES';
export const CONVERSIONS: Conversion[] = ['SET', 'CP', 'PTRTRIM', 'TV', 'RU', 'FU64', 'BYTES'];

interface RevisionEntry {
  source?: string;
  extends?: string;
  copy?: Partial<Record<Conversion, string[]>>;
  add?: Partial<Record<Conversion, string[]>>;
  move?: Partial<Record<Conversion, string[]>>;
  omit?: string[] | Record<string, string>;
  notes?: Record<string, string>;
}
interface CopyoutFile { conversions: Record<Conversion, string>; revisions: Record<string, RevisionEntry> }

export const COMPAT_COPYOUT_FILE = LAYOUT_FILES.compatCopyout.path;

function table(): CopyoutFile {
  return layoutData<CopyoutFile>(LAYOUT_FILES.compatCopyout);
}

export interface CopyoutRules {
  revision: string;
  /** Field → conversion, in the table's order (the copyout's order does not matter: fields do not overlap). */
  fields: Map<string, Conversion>;
  /** Notes on fields this revision's copyout leaves out. */
  notes: Record<string, string>;
  sources: string[];
}

const cache = new Map<string, CopyoutRules>();

export function copyoutRules(revision: string): CopyoutRules {
  const hit = cache.get(revision);
  if (hit) return hit;
  const t = table();
  const e = t.revisions[revision];
  if (!e) throw new KvmkitError(`no compat copyout rules for revision "${revision}" in the table (known: ${Object.keys(t.revisions).join(', ')})`, { revision, file: COMPAT_COPYOUT_FILE });
  const base: CopyoutRules = e.extends ? copyoutRules(e.extends) : { revision, fields: new Map(), notes: {}, sources: [] };
  const fields = new Map(base.fields);
  const notes = { ...base.notes, ...(e.notes ?? {}) };
  const put = (src: Partial<Record<Conversion, string[]>> | undefined, mode: 'copy' | 'add' | 'move') => {
    for (const [conv, list] of Object.entries(src ?? {}) as [Conversion, string[]][]) {
      if (!CONVERSIONS.includes(conv)) throw new KvmkitError(`unknown conversion ${conv}`, { revision, file: COMPAT_COPYOUT_FILE, field: mode });
      for (const f of list) {
        if (mode === 'move' && !fields.has(f)) throw new KvmkitError(`"move" names ${f}, which the base revision does not copy`, { revision, file: COMPAT_COPYOUT_FILE, field: f });
        if (mode !== 'move' && fields.has(f)) throw new KvmkitError(`${f} has two rules`, { revision, file: COMPAT_COPYOUT_FILE, field: f });
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
      if (!Array.isArray(e.omit)) notes[f] = e.omit[f];
    }
  }
  const r: CopyoutRules = { revision, fields, notes, sources: [...base.sources, ...(e.source ? [e.source] : [])] };
  cache.set(revision, r);
  return r;
}
