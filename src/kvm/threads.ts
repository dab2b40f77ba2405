import { KvmkitError, hex } from '../base/errors.ts';
import type { KernelImage } from '../image/image.ts';
import { readCString, readI32, readPointer, symbolAddress, type MemoryReader } from '../image/symbols.ts';
import { KernelMemory } from '../kstruct/mem.ts';

/**
 * The process and thread list of a crash dump, read with nothing but the offsets the kernel
 * exports about itself (`proc_off_*`, `thread_off_*`: `const int` objects whose values are in the
 * dump). No struct layout is assumed beyond the queue macros: LIST_ENTRY/TAILQ_ENTRY/TAILQ_HEAD all
 * start with their "next"/"first" pointer.
 */

/** The exported offsets, in the order libfbsdvmcore's reader prints them. */
export const OFFSET_SYMBOLS = [
  'proc_off_p_list', 'proc_off_p_pid', 'proc_off_p_threads', 'proc_off_p_comm',
  'thread_off_td_tid', 'thread_off_td_plist', 'thread_off_td_oncpu', 'thread_off_td_name',
] as const;
export type OffsetSymbol = (typeof OFFSET_SYMBOLS)[number];

/** p_comm and td_name are char[MAXCOMLEN + 1]. */
const MAXCOMLEN = 19;
/** PID_MAX is 99999; a list longer than this is corrupt, whatever the visited set says. */
export const MAX_PROCS = 100_000;
export const MAX_THREADS_PER_PROC = 100_000;

export interface ThreadEntry {
  tdaddr: bigint;
  tid?: number;
  name?: string;
  oncpu?: number;
  crashed?: boolean;
  /** Set when this thread could not be read; the walk of this process stops here. */
  error?: string;
}

export interface ProcEntry {
  paddr: bigint;
  pid?: number;
  comm?: string;
  threads: ThreadEntry[];
  /** Set when the process could not be read, or its list link is bad; the walk stops here. */
  error?: string;
}

export interface OffsetValue {
  value: number;
  /** Where the `const int` lives in kernel memory. */
  address: bigint;
}

export interface ThreadWalk {
  offsets: Record<OffsetSymbol, OffsetValue>;
  dumptid: number;
  allproc: bigint;
  procs: ProcEntry[];
  /** True when an error entry ended a list early. */
  incomplete: boolean;
}

function describe(e: unknown): string {
  if (e instanceof KvmkitError) return e.message;
  throw e;
}

/** Read the exported offsets; a missing symbol or unreadable value is fatal (nothing can be walked). */
export function readOffsets(img: KernelImage): Record<OffsetSymbol, OffsetValue> {
  const out = {} as Record<OffsetSymbol, OffsetValue>;
  for (const name of OFFSET_SYMBOLS) {
    const address = symbolAddress(img, name);
    const value = readI32(img, address);
    if (value < 0 || value > 1 << 20) throw new KvmkitError(`absurd exported offset ${name} = ${value}`, { file: img.source.name, address, field: name });
    out[name] = { value, address };
  }
  return out;
}

/**
 * The kernel's own globals the walk starts from. They sit in the kernel's data, which every dump
 * keeps: when they do not translate, the kernel named is not the one that wrote the dump — say
 * that, rather than which page-table step of the translation failed.
 */
function kernelGlobals(img: KernelImage): { off: ReturnType<typeof readOffsets>; dumptid: number; allproc: bigint } {
  try {
    return { off: readOffsets(img), dumptid: readI32(img, symbolAddress(img, 'dumptid')), allproc: readPointer(img, symbolAddress(img, 'allproc')) };
  } catch (e) {
    if (!(e instanceof KvmkitError) || e.context.address === undefined) throw e;
    throw new KvmkitError(`the kernel's globals (allproc, dumptid, proc_off_*) do not translate in this dump: is this the kernel that wrote it? (${e.text})`, { file: img.source.name, address: e.context.address });
  }
}

