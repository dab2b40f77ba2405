import { KvmkitError, hex } from "../base/errors.js";
import { buildKernelElf, writeKernelElf } from "./kernel-elf.js";
import { Amd64PageTables, Arm64PageTables, GiB1, I386PageTables, KiB4, MiB2, mapRange } from "./pagetables.js";
import { PAGE_SIZE, PhysMem } from "./physmem.js";
import { writeElfFullDump } from "./write-elf-dump.js";
import { AMD64_DMAP_MAX, AMD64_DMAP_MIN, AMD64_KERNBASE, AMD64_VM_MIN_KERNEL_ADDRESS, ARM64_DMAP_MAX, ARM64_DMAP_MIN, ARM64_VM_MIN_KERNEL_ADDRESS, I386_KERNBASE, writeAmd64Minidump, writeArm64Minidump, writeI386Minidump, } from "./write-minidump.js";
/** PhysMem whose allocator steps over reserved ranges (pages it lands on there stay zero and present). */
class ReservingPhysMem extends PhysMem {
    reserved;
    constructor(ranges, reserved) {
        super(ranges);
        this.reserved = reserved;
    }
    allocContig(n, alignPages = 1) {
        for (;;) {
            const a = super.allocContig(n, alignPages);
            const end = a + BigInt(n * PAGE_SIZE);
            const r = this.reserved.find((x) => a < x.end && end > x.start);
            if (!r)
                return a;
            this.setAllocCursor(r.end);
        }
    }
}
const MiB = 1n << 20n;
/**
 * Build a kernel crash dump from scratch: physical memory, the kernel's page tables, kernel
 * objects placed at kernel virtual addresses, a kernel ELF with their symbols, and any container
 * format kvmkit reads. The three allocators mirror where a FreeBSD kernel keeps things:
 * static data in the kernel image (allocKva), page-granular kernel-map memory (allocKmem), and
 * direct-map memory as UMA hands out for single-page items such as struct proc (allocDmap).
 */
