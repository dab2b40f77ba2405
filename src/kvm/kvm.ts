import { KvmkitError, UsageError } from '../base/errors.ts';
import { RecordView } from '../codec/index.ts';
import { KERN_PROC_ALL, KERN_PROC_INC_THREAD, KERN_PROC_PID, KERN_PROC_PROC, NOCPU, NOCPU_OLD, MAXCPU_OLD, PID_MAX } from '../kernel/constants.ts';
import type { KernelModel } from '../kernel/model.ts';
import type { KernelImage } from '../image/image.ts';
import { openImage } from '../image/open.ts';
import type { NlistEntry } from '../image/symbols.ts';
import { getLayout, type StructLayout } from '../layout/index.ts';
import type { TypeGraph } from '../debuginfo/model.ts';
import { kstructSource } from './image-source.ts';
import { chooseKernelLayouts, type LayoutChoice } from './layout-choice.ts';
import { modelSource, type ModelFaults, type ProcessSource, type WalkError } from './source.ts';
import { walkThreads } from './threads.ts';
import { getProcs, type GetProcsOptions, type GetProcsResult, type KvmRecord } from './walk.ts';

/**
 * The libkvm-shaped handle: `openKvm(vmcore, kernel)` (an image) or `kvmFromModel(model)` (an
 * in-memory system), then `kd.getProcs(op, arg, opts)`, `kd.nlist(names)`, `kd.read(va, len)`,
 * `kd.close()`.
 *
 * An image is read through kstruct's reader (src/kstruct/, which owns the kernel struct layouts)
 * when that reader recognises the kernel; otherwise — the real FreeBSD dumps of the corpus, whose
 * kernel carries no layouts, only the offsets it exports about itself — through the
 * exported-offsets walk (./threads.ts): pid, comm and the threads are known, every other field is
 * reported unavailable rather than passed off as zero.
 */

export interface Kd {
  /** 'model', 'image' (kstruct reader) or 'exported-offsets'. */
  readonly kind: ProcessSource['kind'];
  readonly revision: string;
  readonly arch: string;
  readonly source?: ProcessSource;
  readonly image?: KernelImage;
  getProcs(op: number, arg?: number, opts?: GetProcsOptions): GetProcsResult;
  nlist(names: readonly string[]): NlistEntry[];
  read(va: bigint, len: number): Uint8Array;
  /** kvm_geterr(): the last walk's libkvm error text ('' when none). */
  geterr(): string;
  /** Where the kernel-struct layouts came from (images only): the one line ps prints as a note. */
  readonly layoutNote?: string;
  readonly layoutSource?: { kind: string; detail: string; unverified: string[]; skipped: { kind: string; detail: string; missing: string[] }[] };
  close(): void;
}

export interface OpenKvmOptions {
  /** Layout revision of the kernel (fbsd14, fbsd15, fbsd15-reaper). Default: what the reader detects, else fbsd14. */
  revision?: string;
  /** Force the reader: kstruct (full layouts) or exported (offsets only). Default: kstruct when it recognises the kernel. */
  reader?: 'auto' | 'kstruct' | 'exported';
  /** The kernel's own types, in the order to try them: its CTF, then --debug DWARF (./layout-choice.ts). */
  types?: readonly TypeGraph[];
}

function makeKd(src: ProcessSource | undefined, img: KernelImage | undefined, revision: string, walk: (op: number, arg: number, o: GetProcsOptions) => GetProcsResult, choice?: LayoutChoice, note?: string): Kd {
  let err = '';
  return {
    layoutNote: note ?? choice?.note,
    layoutSource: choice && {
      kind: choice.chosen.kind, detail: choice.chosen.detail, unverified: choice.chosen.unverified,
      skipped: choice.skipped.map((s) => ({ kind: s.kind, detail: s.detail, missing: s.missing })),
    },
    kind: src?.kind ?? 'exported-offsets',
    revision,
    arch: src?.arch ?? img!.arch,
    source: src,
    image: img,
    getProcs(op, arg = 0, opts = {}) {
      const r = walk(op, arg, opts);
      err = r.libkvm?.errbuf ?? (r.errors[0]?.message ?? '');
      return r;
    },
    nlist(names) {
      if (img?.symbols) return img.symbols.nlist(names);
      if (src) return names.map((name) => {
        const v = src.symbol(name);
        return v === undefined ? { name, value: 0n, found: false, size: 0, type: 0 } : { name, value: v, found: true, size: 0, type: 1 };
      });
      throw new KvmkitError('kvm_nlist needs the kernel ELF');
    },
    read(va, len) {
      if (img) return img.read(va, len);
      if (src?.read) return src.read(va, len);
      throw new KvmkitError('kvm_read: an in-memory model has no kernel memory to read', { address: va });
    },
    geterr: () => err,
    close() {
      src?.close();
      img?.close();
    },
  };
}

/** A kd over an in-memory model (development and the equivalence suite). */
export function kvmFromModel(model: KernelModel, revision: string, faults?: ModelFaults): Kd {
  const src = modelSource(model, revision, faults);
  return makeKd(src, undefined, revision, (op, arg, o) => getProcs(src, op, arg, o));
}

/** A kd over any process source. */
export function kvmFromSource(src: ProcessSource, img?: KernelImage, choice?: LayoutChoice): Kd {
  return makeKd(src, img, src.revision, (op, arg, o) => getProcs(src, op, arg, o), choice);
}

