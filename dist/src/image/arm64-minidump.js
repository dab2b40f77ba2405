import { KvmkitError, hex } from "../base/errors.js";
import { dv } from "./image.js";
import { MinidumpImage, minidumpPreamble, minidumpRegions } from "./sparse.js";
export const ARM64_MINIDUMP_MAGIC = 'minidump FreeBSD/arm64';
export const ARM64_MINIDUMP_VERSION = 3;
const HEADER_SIZE = 80;
const ATTR_DESCR_MASK = 3n, L3_PAGE = 3n;
/** Bits 12–49 hold the output address (current kernels' ATTR_MASK = 0xFFFC000000000FFF). */
const ATTR_MASK = 0xfffc000000000fffn;
/**
 * arm64 minidump, versions 1–3, 4 KiB or 16 KiB pages (libkvm's kvm_minidump_aarch64.c). The page
 * map is a flat array of L3 descriptors from kernbase; the direct map starts at dmapbase and maps
 * physical dmapphys, and is tested first because it lies above kernbase.
 */
export class Arm64Minidump extends MinidumpImage {
    format = 'arm64-minidump';
    arch = 'arm64';
    pointerSize = 8;
    hdr;
    l3shift;
    constructor(src) {
        super(src);
        const { v, version } = minidumpPreamble(src, HEADER_SIZE, ARM64_MINIDUMP_MAGIC, ARM64_MINIDUMP_VERSION, 'Expected');
        this.hdr = {
            version,
            msgbufsize: v.getUint32(28, true),
            bitmapsize: v.getUint32(32, true),
            pmapsize: v.getUint32(36, true),
            kernbase: v.getBigUint64(40, true),
            dmapphys: v.getBigUint64(48, true),
            dmapbase: v.getBigUint64(56, true),
            dmapend: v.getBigUint64(64, true),
            dumpavailsize: version >= 2 ? v.getUint32(72, true) : 0,
            flags: version >= 3 ? v.getUint32(76, true) : 0,
        };
        const H = this.hdr;
        const ps = H.flags & 3;
        if (ps !== 0 && ps !== 1)
            throw new KvmkitError(`unknown page size flag ${ps.toString(16)}`, { file: src.name, offset: 76, field: 'flags' });
        this.pageSize = ps === 1 ? 16384 : 4096;
        this.l3shift = ps === 1 ? 14n : 12n;
        ({ layout: this.layout, pages: this.pages } = minidumpRegions(src, this.pageSize, H, H.pmapsize));
    }
    translate(va) {
        const H = this.hdr;
        const P = BigInt(this.pageSize);
        const off = Number(va % P);
        const pfx = '_aarch64_minidump_vatop';
        if (va >= H.dmapbase && va < H.dmapend) {
            const pa = ((va - H.dmapbase + H.dmapphys) / P) * P;
            const fo = this.pages.offset(pa);
            if (fo === undefined)
                this.fail(`${pfx}: direct map address ${hex(va)} not in minidump`, va);
            return { pa: pa + BigInt(off), fileOffset: fo + off, length: this.pageSize - off };
        }
        if (va >= H.kernbase) {
            const i = (va - H.kernbase) >> this.l3shift;
            if (i >= BigInt(H.pmapsize) / 8n)
                this.fail(`${pfx}: virtual address ${hex(va)} is beyond the page map (libkvm gives no specific message)`, va);
            const eoff = this.layout.pmapOff + Number(i) * 8;
            const e = dv(this.source.read(eoff, 8)).getBigUint64(0, true);
            if ((e & ATTR_DESCR_MASK) !== L3_PAGE)
                this.fail(`${pfx}: pde not valid`, va, eoff);
            const pa = e & ~ATTR_MASK & ((1n << 64n) - 1n);
            const fo = this.pages.offset((pa / P) * P);
            if (fo === undefined)
                this.fail(`${pfx}: physical address ${hex(pa)} not in minidump`, va);
            return { pa: (pa / P) * P + BigInt(off), fileOffset: fo + off, length: this.pageSize - off };
        }
        this.fail(`${pfx}: virtual address ${hex(va)} not minidumped`, va);
    }
}
