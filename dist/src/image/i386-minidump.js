import { hex } from "../base/errors.js";
import { dv } from "./image.js";
import { MinidumpImage, minidumpPreamble, minidumpRegions } from "./sparse.js";
export const I386_MINIDUMP_MAGIC = 'minidump FreeBSD/i386';
export const I386_MINIDUMP_VERSION = 2;
const HEADER_SIZE = 52;
const PG_V = 0x1n;
const PG_FRAME = 0xfffff000n;
const PG_FRAME_PAE = 0x000ffffffffff000n;
/**
 * i386 minidump, versions 1 and 2, PAE (8-byte PTEs) and non-PAE (4-byte PTEs)
 * (libkvm's kvm_minidump_i386.c). The page map is a flat array of last-level PTEs from kernbase;
 * there is no direct map.
 */
export class I386Minidump extends MinidumpImage {
    format = 'i386-minidump';
    arch = 'i386';
    pointerSize = 4;
    hdr;
    pfx;
    esz;
    constructor(src) {
        super(src);
        const { v, version } = minidumpPreamble(src, HEADER_SIZE, I386_MINIDUMP_MAGIC, I386_MINIDUMP_VERSION, 'expected');
        this.hdr = {
            version,
            msgbufsize: v.getUint32(28, true),
            bitmapsize: v.getUint32(32, true),
            ptesize: v.getUint32(36, true),
            kernbase: BigInt(v.getUint32(40, true)),
            paemode: v.getUint32(44, true),
            dumpavailsize: version === 2 ? v.getUint32(48, true) : 0,
        };
        const H = this.hdr;
        this.pfx = H.paemode ? '_i386_minidump_vatop_pae' : '_i386_minidump_vatop';
        this.esz = H.paemode ? 8 : 4;
        ({ layout: this.layout, pages: this.pages } = minidumpRegions(src, 4096, H, H.ptesize));
    }
    translate(va) {
        const H = this.hdr;
        const off = Number(va & 0xfffn);
        if (va < H.kernbase)
            this.fail(`${this.pfx}: virtual address ${hex(va)} not minidumped`, va);
        const i = (va - H.kernbase) >> 12n;
        if (i >= BigInt(Math.floor(H.ptesize / this.esz)))
            this.fail(`${this.pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
        const eoff = this.layout.pmapOff + Number(i) * this.esz;
        const e = dv(this.source.read(eoff, this.esz));
        const pte = this.esz === 8 ? e.getBigUint64(0, true) : BigInt(e.getUint32(0, true));
        if (!(pte & PG_V))
            this.fail(`${this.pfx}: pte not valid`, va, eoff);
        const pa = pte & (H.paemode ? PG_FRAME_PAE : PG_FRAME);
        const fo = this.pages.offset(pa);
        if (fo === undefined)
            this.fail(`${this.pfx}: physical address ${hex(pa)} not in minidump`, va);
        return { pa: pa + BigInt(off), fileOffset: fo + off, length: 4096 - off };
    }
}