/** kvm_open2 for a dead kernel: the image, then the best reader for it. */
export async function openKvm(vmcore: string, kernel: string, opts: OpenKvmOptions = {}): Promise<Kd> {
  const img = openImage(vmcore, kernel);
  try {
    const choice = chooseKernelLayouts(img, opts.revision, opts.types);
    if (opts.reader !== 'exported') {
      const src = kstructSource(img, { revision: opts.revision, layouts: choice.chosen.layouts });
      if (src) return kvmFromSource(src, img, choice);
      if (opts.reader === 'kstruct') throw new KvmkitError('kstruct\'s reader does not recognise this kernel (no layouts for it)', { file: vmcore });
    }
    const revision = opts.revision ?? 'fbsd14';
    const note = `kernel struct layouts: none (tried ${choice.chosen.detail}: the dump's memory has no struct proc with P_MAGIC at proc0 in them); pid, comm and threads come from the offsets the kernel exports (proc_off_*, thread_off_*)`;
    return makeKd(undefined, img, revision, (op, arg, o) => exportedGetProcs(img, revision, op, arg, o), choice, note);
  } catch (e) {
    img.close();
    throw e;
  }
}

// ---------------------------------------------------------------- exported offsets only

/** The record fields the exported-offsets walk recovers (everything else is unavailable). */
export const EXPORTED_FIELDS = ['ki_paddr', 'ki_pid', 'ki_comm', 'ki_tid', 'ki_tdname', 'ki_moretdname', 'ki_tdaddr', 'ki_oncpu', 'ki_oncpu_old'];

class ExportedRecord implements KvmRecord {
  constructor(readonly index: number, readonly pid: number, readonly tid: number, readonly paddr: bigint, readonly tdaddr: bigint, readonly bytes: Uint8Array, readonly unavailable: string[], private readonly layout: StructLayout) {}
  get value() {
    const v = new RecordView(this.layout, this.bytes);
    return Object.fromEntries(EXPORTED_FIELDS.map((f) => [f, v.get(f)]));
  }
}

/**
 * Records from the exported offsets: pid, comm, the proc and thread addresses, tid, thread name
 * and oncpu are written; all other bytes stay 0 and are listed in `unavailable`.
 */
export function exportedGetProcs(img: KernelImage, revision: string, op: number, arg: number, opts: GetProcsOptions): GetProcsResult {
  if ((opts.mode ?? 'exact') === 'libkvm') throw new UsageError('--mode libkvm needs the kernel\'s struct layouts (kstruct); this dump has only the exported offsets', { file: img.source.name });
  if (opts.compat32) throw new UsageError('--compat32 needs full records; this dump has only the exported offsets', { file: img.source.name });
  const base = op & ~KERN_PROC_INC_THREAD;
  if (base !== KERN_PROC_ALL && base !== KERN_PROC_PROC && base !== KERN_PROC_PID) {
    throw new UsageError('this dump has only the exported offsets (pid, comm, threads): select all processes or --pid', { file: img.source.name });
  }
  const perThread = base === KERN_PROC_ALL || (op & KERN_PROC_INC_THREAD) !== 0 || !!opts.threads;
  const layout = getLayout('kinfo_proc', img.arch, revision);
  const unavailable = layout.fields.map((f) => f.name).filter((f) => !EXPORTED_FIELDS.includes(f));
  const w = walkThreads(img);
  const errors: WalkError[] = [];
  const records: KvmRecord[] = [];
  const v = new RecordView(layout);
  const keep = opts.keep ?? true;
  let count = 0;
  const tdnameSize = layout.leaf('ki_tdname').size;
  for (const p of w.procs) {
    if (p.error) errors.push({ code: p.error.includes('loops') ? 'cycle' : p.error.includes('longer') ? 'limit' : 'read', object: 'proc', address: p.paddr, pid: p.pid, message: p.error });
    if (p.pid === undefined) continue;
    const tds = p.threads.filter((t) => t.tid !== undefined && !t.error);
    for (const t of p.threads) if (t.error) errors.push({ code: t.error.includes('loops') ? 'cycle' : 'read', object: 'thread', address: t.tdaddr, pid: p.pid, message: t.error });
    if (base === KERN_PROC_PID && (arg <= PID_MAX ? p.pid !== arg : !tds.some((t) => t.tid === arg))) continue;
    for (const t of perThread ? tds : tds.slice(0, 1)) {
      v.zero();
      v.assign('ki_paddr', p.paddr);
      v.assign('ki_pid', p.pid);
      v.strlcpy('ki_comm', p.comm ?? '');
      v.assign('ki_tid', t.tid!);
      v.assign('ki_tdaddr', t.tdaddr);
      const name = t.name ?? '';
      v.strlcpy('ki_tdname', name);
      if (name.length >= tdnameSize) v.strlcpy('ki_moretdname', name.slice(tdnameSize - 1));
      v.assign('ki_oncpu', t.oncpu!);
      v.assign('ki_oncpu_old', t.oncpu === NOCPU ? NOCPU_OLD : Math.min(t.oncpu!, MAXCPU_OLD));
      const r = new ExportedRecord(count++, p.pid, t.tid!, p.paddr, t.tdaddr, v.record().slice(), unavailable, layout);
      if (keep) records.push(r);
      opts.onRecord?.(r);
    }
  }
  if (opts.strict && errors.length) throw new KvmkitError(`--strict: ${errors[0].message}`, { file: img.source.name, address: errors[0].address });
  return {
    mode: 'exact', op, arg, layout, walked: 'exported-offsets', records, count, errors,
    notes: ['the kernel has no struct layouts, only its exported offsets: pid, comm and threads (tid, name, oncpu) are read; every other field is unavailable'],
    concat() {
      const out = new Uint8Array(records.length * layout.size);
      records.forEach((r, i) => out.set(r.bytes, i * layout.size));
      return out;
    },
  };
}

export { KERN_PROC_PID };
