import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DumpBuilder, type DumpBuilderOptions } from '../../src/image/builder.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-image-test-'));
}

import { prng } from '../prng.ts';

export { prng };

export function pattern(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

/** The offsets FreeBSD 13 amd64 exports (from the corpus kernel); the test layout of struct proc/thread. */
export const OFFS = {
  proc_off_p_list: 0, proc_off_p_pid: 196, proc_off_p_threads: 16, proc_off_p_comm: 984,
  thread_off_td_tid: 160, thread_off_td_plist: 16, thread_off_td_oncpu: 1724, thread_off_td_name: 700,
} as const;

export interface FakeThread { tid: number; name: string; oncpu: number }
export interface FakeProc { pid: number; comm: string; threads: FakeThread[] }

/**
 * Place a process list the way the kernel keeps it: allproc (LIST_HEAD), struct proc with p_list
 * (LIST_ENTRY) and p_threads (TAILQ_HEAD), struct thread with td_plist (TAILQ_ENTRY), all at the
 * exported offsets, and the offsets themselves as const int symbols in kernel data.
 */
export function placeProcs(b: DumpBuilder, procs: FakeProc[], dumptid: number): { paddrs: bigint[]; tdaddrs: bigint[][] } {
  for (const [k, v] of Object.entries(OFFS)) b.defineInt(k, v);
  b.defineInt('dumptid', dumptid);
  b.defineInt('hz', 100);
  const ptr = b.pointerSize;
  const alloc = (n: number): bigint => (b.layout.dmapbase !== undefined ? b.allocDmap(n) : b.allocKmem(n));
  const paddrs = procs.map(() => alloc(2048));
  const tdaddrs = procs.map((p) => p.threads.map(() => alloc(2048)));
  b.definePointer('allproc', paddrs[0] ?? 0n);
  procs.forEach((p, i) => {
    const pa = paddrs[i];
    b.writePointer(pa + BigInt(OFFS.proc_off_p_list), paddrs[i + 1] ?? 0n);
    b.writeI32(pa + BigInt(OFFS.proc_off_p_pid), p.pid);
    b.writeCString(pa + BigInt(OFFS.proc_off_p_comm), p.comm, 20);
    b.writePointer(pa + BigInt(OFFS.proc_off_p_threads), tdaddrs[i][0] ?? 0n);
    p.threads.forEach((t, j) => {
      const ta = tdaddrs[i][j];
      b.writePointer(ta + BigInt(OFFS.thread_off_td_plist), tdaddrs[i][j + 1] ?? 0n);
      b.writePointer(ta + BigInt(OFFS.thread_off_td_plist + ptr), 0n);
      b.writeI32(ta + BigInt(OFFS.thread_off_td_tid), t.tid);
      b.writeCString(ta + BigInt(OFFS.thread_off_td_name), t.name, 20);
      b.writeI32(ta + BigInt(OFFS.thread_off_td_oncpu), t.oncpu);
    });
  });
  return { paddrs, tdaddrs };
}

export const SAMPLE_PROCS: FakeProc[] = [
  { pid: 806, comm: 'sysctl', threads: [{ tid: 100659, name: 'sysctl', oncpu: 9 }] },
  { pid: 11, comm: 'idle', threads: [{ tid: 100003, name: 'idle: cpu0', oncpu: 0 }, { tid: 100004, name: 'idle: cpu1', oncpu: -1 }] },
  { pid: 0, comm: 'kernel', threads: [] },
];

export const BUILDS: { label: string; opts: DumpBuilderOptions; format: 'amd64-minidump' | 'amd64-elf' | 'i386-minidump' | 'arm64-minidump'; version?: number }[] = [
  { label: 'amd64 minidump v3', opts: { arch: 'amd64' }, format: 'amd64-minidump', version: 3 },
  { label: 'amd64 minidump v2', opts: { arch: 'amd64' }, format: 'amd64-minidump', version: 2 },
  { label: 'amd64 ELF full dump', opts: { arch: 'amd64' }, format: 'amd64-elf' },
  { label: 'i386 minidump v2 non-PAE', opts: { arch: 'i386', pae: false }, format: 'i386-minidump', version: 2 },
  { label: 'i386 minidump v2 PAE', opts: { arch: 'i386', pae: true }, format: 'i386-minidump', version: 2 },
  { label: 'i386 minidump v1 PAE', opts: { arch: 'i386', pae: true }, format: 'i386-minidump', version: 1 },
  { label: 'arm64 minidump v1', opts: { arch: 'arm64' }, format: 'arm64-minidump', version: 1 },
  { label: 'arm64 minidump v2', opts: { arch: 'arm64' }, format: 'arm64-minidump', version: 2 },
  { label: 'arm64 minidump v3', opts: { arch: 'arm64' }, format: 'arm64-minidump', version: 3 },
];
