import { hex } from "../base/errors.js";
import { dv } from "./image.js";
import { MinidumpImage, minidumpPreamble, minidumpRegions } from "./sparse.js";
export const AMD64_MINIDUMP_MAGIC = 'minidump FreeBSD/amd64';
export const AMD64_MINIDUMP_VERSION = 3;
const HEADER_SIZE = 72;
const PG_V = 0x1n, PG_PS = 0x80n;
const PG_FRAME = 0x000ffffffffff000n;
const PG_PS_FRAME = 0x000fffffffe00000n;
/** amd64 minidump, versions 1–3 (libkvm's kvm_minidump_amd64.c). */
export class Amd64Minidump extends MinidumpImage {
    format = 'amd64-minidump';
    arch = 'amd64';
    pointerSize = 8;
    hdr;
    constructor(src) {
        super(src);
        const { v, version } = minidumpPreamble(src, HEADER_SIZE, AMD64_MINIDUMP_MAGIC, AMD64_MINIDUMP_VERSION, 'expected');
        this.hdr = {
            version,
            msgbufsize: v.getUint32(28, true),
            bitmapsize: v.getUint32(32, true),
            pmapsize: v.getUint32(36, true),
            kernbase: v.getBigUint64(40, true),
            dmapbase: v.getBigUint64(48, true),
            dmapend: v.getBigUint64(56, true),
            dumpavailsize: version === 3 ? v.getUint32(64, true) : 0,
        };
        const H = this.hdr;
        ({ layout: this.layout, pages: this.pages } = minidumpRegions(src, 4096, H, H.pmapsize));
    }
    pmapEntry(i) {
        return dv(this.source.read(this.layout.pmapOff + Number(i) * 8, 8)).getBigUint64(0, true);
    }
    translate(va) {
        const H = this.hdr;
        const off = Number(va & 0xfffn);
        const pfx = H.version === 1 ? '_amd64_minidump_vatop_v1' : '_amd64_minidump_vatop';
        let pa;
        if (va >= H.kernbase) {
            if (H.version === 1) {
                const i = (va - H.kernbase) >> 12n;
                if (i >= BigInt(H.pmapsize) / 8n)
                    this.fail(`${pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
                const pte = this.pmapEntry(i);
                if (!(pte & PG_V))
                    this.fail(`${pfx}: pte not valid`, va, this.layout.pmapOff + Number(i) * 8);
                pa = pte & PG_FRAME;
            }
            else {
                const i = (va - H.kernbase) >> 21n;
                if (i >= BigInt(H.pmapsize) / 8n)
                    this.fail(`${pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
                const pde = this.pmapEntry(i);
                if (!(pde & PG_V))
                    this.fail(`${pfx}: pde not valid`, va, this.layout.pmapOff + Number(i) * 8);
                if (pde & PG_PS) {
                    pa = (pde & PG_PS_FRAME) + (va & 0x1ff000n);
                }
                else {
                    const ptpa = pde & PG_FRAME;
                    const ptoff = this.pages.offset(ptpa);
                    if (ptoff === undefined)
                        this.fail(`${pfx}: cannot find page table entry for ${ptpa}`, va);
                    const eoff = ptoff + Number((va >> 12n) & 511n) * 8;
                    if (eoff + 8 > this.source.size)
                        this.fail(`${pfx}: cannot read page table entry for ${ptpa}`, va, eoff);
                    const pte = dv(this.source.read(eoff, 8)).getBigUint64(0, true);
                    if (!(pte & PG_V))
                        this.fail(`${pfx}: pte not valid`, va, eoff);
                    pa = pte & PG_FRAME;
                }
            }
            const fo = this.pages.offset(pa);
            if (fo === undefined)
                this.fail(`${pfx}: physical address ${hex(pa)} not in minidump`, va);
            return { pa: pa + BigInt(off), fileOffset: fo + off, length: 4096 - off };
        }
        if (va >= H.dmapbase && va < H.dmapend) {
            pa = (va - H.dmapbase) & ~0xfffn;
            const fo = this.pages.offset(pa);
            if (fo === undefined)
                this.fail(`${pfx}: direct map address ${hex(va)} not in minidump`, va);
            return { pa: pa + BigInt(off), fileOffset: fo + off, length: 4096 - off };
        }
        this.fail(`${pfx}: virtual address ${hex(va)} not minidumped`, va);
    }
}