export class DumpBuilder {
    arch;
    mem;
    pt;
    layout;
    pointerSize;
    littleEndian = true;
    symbols = new Map();
    imageNext;
    imageEnd;
    kmemNext;
    /** Highest end of a kernel-VA range mapped with mapVa (outside the image and the direct map). */
    kvaTop = 0n;
    arena;
    constructor(o) {
        this.arch = o.arch;
        this.pointerSize = o.arch === 'i386' ? 4 : 8;
        const imageSize = o.kernelImageSize ?? 16n * MiB;
        const big = o.arch === 'i386' && !o.pae ? 4n * MiB : 2n * MiB;
        if (imageSize % big)
            throw new KvmkitError(`kernelImageSize must be a multiple of ${hex(big)}`);
        const defaultRam = o.arch === 'arm64'
            ? [{ start: 0x40000000n, end: 0x40000000n + 64n * MiB }]
            : [{ start: 0x1000n, end: 0x9f000n }, { start: 0x100000n, end: 64n * MiB }];
        this.mem = o.reserved?.length ? new ReservingPhysMem(o.ram ?? defaultRam, o.reserved) : new PhysMem(o.ram ?? defaultRam);
        switch (o.arch) {
            case 'amd64':
                // The kernel is linked at KERNBASE + 2 MiB and loaded at physical 2 MiB, so VA − KERNBASE is its PA
                // (what libkvm's full-dump bootstrap relies on).
                this.layout = { kernbase: AMD64_KERNBASE, imageVa: AMD64_KERNBASE + 2n * MiB, imagePa: 2n * MiB, kmemVa: AMD64_VM_MIN_KERNEL_ADDRESS, dmapbase: AMD64_DMAP_MIN, dmapend: AMD64_DMAP_MAX };
                break;
            case 'i386':
                this.layout = { kernbase: I386_KERNBASE, imageVa: I386_KERNBASE, imagePa: I386_KERNBASE, kmemVa: I386_KERNBASE + imageSize };
                break;
            case 'arm64': {
                const lowest = this.mem.dumpAvail[0].start;
                this.layout = { kernbase: ARM64_VM_MIN_KERNEL_ADDRESS, imageVa: ARM64_VM_MIN_KERNEL_ADDRESS, imagePa: (lowest + 2n * MiB - 1n) & ~(2n * MiB - 1n), kmemVa: ARM64_VM_MIN_KERNEL_ADDRESS + imageSize, dmapbase: ARM64_DMAP_MIN, dmapend: ARM64_DMAP_MAX, dmapphys: lowest & ~(GiB1 - 1n) };
                break;
            }
        }
        const L = this.layout;
        this.imageNext = L.imageVa;
        this.imageEnd = L.imageVa + imageSize;
        this.kmemNext = L.kmemVa;
        // Page tables and later allocations come from memory after the kernel image.
        this.mem.setAllocCursor(L.imagePa + imageSize);
        this.pt = o.arch === 'amd64' ? new Amd64PageTables(this.mem) : o.arch === 'i386' ? new I386PageTables(this.mem, !!o.pae) : new Arm64PageTables(this.mem);
        mapRange(this.pt, L.imageVa, L.imagePa, imageSize, o.arch === 'i386' ? undefined : MiB2);
        if (L.dmapbase !== undefined) {
            const base = L.dmapphys ?? 0n;
            const last = this.mem.dumpAvail[this.mem.dumpAvail.length - 1].end;
            const step = o.dmapPageSize ?? GiB1;
            const end = ((last - base + step - 1n) / step) * step;
            mapRange(this.pt, L.dmapbase, base, end, step);
        }
        this.addSymbol('kernbase', L.kernbase, 0, 'notype');
        if (this.pt instanceof Amd64PageTables)
            this.defineU64('KPML4phys', this.pt.pml4);
        if (this.pt instanceof I386PageTables) {
            this.defineU32('IdlePTD', Number(this.pt.ptd));
            if (this.pt.pdpt !== undefined)
                this.defineU32('IdlePDPT', Number(this.pt.pdpt));
        }
    }
    /* ---- placement ---- */
    /** Static kernel data (like .data/.bss): a VA inside the kernel image, backed by the image's pages. */
    allocKva(size, align = 16) {
        const a = BigInt(align);
        const va = ((this.imageNext + a - 1n) / a) * a;
        if (va + BigInt(size) > this.imageEnd)
            throw new KvmkitError(`kernel image full: ${size} bytes do not fit below ${hex(this.imageEnd)}`);
        this.imageNext = va + BigInt(size);
        const pa = this.translate(va);
        if (pa !== undefined)
            this.mem.markPresent(pa, Math.max(size, 1));
        return va;
    }
    /** Page-granular kernel-map memory (like kmem_malloc): fresh physical pages mapped with 4 KiB pages. */
    allocKmem(size) {
        const va = this.kmemNext;
        const n = Math.max(1, Math.ceil(size / PAGE_SIZE));
        for (let i = 0; i < n; i++)
            this.pt.map(va + BigInt(i) * KiB4, this.mem.allocPage(), KiB4);
        this.kmemNext = va + BigInt(n) * KiB4;
        return va;
    }
    /** Direct-map memory (amd64/arm64): physically contiguous fresh pages, returned as their DMAP VA. */
    allocDmap(size) {
        const pa = this.mem.allocContig(Math.max(1, Math.ceil(size / PAGE_SIZE)));
        return this.dmapVa(pa);
    }
    /** Small kernel-map allocations (like malloc(9) from a kmem arena): packed into allocKmem pages. */
    kmalloc(size, align = 16) {
        const a = BigInt(align);
        let cur = this.arena ? ((this.arena.next + a - 1n) / a) * a : 0n;
        if (!this.arena || cur + BigInt(size) > this.arena.end) {
            const bytes = Math.max(size, 64 * PAGE_SIZE);
            const va = this.allocKmem(bytes);
            this.arena = { next: va, end: va + BigInt(Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE) };
            cur = va;
        }
        this.arena.next = cur + BigInt(size);
        return cur;
    }
    /** Whether va is a direct-map address (amd64/arm64). */
    isDmap(va) {
        const L = this.layout;
        return L.dmapbase !== undefined && L.dmapend !== undefined && va >= L.dmapbase && va < L.dmapend;
    }
    /**
     * Make [va, va+size) writable at that exact kernel VA. A direct-map VA needs nothing (its
     * physical address, va − dmapbase, must lie in RAM); any other VA gets fresh physical pages for
     * its unmapped 4 KiB pages, as the kernel map would, and the minidump page map grows to cover it.
     */
    mapVa(va, size) {
        if (size <= 0)
            return;
        if (this.isDmap(va)) {
            const pa = va - this.layout.dmapbase + (this.layout.dmapphys ?? 0n);
            if (!this.mem.isAvail(pa) || !this.mem.isAvail(pa + BigInt(size - 1))) {
                throw new KvmkitError(`direct-map address ${hex(va)} (pa ${hex(pa)}) is outside the image's RAM (dump_avail)`, { address: va });
            }
            return;
        }
        const first = va & ~(KiB4 - 1n);
        const end = va + BigInt(size);
        for (let p = first; p < end; p += KiB4) {
            if (this.pt.translate(p) === undefined)
                this.pt.map(p, this.mem.allocPage(), KiB4);
        }
        const top = ((end + KiB4 - 1n) / KiB4) * KiB4;
        if (top > this.kvaTop && !(top > this.layout.imageVa && va < this.imageEnd))
            this.kvaTop = top;
    }
    /** The direct-map VA of a physical address. */
    dmapVa(pa) {
        const L = this.layout;
        if (L.dmapbase === undefined)
            throw new KvmkitError(`${this.arch} has no direct map`);
        return L.dmapbase + pa - (L.dmapphys ?? 0n);
    }
    translate(va) {
        return this.pt.translate(va);
    }
    paOf(va) {
        const pa = this.translate(va);
        if (pa === undefined)
            throw new KvmkitError(`kernel virtual address ${hex(va)} is not mapped`, { address: va });
        return pa;
    }
    /** Write bytes at a kernel VA, page by page through the builder's own page tables. */
    writeVa(va, bytes) {
        if (this.isDmap(va)) {
            // The direct map is linear: no page-table walk needed.
            this.mem.write(va - this.layout.dmapbase + (this.layout.dmapphys ?? 0n), bytes);
            return;
        }
        let done = 0;
        while (done < bytes.length) {
            const cur = va + BigInt(done);
            const n = Math.min(bytes.length - done, PAGE_SIZE - Number(cur % KiB4));
            this.mem.write(this.paOf(cur), bytes.subarray(done, done + n));
            done += n;
        }
    }
    readVa(va, len) {
        const out = new Uint8Array(len);
        let done = 0;
        while (done < len) {
            const cur = va + BigInt(done);
            const n = Math.min(len - done, PAGE_SIZE - Number(cur % KiB4));
            out.set(this.mem.read(this.paOf(cur), n), done);
            done += n;
        }
        return out;
    }
    scalar(size, set) {
        const b = new Uint8Array(size);
        set(new DataView(b.buffer));
        return b;
    }
    writeI32(va, v) { this.writeVa(va, this.scalar(4, (d) => d.setInt32(0, v, this.littleEndian))); }
    writeU32(va, v) { this.writeVa(va, this.scalar(4, (d) => d.setUint32(0, v >>> 0, this.littleEndian))); }
    writeU64(va, v) { this.writeVa(va, this.scalar(8, (d) => d.setBigUint64(0, BigInt.asUintN(64, v), this.littleEndian))); }
    writePointer(va, v) {
        if (this.pointerSize === 8)
            this.writeU64(va, v);
        else
            this.writeU32(va, Number(BigInt.asUintN(32, v)));
    }
    /** A NUL-padded char array of `size` bytes (e.g. p_comm[MAXCOMLEN + 1]). */
    writeCString(va, s, size) {
        const b = new Uint8Array(size);
        b.set(Buffer.from(s, 'latin1').subarray(0, size - 1));
        this.writeVa(va, b);
    }
    /* ---- symbols ---- */
    addSymbol(name, value, size = 0, type = 'object') {
        this.symbols.set(name, { name, value, size, type });
    }
    symbol(name) {
        const s = this.symbols.get(name);
        if (!s)
            throw new KvmkitError(`no symbol ${name} defined in the builder`, { field: name });
        return s.value;
    }
    /** Allocate a static kernel object, fill it, and name it. Returns its VA. */
    defineObject(name, bytes, align = 16) {
        const va = this.allocKva(bytes.length, align);
        this.writeVa(va, bytes);
        this.addSymbol(name, va, bytes.length);
        return va;
    }
    defineInt(name, v) { return this.defineObject(name, this.scalar(4, (d) => d.setInt32(0, v, this.littleEndian)), 4); }
    defineU32(name, v) { return this.defineObject(name, this.scalar(4, (d) => d.setUint32(0, v >>> 0, this.littleEndian)), 4); }
    defineU64(name, v) { return this.defineObject(name, this.scalar(8, (d) => d.setBigUint64(0, BigInt.asUintN(64, v), this.littleEndian)), 8); }
    definePointer(name, v) {
        return this.pointerSize === 8 ? this.defineU64(name, v) : this.defineU32(name, Number(BigInt.asUintN(32, v)));
    }
    symbolList() {
        return [...this.symbols.values()];
    }
    kernelElf() {
        return buildKernelElf({ arch: this.arch, symbols: this.symbolList() });
    }
    writeKernel(path) {
        writeKernelElf(path, { arch: this.arch, symbols: this.symbolList() });
    }
    /* ---- containers ---- */
    /** The formats this builder's arch can be written as. */
    formats() {
        return this.arch === 'amd64' ? ['amd64-minidump', 'amd64-elf'] : [`${this.arch}-minidump`];
    }
    /** End of kernel VA a minidump's page map must cover (image and kernel map, rounded to 4 MiB). */
    kvaEnd() {
        const L = this.layout;
        let top = this.arch === 'amd64' ? this.imageEnd : this.kmemNext > this.imageEnd ? this.kmemNext : this.imageEnd;
        if (this.arch !== 'amd64' && this.kvaTop > top)
            top = this.kvaTop;
        return ((top + 4n * MiB - 1n) / (4n * MiB)) * (4n * MiB) || L.imageVa;
    }
    writeImage(path, format = this.formats()[0], o = {}) {
        const L = this.layout;
        const common = { msgbuf: o.msgbuf, onProgress: o.onProgress };
        switch (format) {
            case 'amd64-minidump':
                if (!(this.pt instanceof Amd64PageTables))
                    break;
                if (o.version === 1) {
                    // v1 maps PTE-per-page from KERNBASE; cover the kernel image only.
                    writeAmd64Minidump(path, this.mem, this.pt, { ...common, version: 1, kernbase: AMD64_KERNBASE, kvaEnd: this.imageEnd, dmapbase: L.dmapbase, dmapend: L.dmapend });
                }
                else {
                    writeAmd64Minidump(path, this.mem, this.pt, { ...common, version: (o.version ?? 3), kvaEnd: o.kvaEnd ?? this.kvaEnd(), dmapbase: L.dmapbase, dmapend: L.dmapend });
                }
                return;
            case 'amd64-elf':
                if (this.arch !== 'amd64')
                    break;
                writeElfFullDump(path, this.mem, { onProgress: o.onProgress });
                return;
            case 'i386-minidump':
                if (!(this.pt instanceof I386PageTables))
                    break;
                writeI386Minidump(path, this.mem, this.pt, { ...common, version: (o.version ?? 2), kernbase: L.kernbase, kvaEnd: o.kvaEnd ?? this.kvaEnd() });
                return;
            case 'arm64-minidump':
                if (!(this.pt instanceof Arm64PageTables))
                    break;
                writeArm64Minidump(path, this.mem, this.pt, { ...common, version: (o.version ?? 2), kernbase: L.kernbase, kvaEnd: o.kvaEnd ?? this.kvaEnd(), dmapbase: L.dmapbase, dmapend: L.dmapend, dmapphys: L.dmapphys ?? 0n });
                return;
        }
        throw new KvmkitError(`format ${format} cannot hold an ${this.arch} image`, { file: path });
    }
}
