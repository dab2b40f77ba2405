import { KvmkitError } from "../base/errors.js";
import { ET_CORE, EM_X86_64, PT_LOAD } from "../base/elf.js";
import { PAGE_SIZE } from "./physmem.js";
import { FileSink } from "./sink.js";
const PF_R = 4;
const ELFOSABI_STANDALONE = 255;
/**
 * An ELF full dump as the kernel's dumpsys_generic writes it: ELF64 ET_CORE, OSABI standalone,
 * e_version 0, one PT_LOAD per dump_avail range with p_vaddr = p_paddr = the physical start, the
 * data page-aligned after the headers and back to back. Pages PhysMem does not hold are zero in a
 * full dump; they are left as holes so the file stays sparse.
 */
export function writeElfFullDump(path, mem, o = {}) {
    const ranges = mem.dumpAvail;
    const phnum = ranges.length;
    if (phnum > 0xffff)
        throw new KvmkitError(`too many dump_avail ranges (${phnum}) for e_phnum`, { file: path });
    const hdr = new Uint8Array(64 + 56 * phnum);
    const v = new DataView(hdr.buffer);
    hdr.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, ELFOSABI_STANDALONE]);
    v.setUint16(16, ET_CORE, true);
    v.setUint16(18, o.machine ?? EM_X86_64, true);
    // e_version stays 0: the kernel never assigns it.
    v.setBigUint64(32, 64n, true); // e_phoff
    v.setUint16(52, 64, true); // e_ehsize
    v.setUint16(54, 56, true); // e_phentsize
    v.setUint16(56, phnum, true);
    v.setUint16(58, 64, true); // e_shentsize, set although there are no sections
    let off = Math.ceil(hdr.length / PAGE_SIZE) * PAGE_SIZE;
    const total = ranges.reduce((n, r) => n + Number((r.end - r.start) / BigInt(PAGE_SIZE)), 0);
    ranges.forEach((r, i) => {
        const p = 64 + 56 * i;
        const size = r.end - r.start;
        v.setUint32(p, PT_LOAD, true);
        v.setUint32(p + 4, PF_R, true);
        v.setBigUint64(p + 8, BigInt(off), true);
        v.setBigUint64(p + 16, r.start, true);
        v.setBigUint64(p + 24, r.start, true);
        v.setBigUint64(p + 32, size, true);
        v.setBigUint64(p + 40, size, true);
        v.setBigUint64(p + 48, BigInt(PAGE_SIZE), true);
        off += Number(size);
    });
    const sink = new FileSink(path);
    try {
        sink.write(hdr);
        sink.padTo(PAGE_SIZE);
        let done = 0;
        for (const r of ranges) {
            for (let pa = r.start; pa < r.end; pa += BigInt(PAGE_SIZE)) {
                const pfn = Number(pa / BigInt(PAGE_SIZE));
                if (mem.isPresent(pa))
                    sink.write(mem.pageBytes(pfn));
                else
                    sink.skip(PAGE_SIZE);
                o.onProgress?.(++done, total);
            }
        }
        sink.finish();
    }
    catch (e) {
        sink.abort();
        throw e;
    }
}
