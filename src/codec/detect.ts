import { ARCHES, archesFor, getLayout, revisionNames, type ArchName, type StructLayout } from '../layout/index.ts';
import { RecordView } from './view.ts';

/**
 * Detection: which (struct, arch, revision) could have produced these bytes, with no flags given.
 * Evidence: ki_structsize against each layout's size in either byte order (libkvm's dead-kernel
 * records carry 0 there, so a length that divides evenly also counts), then plausibility of the
 * decoded values, kernel-pointer ranges per arch, and the revision-specific fields (bytes in slots
 * that are spares in older revisions). Every candidate that survives is returned, best first, with
 * its reasons, so the caller can say "ambiguous" instead of guessing silently.
 */
export interface Candidate {
  struct: string;
  arch: ArchName;
  revision: string;
  layout: StructLayout;
  score: number;
  reasons: string[];
}

const STRUCTS = ['kinfo_proc', 'kinfo_proc32'];

/** Kernel VA ranges a pointer in a record may hold (0 is always fine). */
function kernelPointerPlausible(arch: ArchName, v: bigint, struct: string): boolean {
  if (v === 0n) return true;
  // kinfo_proc32 is built by a 64-bit kernel, whose addresses all exceed 0xffffffff (the ranges
  // below): PTRTRIM turns every kernel pointer into 0 (spec §2.6). A non-zero one is a native
  // 32-bit record (the i386 ki_pd at 688 would otherwise pass for fbsd15's compat ki_uerrmsg).
  if (struct === 'kinfo_proc32') return false;
  switch (arch) {
    case 'amd64': return v >= 0xffff800000000000n;
    case 'arm64': return v >= 0xffff000000000000n;
    case 'riscv64': return v >= 0xffffffc000000000n;
    case 'powerpc64':
    case 'powerpc64le': return v >= 0xc000000000000000n;
    default: return v >= 0x80000000n || v < 0x80000000n; // 32-bit kernels place KVA variously
  }
}

const POINTERS = ['ki_args', 'ki_paddr', 'ki_addr', 'ki_tracep', 'ki_textvp', 'ki_fd', 'ki_vmspace', 'ki_wchan', 'ki_pcb', 'ki_kstack', 'ki_tdaddr'];

function printable(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function scoreRecords(layout: StructLayout, bytes: Uint8Array, count: number, reasons: string[]): number {
  const v = new RecordView(layout, bytes);
  let score = 0;
  let bad = 0;
  const n = Math.min(count, 64);
  let kernelPtrs = 0;
  let spareBytes = false;
  for (let i = 0; i < n; i++) {
    v.at(i * layout.size);
    const size = v.get('ki_structsize') as number;
    if (size === layout.size) score += 4;
    else if (size !== 0) bad++;
    const pid = v.get('ki_pid') as number;
    if (pid < 0 || pid > 99999) bad++;
    for (const f of ['ki_comm', 'ki_login', 'ki_emul', 'ki_wmesg']) if (!printable(v.get(f) as string)) bad++;
    const stat = v.get('ki_stat') as number;
    if (stat < 0 || stat > 7) bad++;
    for (const p of POINTERS) {
      if (!v.has(p)) continue;
      const x = BigInt(v.get(p)); // uint32_t in kinfo_proc32, a pointer (bigint) in kinfo_proc
      if (x !== 0n) kernelPtrs++;
      if (!kernelPointerPlausible(layout.arch, x, layout.struct)) bad++;
    }
    for (const spare of ['ki_spareints', 'ki_sparelongs', 'ki_spareptrs']) {
      if (!v.has(spare)) continue;
      if (v.getArray(spare).some((x) => x !== 0 && x !== 0n)) spareBytes = true;
    }
  }
  if (bad) reasons.push(`${bad} implausible value(s) in the first ${n} record(s)`);
  if (spareBytes) {
    bad += 4;
    reasons.push('non-zero bytes in spare fields (a newer revision uses them?)');
  }
  if (layout.struct === 'kinfo_proc32' && kernelPtrs === 0) {
    score += 1;
    reasons.push('every kernel pointer is 0, as the compat copyout (PTRTRIM) leaves them');
  }
  if (layout.struct === 'kinfo_proc' && kernelPtrs > 0) {
    score += 1;
    reasons.push(`kernel pointers in ${layout.arch}'s kernel address range`);
  }
  if (v.has('ki_reaper')) {
    let any = false;
    for (let i = 0; i < n; i++) if ((v.at(i * layout.size).get('ki_reaper') as number) !== 0 || (v.get('ki_reapsubtree') as number) !== 0) any = true;
    if (any) {
      score += 2;
      reasons.push('ki_reaper/ki_reapsubtree are filled');
    }
  }
  if (v.has('ki_uerrmsg')) {
    let any = false;
    for (let i = 0; i < n; i++) if (BigInt(v.at(i * layout.size).get('ki_uerrmsg')) !== 0n) any = true;
    if (any) {
      score += 2;
      reasons.push('ki_uerrmsg is set');
    }
  }
  return score - bad * 3;
}

/**
 * `bytes` may be only the head of the records (`totalLength` says how long they are): lengths are
 * checked against the total, plausibility against the first 64 records, so a file of any size is
 * detected from its first ~100 KiB (DETECT_HEAD_BYTES).
 */
export const DETECT_HEAD_BYTES = 1 << 17;

export function detect(bytes: Uint8Array, opts: { archHints?: ArchName[]; recordSize?: number; totalLength?: number } = {}): Candidate[] {
  const total = opts.totalLength ?? bytes.length;
  const out: Candidate[] = [];
  const revs = revisionNames();
  for (const struct of STRUCTS) {
    for (const revision of revs) {
      for (const arch of archesFor(revision, struct)) {
        const layout = getLayout(struct, arch, revision);
        if (opts.recordSize !== undefined && opts.recordSize !== layout.size) continue;
        if (total < layout.size || total % layout.size !== 0 || bytes.length < layout.size) continue;
        const reasons: string[] = [];
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const sz = dv.getInt32(0, layout.littleEndian);
        if (sz === layout.size) reasons.push(`ki_structsize ${sz} in ${layout.littleEndian ? 'little' : 'big'}-endian order`);
        else if (sz === 0) reasons.push('ki_structsize 0 (libkvm dead-kernel record); length divides evenly');
        else continue;
        let score = scoreRecords(layout, bytes, Math.min(total, bytes.length - (bytes.length % layout.size)) / layout.size, reasons);
        if (opts.archHints?.length) {
          const idx = opts.archHints.indexOf(arch);
          if (idx >= 0) {
            score += 3;
            reasons.push('arch matches the ELF header');
          } else score -= 10;
        }
        out.push({ struct, arch, revision, layout, score, reasons });
      }
    }
  }
  // Best first; ties keep a stable order: arch list order, then oldest revision.
  const archRank = (a: ArchName) => (ARCHES as readonly string[]).indexOf(a);
  return out.sort((a, b) => b.score - a.score || archRank(a.arch) - archRank(b.arch) || revs.indexOf(a.revision) - revs.indexOf(b.revision));
}
