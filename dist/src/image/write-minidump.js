import { KvmkitError, hex } from "../base/errors.js";
import { AMD64_MINIDUMP_MAGIC } from "./amd64-minidump.js";
import { ARM64_MINIDUMP_MAGIC } from "./arm64-minidump.js";
import { I386_MINIDUMP_MAGIC } from "./i386-minidump.js";
import { roundUp } from "./image.js";
import { ARM64_ATTR_AF, ARM64_ATTR_SH_IS, ARM64_L3_PAGE, GiB1, MiB2, X86_PG_A, X86_PG_M, X86_PG_PS, X86_PG_RW, X86_PG_V } from "./pagetables.js";
import { PAGE_SIZE } from "./physmem.js";
import { FileSink } from "./sink.js";
const P = PAGE_SIZE;
const PB = BigInt(P);
function header(magic, size) {
    const b = new Uint8Array(size);
    for (let i = 0; i < magic.length; i++)
        b[i] = magic.charCodeAt(i);
    return { b, v: new DataView(b.buffer) };
}
/** Bit ids of the present pages, ascending (libkvm's numbering through dump_avail, or plain PFNs for v1). */
function bitIds(mem, pfnIndexed) {
    const pfns = mem.presentPfns();
    const ids = [];
    if (pfnIndexed) {
        const last = mem.dumpAvail[mem.dumpAvail.length - 1];
        return { ids: pfns, pfns, nbits: Number((last.end + PB - 1n) / PB) };
    }
    let k = 0, acc = 0;
    const counts = mem.dumpAvail.map((r) => Number((r.end + PB - 1n) / PB - r.start / PB));
    for (const pfn of pfns) {
        const pa = BigInt(pfn) * PB;
        while (k < mem.dumpAvail.length && pa >= mem.dumpAvail[k].end)
            acc += counts[k++];
        if (k >= mem.dumpAvail.length || pa < mem.dumpAvail[k].start)
            throw new KvmkitError(`present page ${hex(pa)} is outside dump_avail`, { address: pa });
        ids.push(pfn - Number(mem.dumpAvail[k].start / PB) + acc);
    }
    return { ids, pfns, nbits: counts.reduce((a, b) => a + b, 0) };
}
/**
 * The region sequence every minidump shares: header page, msgbuf, dump_avail (v2+), bitmap,
 * page map, then the stored pages in ascending bit order, each streamed as it is produced.
 */
