import { KvmkitError, hex } from '../base/errors.ts';
import { MAX_READ_BYTES } from '../base/bounds.ts';
import type { KernelImage } from '../image/image.ts';
import { MinidumpImage } from '../image/sparse.ts';
import { readI32, readPointer, symbolAddress } from '../image/symbols.ts';
import { msgbufText } from '../kernel/msgbuf.ts';
import { msgbufConstants, msgbufLayout } from '../layout/msgbuf.ts';

export interface Msgbuf {
  /** What dmesg -M prints. */
  text: string;
  /** Where the bytes came from: the kernel's msgbufp, or (no kernel given) a minidump's msgbuf section. */
  source: 'msgbufp' | 'minidump-section';
  address?: bigint;
  size: number;
  wseq?: number;
  rseq?: number;
  notes: string[];
}

/**
 * The kernel message buffer, read as dmesg -M does: `msgbufp` → struct msgbuf (MSG_MAGIC checked),
 * then msg_size bytes at msg_ptr, unwrapped from msg_wseq. Without a kernel, a minidump's own msgbuf
 * section gives the ring, in storage order (its write position is in kernel memory, not the section).
 */
export function readMsgbuf(img: KernelImage): Msgbuf {
  if (!img.symbols) {
    if (!(img instanceof MinidumpImage)) throw new KvmkitError('dmesg of a full dump needs the kernel (--kernel or -N): msgbufp is a kernel symbol', { file: img.source.name });
    const ring = img.msgbufSection();
    return {
      text: msgbufText(ring, 0), source: 'minidump-section', size: ring.length,
      notes: ['no kernel given: the minidump\'s msgbuf section is printed in storage order (the write position msg_wseq is in kernel memory); give --kernel for the oldest-first order'],
    };
  }
  const L = msgbufLayout(img.arch);
  const at = (f: string) => BigInt(L.field(f).offset);
  const va = readPointer(img, symbolAddress(img, 'msgbufp'));
  const u32 = (f: string) => readI32(img, va + at(f)) >>> 0;
  const file = img.source.name;
  const magic = u32('msg_magic');
  if (magic !== msgbufConstants().MSG_MAGIC) throw new KvmkitError(`struct msgbuf at ${hex(va)}: magic number incorrect (${hex(magic)}, MSG_MAGIC is ${hex(msgbufConstants().MSG_MAGIC)})`, { file, address: va, field: 'msg_magic' });
  const size = u32('msg_size');
  if (size === 0 || size > MAX_READ_BYTES) throw new KvmkitError(`struct msgbuf at ${hex(va)}: msg_size ${size} is not a buffer size kvmkit reads (1…${MAX_READ_BYTES})`, { file, address: va, field: 'msg_size' });
  const wseq = u32('msg_wseq');
  const rseq = u32('msg_rseq');
  const ptr = readPointer(img, va + at('msg_ptr'));
  const ring = img.read(ptr, size);
  const notes: string[] = [];
  if (img instanceof MinidumpImage && img.hdr.msgbufsize >= size) {
    const section = img.msgbufSection().subarray(0, size);
    if (!Buffer.from(section).equals(Buffer.from(ring))) notes.push(`the minidump's msgbuf section differs from the ring at msg_ptr ${hex(ptr)} (the kernel memory copy is printed)`);
  }
  return { text: msgbufText(ring, wseq), source: 'msgbufp', address: va, size, wseq, rseq, notes };
}

/** The most of a kernel string kvmkit reads (version is a few hundred bytes; panicstr is formatted into a 256-byte buffer). */
const MAX_KSTRING = 4096;

/** A NUL-terminated kernel string, read a page at a time so that an unmapped page after it does not matter. */
export function readKernelString(img: KernelImage, va: bigint, max = MAX_KSTRING): string {
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < max) {
    const cur = va + BigInt(n);
    const len = Math.min(max - n, img.pageSize - Number(cur % BigInt(img.pageSize)));
    const b = img.read(cur, len);
    const end = b.indexOf(0);
    parts.push(end < 0 ? b : b.subarray(0, end));
    if (end >= 0) break;
    n += len;
  }
  return Buffer.concat(parts).toString('latin1');
}

export interface CrashInfo {
  version?: string;
  osreldate?: number;
  hostname?: string;
  /** null: the kernel has panicstr and it is NULL (no panic). */
  panicstr?: string | null;
  dumptid?: number;
  /** Symbols that are present but could not be read, with why. */
  errors: string[];
}

/** version, osreldate, hostname, panicstr and dumptid, for each symbol the kernel has. */
export function readCrashInfo(img: KernelImage): CrashInfo {
  const out: CrashInfo = { errors: [] };
  const s = img.symbols;
  if (!s) return out;
  const get = <T>(name: string, f: (va: bigint) => T): T | undefined => {
    const sym = s.lookup(name);
    if (!sym) return undefined;
    try {
      return f(sym.value);
    } catch (e) {
      out.errors.push(`${name}: ${(e as Error).message}`);
      return undefined;
    }
  };
  out.version = get('version', (va) => readKernelString(img, va).replace(/\n+$/, ''));
  out.osreldate = get('osreldate', (va) => readI32(img, va));
  out.hostname = get('hostname', (va) => readKernelString(img, va, 256));
  out.panicstr = get('panicstr', (va) => {
    const p = readPointer(img, va);
    return p === 0n ? null : readKernelString(img, p);
  });
  out.dumptid = get('dumptid', (va) => readI32(img, va));
  for (const k of Object.keys(out) as (keyof CrashInfo)[]) if (out[k] === undefined) delete out[k];
  return out;
}
