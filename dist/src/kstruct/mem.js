/**
 * Kernel memory as the reader sees it: `load(va, len)` makes `len` bytes at `va` readable at
 * `buf[off …]` / `dv` (the returned offset) without copying when it can.
 *
 * - Translation: each virtual page is translated once (KernelImage.translate) and its file offset
 *   kept in a direct-mapped table (64k slots, 1 MiB); a page that does not translate, is not wholly in the file, or whose
 *   translation covers less than the page, goes through KernelImage.read instead, which reads it
 *   the libkvm way and throws the same errors as ever.
 * - File bytes: a bounded cache of fixed-size file chunks (CLOCK replacement over a ring, buffers recycled, so a
 *   long walk allocates nothing once the cache is full). Kernel objects of one zone sit in
 *   consecutive physical pages, which minidumps and full dumps store in ascending order, so the
 *   pid-hash walk's neighbouring objects are usually one chunk.
 * - A range that is contiguous in the file and inside one chunk is served from the chunk itself;
 *   anything else is assembled in a scratch buffer.
 *
 * The bytes stay valid until the next load: decode them before reading anything else.
 */
export class KernelMemory {
    img;
    buf;
    dv;
    src;
    P;
    shift;
    /** log2(P), and the page numbers per 2^32 bytes (vpn = hi · hiPages + (lo >>> pageBits)). */
    pageBits;
    hiPages;
    /** Direct-mapped translation cache: slot vpn mod size holds (vpn, file offset of the page or -1). */
    xTag;
    xOff;
    xMask;
    /** The 4 GiB block [hiBase, hiEnd) of the last load and its first page number (va >> 32n costs as much as the rest of a load). */
    hiBase = 1n;
    hiEnd = 0n;
    hiVpn = 0;
    C;
    maxChunks;
    /**
     * The chunk ring as parallel arrays (slot i: file chunk number ringKey[i], its bytes, their
     * length, CLOCK's used bit) and an index chunk number → slot (open addressing, linear probing,
     * deletion by backward shift). A Map<number, Chunk> lookup plus the Chunk object cost ~40% more.
     */
    ringBytes = [];
    ringDv = [];
    ringKey;
    ringLen;
    ringUsed;
    ringSize = 0;
    idxKey;
    idxSlot;
    idxMask;
    idxShift;
    hand = 0;
    slab = new ArrayBuffer(0);
    slabLeft = 0;
    scratch;
    scratchDv;
    /** Counters for benches and tests. */
    stats = { loads: 0, chunkMisses: 0, translations: 0, slow: 0, copies: 0 };
    constructor(img, cacheBytes = 32 << 20, chunkSize = 16384, xlatSlots = 1 << 16) {
        this.img = img;
        this.src = img.source;
        this.P = img.pageSize;
        if (this.P <= 0 || (this.P & (this.P - 1)) !== 0)
            throw new Error(`page size ${this.P} is not a power of two`);
        this.pageBits = Math.log2(this.P);
        if (this.pageBits > 30)
            throw new Error(`page size ${this.P} is too large`);
        this.shift = BigInt(this.pageBits);
        this.hiPages = 2 ** (32 - this.pageBits);
        this.C = chunkSize;
        this.maxChunks = Math.floor(cacheBytes / chunkSize);
        if (xlatSlots <= 0 || (xlatSlots & (xlatSlots - 1)) !== 0)
            throw new Error(`translation slots ${xlatSlots} is not a power of two`);
        const slots = Math.max(this.maxChunks, 1);
        this.ringKey = new Float64Array(slots);
        this.ringLen = new Int32Array(slots);
        this.ringUsed = new Uint8Array(slots);
        let cap = 16;
        while (cap < slots * 2)
            cap *= 2;
        this.idxKey = new Float64Array(cap).fill(-1);
        this.idxSlot = new Int32Array(cap);
        this.idxMask = cap - 1;
        this.idxShift = 32 - Math.log2(cap);
        this.xTag = new Float64Array(xlatSlots).fill(-1);
        this.xOff = new Float64Array(xlatSlots);
        this.xMask = xlatSlots - 1;
        this.scratch = new Uint8Array(8192);
        this.scratchDv = new DataView(this.scratch.buffer);
        this.buf = this.scratch;
        this.dv = this.scratchDv;
    }
    /** Make [va, va + len) readable at this.buf / this.dv; returns the offset of va there. */
    load(va, len) {
        return this.loadPart(va, len, 0, len);
    }
    /**
     * A struct of `size` bytes at va of which only [lo, lo + len) is needed: every page of the
     * struct must be readable, but only the needed bytes are brought in. Returns the offset of va in
     * this.buf (it may be negative when lo > 0: only offsets lo … lo + len - 1 past it are valid).
     */
    loadPart(va, size, lo, len) {
        this.stats.loads++;
        const P = this.P;
        // Two cheap BigInt → Number conversions (va >> 12n and va & 4095n cost twice as much, and a
        // walk makes ~12 loads per process).
        const low = Number(BigInt.asUintN(32, va));
        if (!(va >= this.hiBase && va < this.hiEnd)) {
            const hi = va >> 32n;
            this.hiBase = hi << 32n;
            this.hiEnd = this.hiBase + 0x100000000n;
            this.hiVpn = Number(hi) * this.hiPages;
        }
        const vpn = this.hiVpn + (low >>> this.pageBits);
        const po = low & (P - 1);
        const last = Math.floor((po + size - 1) / P);
        const s0 = Math.floor((po + lo) / P), s1 = Math.floor((po + lo + len - 1) / P);
        let f0 = -1;
        let contiguous = true;
        for (let k = 0; k <= last; k++) {
            const f = this.pageFile(vpn + k);
            if (f < 0)
                return this.slow(va, size);
            if (k === s0)
                f0 = f;
            else if (k > s0 && k <= s1 && f !== f0 + (k - s0) * P)
                contiguous = false;
        }
        if (!contiguous || size <= 0)
            return this.slow(va, size);
        return this.fileSpan(f0 + (po + lo - s0 * P), len) - lo;
    }
    /** A copy of [va, va + len) (KernelImage.read semantics and errors). */
    read(va, len) {
        const o = this.load(va, len);
        return this.buf.slice(o, o + len);
    }
    /** Drop the translation and chunk caches. */
    clear() {
        this.xTag.fill(-1);
        this.idxKey.fill(-1);
        this.ringBytes.length = 0;
        this.ringDv.length = 0;
        this.ringSize = 0;
        this.slabLeft = 0;
        this.hand = 0;
    }
    /** File offset of virtual page `vpn`'s first byte, or -1 when the page must be read the slow way. */
    pageFile(vpn) {
        const slot = vpn & this.xMask; // vpn < 2^53: ToInt32 keeps its low bits
        if (this.xTag[slot] === vpn)
            return this.xOff[slot];
        let fo = -1;
        this.stats.translations++;
        if (vpn < 2 ** 52) {
            try {
                const t = this.img.translate(BigInt(vpn) << this.shift);
                if (t.length >= this.P && t.fileOffset >= 0 && t.fileOffset + this.P <= this.src.size)
                    fo = t.fileOffset;
            }
            catch {
                fo = -1; // the slow path repeats the translation and throws its error
            }
        }
        this.xTag[slot] = vpn;
        this.xOff[slot] = fo;
        return fo;
    }
    fileSpan(fo, len) {
        const C = this.C;
        if (this.maxChunks <= 0) {
            const s = this.ensureScratch(len);
            this.readSource(fo, len, s, 0);
            this.buf = s;
            this.dv = this.scratchDv;
            this.stats.copies++;
            return 0;
        }
        const c = Math.floor(fo / C);
        const start = c * C;
        if (fo + len <= start + C) {
            const i = this.chunk(c);
            this.buf = this.ringBytes[i];
            this.dv = this.ringDv[i];
            return fo - start;
        }
        // Spans chunks: assemble.
        const s = this.ensureScratch(len);
        let done = 0;
        while (done < len) {
            const at = fo + done;
            const ci = Math.floor(at / C);
            const i = this.chunk(ci);
            const o = at - ci * C;
            const n = Math.min(len - done, this.ringLen[i] - o);
            s.set(this.ringBytes[i].subarray(o, o + n), done);
            done += n;
        }
        this.buf = s;
        this.dv = this.scratchDv;
        this.stats.copies++;
        return 0;
    }
    /** The ring slot holding file chunk c, read in when it is not there. */
    chunk(c) {
        const hit = this.find(c);
        if (hit >= 0) {
            this.ringUsed[hit] = 1;
            return hit;
        }
        this.stats.chunkMisses++;
        let i;
        if (this.ringSize < this.maxChunks) {
            // Chunk buffers are cut from 1 MiB slabs: 2048 separate 16 KiB ArrayBuffers took ~90 ms to allocate.
            if (this.slabLeft === 0) {
                this.slabLeft = Math.min(64, this.maxChunks - this.ringSize);
                this.slab = new ArrayBuffer(this.slabLeft * this.C);
            }
            const at = (--this.slabLeft) * this.C;
            i = this.ringSize++;
            this.ringBytes.push(new Uint8Array(this.slab, at, this.C));
            this.ringDv.push(new DataView(this.slab, at, this.C));
        }
        else {
            // CLOCK: the hand passes over chunks used since it last passed, and replaces the first one that was not.
            for (;;) {
                i = this.hand;
                this.hand = i + 1 === this.ringSize ? 0 : i + 1;
                if (this.ringUsed[i] === 0)
                    break;
                this.ringUsed[i] = 0;
            }
            this.unindex(this.ringKey[i]);
        }
        const start = c * this.C;
        const n = Math.min(this.C, this.src.size - start);
        this.readSource(start, n, this.ringBytes[i], 0);
        this.ringKey[i] = c;
        this.ringLen[i] = n;
        this.ringUsed[i] = 0;
        this.index(c, i);
        return i;
    }
    home(c) {
        return Math.imul(c | 0, 0x9e3779b1) >>> this.idxShift;
    }
    find(c) {
        const keys = this.idxKey, mask = this.idxMask;
        for (let j = this.home(c);; j = (j + 1) & mask) {
            const k = keys[j];
            if (k === c)
                return this.idxSlot[j];
            if (k === -1)
                return -1;
        }
    }
    index(c, slot) {
        const keys = this.idxKey, mask = this.idxMask;
        let j = this.home(c);
        while (keys[j] !== -1)
            j = (j + 1) & mask;
        keys[j] = c;
        this.idxSlot[j] = slot;
    }
    unindex(c) {
        const keys = this.idxKey, mask = this.idxMask;
        let i = this.home(c);
        while (keys[i] !== c)
            i = (i + 1) & mask;
        // Backward shift: later entries of the probe run move up unless their home lies in (i, j].
        for (let j = (i + 1) & mask; keys[j] !== -1; j = (j + 1) & mask) {
            const h = this.home(keys[j]);
            if (i <= j ? i < h && h <= j : i < h || h <= j)
                continue;
            keys[i] = keys[j];
            this.idxSlot[i] = this.idxSlot[j];
            i = j;
        }
        keys[i] = -1;
    }
    readSource(offset, length, into, at) {
        if (this.src.readInto)
            this.src.readInto(offset, length, into, at);
        else
            into.set(this.src.read(offset, length), at);
    }
    slow(va, len) {
        this.stats.slow++;
        const b = this.img.read(va, len);
        const s = this.ensureScratch(len);
        s.set(b, 0);
        this.buf = s;
        this.dv = this.scratchDv;
        return 0;
    }
    ensureScratch(len) {
        if (this.scratch.length < len) {
            this.scratch = new Uint8Array(Math.max(len, this.scratch.length * 2));
            this.scratchDv = new DataView(this.scratch.buffer);
        }
        return this.scratch;
    }
}
