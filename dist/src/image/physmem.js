import { KvmkitError, hex } from "../base/errors.js";
export const PAGE_SIZE = 4096;
const P = BigInt(PAGE_SIZE);
/**
 * Sparse physical memory for building dumps: 4 KiB pages inside a `dump_avail` list of ranges,
 * with holes between them. A page is either absent (not in the dump), present and zero (no
 * storage; lets a builder describe hundreds of MB cheaply), or present with bytes. Writers read
 * pages from here one at a time and stream them to the output.
 */
export class PhysMem {
    littleEndian;
    dumpAvail;
    /** pfn → bytes, or null for a present page of zeros. */
    pages = new Map();
    allocRange = 0;
    allocNext;
    static ZERO = new Uint8Array(PAGE_SIZE);
    constructor(ranges, littleEndian = true) {
        this.littleEndian = littleEndian;
        if (!ranges.length)
            throw new KvmkitError('physical memory needs at least one dump_avail range');
        const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        for (let i = 0; i < sorted.length; i++) {
            const r = sorted[i];
            if (r.start % P || r.end % P || r.end <= r.start)
                throw new KvmkitError(`dump_avail range ${hex(r.start)}-${hex(r.end)} must be page-aligned and non-empty`, { address: r.start });
            if (i && r.start < sorted[i - 1].end)
                throw new KvmkitError(`dump_avail ranges overlap at ${hex(r.start)}`, { address: r.start });
        }
        this.dumpAvail = sorted.map((r) => ({ ...r }));
        this.allocNext = this.dumpAvail[0].start;
    }
    /** Whether pa lies inside a dump_avail range (only such pages can be stored). */
    isAvail(pa) {
        return this.dumpAvail.some((r) => pa >= r.start && pa < r.end);
    }
    pfnOf(pa) {
        if (!this.isAvail(pa))
            throw new KvmkitError(`physical address ${hex(pa)} is outside dump_avail`, { address: pa });
        return Number(pa / P);
    }
    isPresent(pa) {
        return this.pages.has(Number(pa / P));
    }
    /**
     * Put pages in the dump without giving them content (they read as zeros). Such pages stay free
     * for the allocator, as a real dump includes free memory: marking all RAM present and then
     * allocating from it is the cheap way to build a large image.
     */
    markPresent(pa, len = PAGE_SIZE) {
        for (let a = (pa / P) * P; a < pa + BigInt(len); a += P) {
            const pfn = this.pfnOf(a);
            if (!this.pages.has(pfn))
                this.pages.set(pfn, null);
        }
    }
    /** Take a page out of the dump (to model pages a minidump left out). */
    omit(pa) {
        this.pages.delete(Number(pa / P));
    }
    /** Write bytes at a physical address; the pages touched become present. */
    write(pa, bytes) {
        let done = 0;
        while (done < bytes.length) {
            const cur = pa + BigInt(done);
            const pfn = this.pfnOf(cur);
            let page = this.pages.get(pfn);
            if (!page) {
                page = new Uint8Array(PAGE_SIZE);
                this.pages.set(pfn, page);
            }
            const o = Number(cur % P);
            const n = Math.min(bytes.length - done, PAGE_SIZE - o);
            page.set(bytes.subarray(done, done + n), o);
            done += n;
        }
    }
    /** Bytes at a physical address; absent pages read as zeros. */
    read(pa, len) {
        const out = new Uint8Array(len);
        let done = 0;
        while (done < len) {
            const cur = pa + BigInt(done);
            const o = Number(cur % P);
            const n = Math.min(len - done, PAGE_SIZE - o);
            const page = this.pages.get(Number(cur / P));
            if (page)
                out.set(page.subarray(o, o + n), done);
            done += n;
        }
        return out;
    }
    writeU64(pa, v) {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, v & ((1n << 64n) - 1n), this.littleEndian);
        this.write(pa, b);
    }
    readU64(pa) {
        return new DataView(this.read(pa, 8).buffer).getBigUint64(0, this.littleEndian);
    }
    writeU32(pa, v) {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setUint32(0, Number(BigInt(v) & 0xffffffffn), this.littleEndian);
        this.write(pa, b);
    }
    readU32(pa) {
        return new DataView(this.read(pa, 4).buffer).getUint32(0, this.littleEndian);
    }
    /**
     * A fresh zeroed page, present in the dump: the lowest free page at or after the allocator's
     * cursor. Pages that hold bytes (written or allocated) are skipped, so explicit placement and
     * allocation mix; zero pages from markPresent count as free.
     */
    allocPage() {
        return this.allocContig(1, 1);
    }
    /** `n` physically contiguous free pages aligned to `alignPages` pages, all present and zero. */
    allocContig(n, alignPages = 1) {
        const align = BigInt(alignPages) * P;
        while (this.allocRange < this.dumpAvail.length) {
            const r = this.dumpAvail[this.allocRange];
            let a = this.allocNext < r.start ? r.start : this.allocNext;
            a = ((a + align - 1n) / align) * align;
            while (a + BigInt(n) * P <= r.end) {
                let free = true;
                for (let i = 0; i < n; i++) {
                    if (this.pages.get(Number(a / P) + i)) {
                        free = false;
                        a = ((a + BigInt(i + 1) * P + align - 1n) / align) * align;
                        break;
                    }
                }
                if (free) {
                    for (let i = 0; i < n; i++)
                        this.pages.set(Number(a / P) + i, new Uint8Array(PAGE_SIZE));
                    this.allocNext = a + BigInt(n) * P;
                    return a;
                }
            }
            this.allocRange++;
            this.allocNext = this.dumpAvail[this.allocRange]?.start ?? 0n;
        }
        throw new KvmkitError(`physical memory exhausted allocating ${n} page(s)`);
    }
    /** Restart allocation at `pa` (e.g. to keep page tables away from a region a test places by hand). */
    setAllocCursor(pa) {
        const idx = this.dumpAvail.findIndex((r) => pa < r.end);
        if (idx < 0)
            throw new KvmkitError(`allocation cursor ${hex(pa)} is past every dump_avail range`, { address: pa });
        this.allocRange = idx;
        this.allocNext = pa;
    }
    /** Page frame numbers of present pages, ascending (the order every format stores them in). */
    presentPfns() {
        return [...this.pages.keys()].sort((a, b) => a - b);
    }
    get presentCount() {
        return this.pages.size;
    }
    /** The 4 KiB of page `pfn` (zeros for absent or zero pages). Do not modify the result. */
    pageBytes(pfn) {
        return this.pages.get(pfn) ?? PhysMem.ZERO;
    }
}