function writeMinidump(path, mem, spec) {
    const { ids, pfns, nbits } = bitIds(mem, spec.pfnIndexed);
    if (!pfns.length)
        throw new KvmkitError('a minidump needs at least one stored page (libkvm cannot map an empty sparse area)', { file: path });
    const bitsetBytes = Math.ceil(nbits / (spec.longBytes * 8)) * spec.longBytes;
    const sizes = {
        msgbufsize: spec.msgbuf?.length ?? 0,
        bitmapsize: roundUp(Math.max(bitsetBytes, 1), P),
        pmapsize: spec.pmapPages * P,
        dumpavailsize: spec.pfnIndexed ? 0 : P,
    };
    const total = spec.pmapPages + pfns.length;
    let done = 0;
    const sink = new FileSink(path);
    try {
        sink.write(spec.header(sizes));
        sink.padTo(P);
        if (spec.msgbuf)
            sink.write(spec.msgbuf);
        sink.padTo(P);
        if (!spec.pfnIndexed) {
            const da = new Uint8Array(P);
            const v = new DataView(da.buffer);
            if (mem.dumpAvail.length * 16 + 16 > P)
                throw new KvmkitError(`too many dump_avail ranges (${mem.dumpAvail.length}) for one page`, { file: path });
            mem.dumpAvail.forEach((r, i) => {
                v.setBigUint64(i * 16, r.start, true);
                v.setBigUint64(i * 16 + 8, r.end, true);
            });
            sink.write(da);
        }
        const bitmap = new Uint8Array(sizes.bitmapsize);
        for (const id of ids)
            bitmap[id >> 3] |= 1 << (id & 7);
        sink.write(bitmap);
        for (let i = 0; i < spec.pmapPages; i++) {
            sink.write(spec.pmapPage(i));
            spec.onProgress?.(++done, total);
        }
        for (const pfn of pfns) {
            sink.write(mem.pageBytes(pfn));
            spec.onProgress?.(++done, total);
        }
        sink.finish();
    }
    catch (e) {
        sink.abort();
        throw e;
    }
}
function entries64(list, n = 512) {
    const b = new Uint8Array(P);
    const v = new DataView(b.buffer);
    for (let j = 0; j < n; j++)
        v.setBigUint64(j * 8, list(j), true);
    return b;
}
export const AMD64_VM_MIN_KERNEL_ADDRESS = 0xfffffe0000000000n;
export const AMD64_KERNBASE = 0xffffffff80000000n;
export const AMD64_DMAP_MIN = 0xfffff80000000000n;
export const AMD64_DMAP_MAX = 0xfffffc0000000000n;
export function writeAmd64Minidump(path, mem, pt, o) {
    const version = o.version ?? 3;
    const kernbase = o.kernbase ?? (version === 1 ? AMD64_KERNBASE : AMD64_VM_MIN_KERNEL_ADDRESS);
    if (o.kvaEnd <= kernbase)
        throw new KvmkitError(`kvaEnd ${hex(o.kvaEnd)} is not above kernbase ${hex(kernbase)}`, { file: path });
    const span = o.kvaEnd - kernbase;
    const pmapPages = version === 1 ? Number((span + 512n * PB - 1n) / (512n * PB)) : Number((span + GiB1 - 1n) / GiB1);
    const flags = X86_PG_V | X86_PG_RW | X86_PG_A | X86_PG_M;
    writeMinidump(path, mem, {
        pfnIndexed: version < 3,
        longBytes: 8,
        pmapPages,
        msgbuf: o.msgbuf,
        onProgress: o.onProgress,
        header: (s) => {
            const { b, v } = header(AMD64_MINIDUMP_MAGIC, 72);
            v.setUint32(24, version, true);
            v.setUint32(28, s.msgbufsize, true);
            v.setUint32(32, s.bitmapsize, true);
            v.setUint32(36, s.pmapsize, true);
            v.setBigUint64(40, kernbase, true);
            v.setBigUint64(48, o.dmapbase ?? AMD64_DMAP_MIN, true);
            v.setBigUint64(56, o.dmapend ?? AMD64_DMAP_MAX, true);
            v.setUint32(64, s.dumpavailsize, true);
            return b;
        },
        pmapPage: (i) => {
            if (version === 1) {
                // One PTE per 4 KiB of KVA; large pages are expanded.
                return entries64((j) => {
                    const pa = pt.translate(kernbase + (BigInt(i) * 512n + BigInt(j)) * PB);
                    return pa === undefined ? 0n : (pa & ~0xfffn) | flags;
                });
            }
            const va = kernbase + BigInt(i) * GiB1;
            const pdpe = pt.entry(va, 3);
            if (pdpe === undefined || !(pdpe & X86_PG_V))
                return new Uint8Array(P);
            if (pdpe & X86_PG_PS)
                return entries64((j) => pdpe + BigInt(j) * MiB2);
            return mem.read(pdpe & 0x000ffffffffff000n, P);
        },
    });
}
export const I386_KERNBASE = 0x00800000n;
export function writeI386Minidump(path, mem, pt, o) {
    const version = o.version ?? 2;
    const kernbase = o.kernbase ?? I386_KERNBASE;
    const nbpdr = pt.pae ? MiB2 : 1n << 22n;
    if (kernbase % nbpdr)
        throw new KvmkitError(`i386 kernbase ${hex(kernbase)} must be aligned to ${hex(nbpdr)}`, { file: path });
    if (o.kvaEnd <= kernbase || o.kvaEnd > 1n << 32n)
        throw new KvmkitError(`kvaEnd ${hex(o.kvaEnd)} must lie above kernbase and within 4 GiB`, { file: path });
    const esz = pt.pae ? 8 : 4;
    const nent = P / esz;
    const pmapPages = Number((o.kvaEnd - kernbase + nbpdr - 1n) / nbpdr);
    writeMinidump(path, mem, {
        pfnIndexed: version === 1,
        longBytes: 4,
        pmapPages,
        msgbuf: o.msgbuf,
        onProgress: o.onProgress,
        header: (s) => {
            const { b, v } = header(I386_MINIDUMP_MAGIC, 52);
            v.setUint32(24, version, true);
            v.setUint32(28, s.msgbufsize, true);
            v.setUint32(32, s.bitmapsize, true);
            v.setUint32(36, s.pmapsize, true);
            v.setUint32(40, Number(kernbase), true);
            v.setUint32(44, pt.pae ? 1 : 0, true);
            if (version === 2)
                v.setUint32(48, s.dumpavailsize, true);
            return b;
        },
        pmapPage: (i) => {
            const va = kernbase + BigInt(i) * nbpdr;
            const pde = pt.pde(va);
            if ((pde & (X86_PG_PS | X86_PG_V)) === (X86_PG_PS | X86_PG_V)) {
                // A superpage becomes a fake page table, low bits V|RW|A|M as the kernel writes them.
                const frame = pde & (pt.pae ? 0x000fffffffe00000n : 0xffc00000n);
                const b = new Uint8Array(P);
                const v = new DataView(b.buffer);
                for (let k = 0; k < nent; k++) {
                    const e = (frame + BigInt(k) * PB) | X86_PG_V | X86_PG_RW | X86_PG_A | X86_PG_M;
                    if (esz === 8)
                        v.setBigUint64(k * 8, e, true);
                    else
                        v.setUint32(k * 4, Number(e), true);
                }
                return b;
            }
            if (pde & X86_PG_V)
                return mem.read(pde & (pt.pae ? 0x000ffffffffff000n : 0xfffff000n), P);
            return new Uint8Array(P);
        },
    });
}
export const ARM64_VM_MIN_KERNEL_ADDRESS = 0xffff000000000000n;
export const ARM64_DMAP_MIN = 0xffffa00000000000n;
export const ARM64_DMAP_MAX = 0xffffff0000000000n;
export function writeArm64Minidump(path, mem, pt, o) {
    const version = o.version ?? 2;
    const kernbase = o.kernbase ?? ARM64_VM_MIN_KERNEL_ADDRESS;
    if (kernbase % MiB2)
        throw new KvmkitError(`arm64 kernbase ${hex(kernbase)} must be 2 MiB aligned`, { file: path });
    if (o.kvaEnd <= kernbase)
        throw new KvmkitError(`kvaEnd ${hex(o.kvaEnd)} is not above kernbase ${hex(kernbase)}`, { file: path });
    const attrs = ARM64_ATTR_AF | ARM64_ATTR_SH_IS | ARM64_L3_PAGE;
    writeMinidump(path, mem, {
        pfnIndexed: version === 1,
        longBytes: 8,
        pmapPages: Number((o.kvaEnd - kernbase + MiB2 - 1n) / MiB2),
        msgbuf: o.msgbuf,
        onProgress: o.onProgress,
        header: (s) => {
            const { b, v } = header(ARM64_MINIDUMP_MAGIC, 80);
            v.setUint32(24, version, true);
            v.setUint32(28, s.msgbufsize, true);
            v.setUint32(32, s.bitmapsize, true);
            v.setUint32(36, s.pmapsize, true);
            v.setBigUint64(40, kernbase, true);
            v.setBigUint64(48, o.dmapphys, true);
            v.setBigUint64(56, o.dmapbase ?? ARM64_DMAP_MIN, true);
            v.setBigUint64(64, o.dmapend ?? ARM64_DMAP_MAX, true);
            if (version >= 2)
                v.setUint32(72, s.dumpavailsize, true);
            return b;
        },
        pmapPage: (i) => {
            const va = kernbase + BigInt(i) * MiB2;
            const w = pt.walk(va);
            if (w && w.level < 3) {
                // L1 or L2 block: synthesise the L3 entries of this 2 MiB step.
                const size = w.level === 1 ? GiB1 : MiB2;
                const base = (w.desc & 0x0003fffffffff000n & ~(size - 1n)) + (va & (size - 1n));
                return entries64((j) => (base + BigInt(j) * PB) | attrs);
            }
            const l3 = pt.l3Table(va);
            return l3 === undefined ? new Uint8Array(P) : mem.read(l3, P);
        },
    });
}
