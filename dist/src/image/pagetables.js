import { KvmkitError, hex } from "../base/errors.js";
export const KiB4 = 1n << 12n, MiB2 = 1n << 21n, MiB4 = 1n << 22n, GiB1 = 1n << 30n;
function checkAligned(va, pa, size) {
    if (va % size || pa % size)
        throw new KvmkitError(`mapping of ${hex(size)} bytes needs va ${hex(va)} and pa ${hex(pa)} aligned to the page size`, { address: va });
}
/** Map a range with the largest pages alignment allows (used for direct maps and kernel images). */
export function mapRange(pt, va, pa, size, maxPage) {
    const sizes = [...pt.pageSizes].sort((a, b) => (a > b ? -1 : 1)).filter((s) => maxPage === undefined || s <= maxPage);
    let o = 0n;
    while (o < size) {
        const s = sizes.find((s) => (va + o) % s === 0n && (pa + o) % s === 0n && o + s <= size);
        if (s === undefined)
            throw new KvmkitError(`range ${hex(va)}+${hex(size)} is not 4 KiB aligned`, { address: va });
        pt.map(va + o, pa + o, s);
        o += s;
    }
}
/* ---------------- amd64: 4-level, 4 KiB / 2 MiB / 1 GiB ---------------- */
export const X86_PG_V = 0x1n, X86_PG_RW = 0x2n, X86_PG_A = 0x20n, X86_PG_M = 0x40n, X86_PG_PS = 0x80n;
const AMD64_FRAME = 0x000ffffffffff000n;
export class Amd64PageTables {
    mem;
    pml4;
    pageSizes = [KiB4, MiB2, GiB1];
    constructor(mem, pml4) {
        this.mem = mem;
        this.pml4 = pml4 ?? mem.allocPage();
    }
    /** The entry address at `level` (4 = PML4 … 1 = PT) for va, creating tables down to it. */
    slot(va, level) {
        let table = this.pml4;
        for (let l = 4; l > level; l--) {
            const ea = table + 8n * ((va >> BigInt(12 + 9 * (l - 1))) & 511n);
            const e = this.mem.readU64(ea);
            if (!(e & X86_PG_V)) {
                const next = this.mem.allocPage();
                this.mem.writeU64(ea, next | X86_PG_V | X86_PG_RW);
                table = next;
            }
            else {
                if (e & X86_PG_PS)
                    throw new KvmkitError(`va ${hex(va)} is already inside a large page`, { address: va });
                table = e & AMD64_FRAME;
            }
        }
        return table + 8n * ((va >> BigInt(12 + 9 * (level - 1))) & 511n);
    }
    map(va, pa, size) {
        checkAligned(va, pa, size);
        const flags = X86_PG_V | X86_PG_RW | X86_PG_A | X86_PG_M;
        if (size === KiB4)
            this.mem.writeU64(this.slot(va, 1), pa | flags);
        else if (size === MiB2)
            this.mem.writeU64(this.slot(va, 2), pa | flags | X86_PG_PS);
        else if (size === GiB1)
            this.mem.writeU64(this.slot(va, 3), pa | flags | X86_PG_PS);
        else
            throw new KvmkitError(`amd64 cannot map a page of ${hex(size)} bytes`, { address: va });
    }
    /** The raw entry of va at `level` (4…1), or undefined when a level above is missing or a large page ends the walk earlier. */
    entry(va, level) {
        let table = this.pml4;
        for (let l = 4; l >= level; l--) {
            const e = this.mem.readU64(table + 8n * ((va >> BigInt(12 + 9 * (l - 1))) & 511n));
            if (l === level)
                return e;
            if (!(e & X86_PG_V) || e & X86_PG_PS)
                return undefined;
            table = e & AMD64_FRAME;
        }
        return undefined;
    }
    translate(va) {
        let table = this.pml4;
        for (let l = 4; l >= 1; l--) {
            const shift = BigInt(12 + 9 * (l - 1));
            const e = this.mem.readU64(table + 8n * ((va >> shift) & 511n));
            if (!(e & X86_PG_V))
                return undefined;
            if (l === 1 || (l <= 3 && e & X86_PG_PS)) {
                const size = 1n << shift;
                return (e & AMD64_FRAME & ~(size - 1n)) + (va & (size - 1n));
            }
            table = e & AMD64_FRAME;
        }
        return undefined;
    }
}
/* ---------------- i386: 2-level (4 KiB / 4 MiB) or PAE 3-level (4 KiB / 2 MiB) ---------------- */
const PAE_FRAME = 0x000ffffffffff000n;
export class I386PageTables {
    mem;
    pae;
    /** Non-PAE: the page directory. PAE: the first of 4 contiguous page-directory pages (IdlePTD_pae). */
    ptd;
    /** PAE only: the page-directory-pointer table. */
    pdpt;
    pageSizes;
    esz;
    pdShift;
    constructor(mem, pae) {
        this.mem = mem;
        this.pae = pae;
        this.esz = pae ? 8n : 4n;
        this.pdShift = pae ? 21n : 22n;
        this.pageSizes = pae ? [KiB4, MiB2] : [KiB4, MiB4];
        if (pae) {
            this.ptd = mem.allocContig(4, 1);
            this.pdpt = mem.allocPage();
            for (let i = 0n; i < 4n; i++)
                mem.writeU64(this.pdpt + 8n * i, (this.ptd + i * 4096n) | X86_PG_V);
        }
        else {
            this.ptd = mem.allocPage();
        }
    }
    readE(pa) {
        return this.pae ? this.mem.readU64(pa) : BigInt(this.mem.readU32(pa));
    }
    writeE(pa, v) {
        if (this.pae)
            this.mem.writeU64(pa, v);
        else
            this.mem.writeU32(pa, v);
    }
    pdeAddr(va) {
        if (va >> 32n)
            throw new KvmkitError(`i386 virtual address ${hex(va)} does not fit in 32 bits`, { address: va });
        return this.ptd + this.esz * (va >> this.pdShift);
    }
    /** The page-directory entry covering va (what the minidump writer walks). */
    pde(va) {
        return this.readE(this.pdeAddr(va));
    }
    map(va, pa, size) {
        checkAligned(va, pa, size);
        const flags = X86_PG_V | X86_PG_RW | X86_PG_A | X86_PG_M;
        if (!this.pae && pa >> 32n)
            throw new KvmkitError(`non-PAE i386 cannot map physical ${hex(pa)}`, { address: va });
        const pdea = this.pdeAddr(va);
        if (size === 1n << this.pdShift) {
            this.writeE(pdea, pa | flags | X86_PG_PS);
            return;
        }
        if (size !== KiB4)
            throw new KvmkitError(`i386${this.pae ? ' PAE' : ''} cannot map a page of ${hex(size)} bytes`, { address: va });
        let pde = this.readE(pdea);
        if (!(pde & X86_PG_V)) {
            pde = this.mem.allocPage() | X86_PG_V | X86_PG_RW;
            this.writeE(pdea, pde);
        }
        else if (pde & X86_PG_PS) {
            throw new KvmkitError(`va ${hex(va)} is already inside a large page`, { address: va });
        }
        const frame = pde & (this.pae ? PAE_FRAME : 0xfffff000n);
        const nent = this.pae ? 512n : 1024n;
        this.writeE(frame + this.esz * ((va >> 12n) % nent), pa | flags);
    }
    translate(va) {
        if (va >> 32n)
            return undefined;
        const pde = this.pde(va);
        if (!(pde & X86_PG_V))
            return undefined;
        const big = 1n << this.pdShift;
        if (pde & X86_PG_PS)
            return (pde & (this.pae ? 0x000fffffffe00000n : 0xffc00000n)) + (va & (big - 1n));
        const frame = pde & (this.pae ? PAE_FRAME : 0xfffff000n);
        const nent = this.pae ? 512n : 1024n;
        const pte = this.readE(frame + this.esz * ((va >> 12n) % nent));
        if (!(pte & X86_PG_V))
            return undefined;
        return (pte & (this.pae ? PAE_FRAME : 0xfffff000n)) + (va & 0xfffn);
    }
}
/* ---------------- arm64: 4 KiB granule, L0–L3 (4 KiB pages, 2 MiB / 1 GiB blocks) ---------------- */
export const ARM64_ATTR_AF = 0x400n, ARM64_ATTR_SH_IS = 0x300n;
export const ARM64_L0_TABLE = 3n, ARM64_BLOCK = 1n, ARM64_L3_PAGE = 3n;
const ARM64_OA = 0x0003fffffffff000n;
export class Arm64PageTables {
    mem;
    l0;
    pageSizes = [KiB4, MiB2, GiB1];
    constructor(mem) {
        this.mem = mem;
        this.l0 = mem.allocPage();
    }
    idx(va, level) {
        return (va >> BigInt(12 + 9 * (3 - level))) & 511n;
    }
    /** The entry address at `level` (0…3), creating table descriptors down to it. */
    slot(va, level) {
        let table = this.l0;
        for (let l = 0; l < level; l++) {
            const ea = table + 8n * this.idx(va, l);
            const e = this.mem.readU64(ea);
            if ((e & 3n) === 0n) {
                const next = this.mem.allocPage();
                this.mem.writeU64(ea, next | ARM64_L0_TABLE);
                table = next;
            }
            else if ((e & 3n) === ARM64_BLOCK) {
                throw new KvmkitError(`va ${hex(va)} is already inside a block mapping`, { address: va });
            }
            else {
                table = e & ARM64_OA;
            }
        }
        return table + 8n * this.idx(va, level);
    }
    map(va, pa, size) {
        checkAligned(va, pa, size);
        const attrs = ARM64_ATTR_AF | ARM64_ATTR_SH_IS;
        if (size === KiB4)
            this.mem.writeU64(this.slot(va, 3), pa | attrs | ARM64_L3_PAGE);
        else if (size === MiB2)
            this.mem.writeU64(this.slot(va, 2), pa | attrs | ARM64_BLOCK);
        else if (size === GiB1)
            this.mem.writeU64(this.slot(va, 1), pa | attrs | ARM64_BLOCK);
        else
            throw new KvmkitError(`arm64 (4 KiB granule) cannot map a page of ${hex(size)} bytes`, { address: va });
    }
    /** Walk to va: the last descriptor and its level, or undefined when a level is invalid. */
    walk(va) {
        let table = this.l0;
        for (let l = 0; l <= 3; l++) {
            const e = this.mem.readU64(table + 8n * this.idx(va, l));
            const kind = e & 3n;
            if (kind === 0n || kind === 2n)
                return undefined;
            if (l === 3)
                return kind === ARM64_L3_PAGE ? { level: 3, desc: e } : undefined;
            if (kind === ARM64_BLOCK)
                return l === 0 ? undefined : { level: l, desc: e };
            table = e & ARM64_OA;
        }
        return undefined;
    }
    /** The L3 table page of va when its L2 entry is a table, for the minidump writer's copy. */
    l3Table(va) {
        let table = this.l0;
        for (let l = 0; l <= 2; l++) {
            const e = this.mem.readU64(table + 8n * this.idx(va, l));
            if ((e & 3n) !== 3n)
                return undefined;
            table = e & ARM64_OA;
        }
        return table;
    }
    translate(va) {
        const w = this.walk(va);
        if (!w)
            return undefined;
        const size = 1n << BigInt(12 + 9 * (3 - w.level));
        return (w.desc & ARM64_OA & ~(size - 1n)) + (va & (size - 1n));
    }
}