/** Walk `allproc` and each process's `p_threads`. Bad pointers and cycles become error entries. */
export function walkThreads(img: KernelImage): ThreadWalk {
  const { off, dumptid, allproc } = kernelGlobals(img);
  const o = (n: OffsetSymbol): bigint => BigInt(off[n].value);
  // Every read through kstruct's page and file-chunk caches (same bytes, same errors as img.read):
  // the walk reads a few words from each of 10⁵ processes and threads.
  const mem = new KernelMemory(img);
  const cached: MemoryReader = { read: (va, len) => mem.read(va, len), littleEndian: img.littleEndian, pointerSize: img.pointerSize };
  const procs: ProcEntry[] = [];
  const seenProcs = new Set<bigint>();
  let incomplete = false;
  let p = allproc;
  while (p !== 0n) {
    if (seenProcs.has(p) || procs.length >= MAX_PROCS) {
      procs.push({ paddr: p, threads: [], error: seenProcs.has(p) ? `allproc list loops back to proc ${hex(p)}` : `allproc list longer than ${MAX_PROCS} entries` });
      incomplete = true;
      break;
    }
    seenProcs.add(p);
    const entry: ProcEntry = { paddr: p, threads: [] };
    procs.push(entry);
    let next: bigint;
    try {
      entry.pid = readI32(cached, p + o('proc_off_p_pid'));
      entry.comm = readCString(cached, p + o('proc_off_p_comm'), MAXCOMLEN + 1);
      next = readPointer(cached, p + o('proc_off_p_list'));
    } catch (e) {
      entry.error = `cannot read proc at ${hex(p)}: ${describe(e)}`;
      incomplete = true;
      break;
    }
    if (!walkProcThreads(cached, entry, off, dumptid)) incomplete = true;
    p = next;
  }
  return { offsets: off, dumptid, allproc, procs, incomplete };
}

function walkProcThreads(img: MemoryReader, proc: ProcEntry, off: Record<OffsetSymbol, OffsetValue>, dumptid: number): boolean {
  const o = (n: OffsetSymbol): bigint => BigInt(off[n].value);
  let td: bigint;
  try {
    td = readPointer(img, proc.paddr + o('proc_off_p_threads'));
  } catch (e) {
    proc.error = `cannot read p_threads of proc ${hex(proc.paddr)}: ${describe(e)}`;
    return false;
  }
  const seen = new Set<bigint>();
  while (td !== 0n) {
    if (seen.has(td) || proc.threads.length >= MAX_THREADS_PER_PROC) {
      proc.threads.push({ tdaddr: td, error: seen.has(td) ? `p_threads list loops back to thread ${hex(td)}` : `p_threads list longer than ${MAX_THREADS_PER_PROC} entries` });
      return false;
    }
    seen.add(td);
    const t: ThreadEntry = { tdaddr: td };
    proc.threads.push(t);
    try {
      t.tid = readI32(img, td + o('thread_off_td_tid'));
      t.name = readCString(img, td + o('thread_off_td_name'), MAXCOMLEN + 1);
      t.oncpu = readI32(img, td + o('thread_off_td_oncpu'));
      t.crashed = t.tid === dumptid;
      td = readPointer(img, td + o('thread_off_td_plist'));
    } catch (e) {
      t.error = `cannot read thread at ${hex(td)}: ${describe(e)}`;
      return false;
    }
  }
  return true;
}

/** The text report, shaped like libfbsdvmcore's listing (expected/*.txt in the corpus). */
export function formatThreadWalk(w: ThreadWalk): string {
  const lines = ['procs:'];
  for (const name of OFFSET_SYMBOLS) {
    const v = w.offsets[name];
    lines.push(`  ${name} = ${v.value} (${hex(v.value)}) [read at ${hex(v.address)}]`);
  }
  lines.push(`  dumptid = ${w.dumptid}`);
  let nthreads = 0;
  for (const p of w.procs) {
    if (p.pid === undefined) {
      lines.push(`  proc ${hex(p.paddr)} error: ${p.error}`);
      continue;
    }
    lines.push(`  proc ${hex(p.paddr)} pid=${p.pid} comm="${p.comm}"`);
    for (const t of p.threads) {
      if (t.tid === undefined || t.error) {
        lines.push(`    thread ${hex(t.tdaddr)} error: ${t.error}`);
        continue;
      }
      nthreads++;
      lines.push(`    thread ${hex(t.tdaddr)} tid=${t.tid} oncpu=${t.oncpu} name="${t.name}"${t.crashed ? ' (crashed)' : ''}`);
    }
    if (p.error) lines.push(`    error: ${p.error}`);
  }
  const nprocs = w.procs.filter((p) => p.pid !== undefined).length;
  lines.push(`  ${nprocs} procs, ${nthreads} threads`);
  return lines.join('\n') + '\n';
}

/** The JSON shape of `kvmkit threads --json`: addresses as "0x…" strings. */
export function threadWalkJson(w: ThreadWalk): unknown[] {
  return w.procs.map((p) => ({
    paddr: hex(p.paddr),
    ...(p.pid !== undefined ? { pid: p.pid, comm: p.comm } : {}),
    threads: p.threads.map((t) => (t.tid !== undefined && !t.error
      ? { tdaddr: hex(t.tdaddr), tid: t.tid, name: t.name, oncpu: t.oncpu, crashed: t.crashed }
      : { tdaddr: hex(t.tdaddr), error: t.error })),
    ...(p.error ? { error: p.error } : {}),
  }));
}
