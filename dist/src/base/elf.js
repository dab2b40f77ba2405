import { KvmkitError } from "./errors.js";
/** ELF constants kvmkit needs (values from the ELF gABI and FreeBSD's sys/elf_common.h). */
export const ET_EXEC = 2, ET_CORE = 4;
export const PT_LOAD = 1, PT_NOTE = 4;
export const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_DYNSYM = 11;
export const EM_386 = 3, EM_PPC = 20, EM_PPC64 = 21, EM_ARM = 40, EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243;
export const ELFOSABI_FREEBSD = 9;
/** Fixed-width reads in the file's byte order. */
export class Reader {
    bytes;
    le;
    view;
    constructor(bytes, le) {
        this.bytes = bytes;
        this.le = le;
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    u8(o) { return this.view.getUint8(o); }
    u16(o) { return this.view.getUint16(o, this.le); }
    u32(o) { return this.view.getUint32(o, this.le); }
    i32(o) { return this.view.getInt32(o, this.le); }
    u64(o) { return this.view.getBigUint64(o, this.le); }
    /** A u64 used as a file offset or size: refused when it cannot be a JS number. */
    u64n(o, what) {
        const v = this.u64(o);
        if (v > BigInt(Number.MAX_SAFE_INTEGER))
            throw new KvmkitError(`absurd ${what} ${v}`, { offset: o });
        return Number(v);
    }
}
function cstring(b, start) {
    let end = start;
    while (end < b.length && b[end] !== 0)
        end++;
    return Buffer.from(b.subarray(start, end)).toString('latin1');
}
/**
 * An ELF file read lazily through a ByteSource: headers on open, sections and notes on demand.
 * Used for kernels (symbol tables), full dumps (PT_LOAD of physical memory) and user cores (notes).
 */
export class ElfFile {
    src;
    header;
    phdrs;
    shdrs;
    constructor(src) {
        this.src = src;
        if (src.size < 52)
            throw new KvmkitError('too short to be an ELF file', { file: src.name, offset: 0 });
        const id = src.read(0, 16);
        if (id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46)
            throw new KvmkitError('not an ELF file (bad magic)', { file: src.name, offset: 0 });
        const cls = id[4] === 1 ? 32 : id[4] === 2 ? 64 : 0;
        if (!cls)
            throw new KvmkitError(`unsupported ELF class ${id[4]}`, { file: src.name, offset: 4 });
        if (id[5] !== 1 && id[5] !== 2)
            throw new KvmkitError(`unsupported ELF data encoding ${id[5]}`, { file: src.name, offset: 5 });
        const le = id[5] === 1;
        const hsize = cls === 64 ? 64 : 52;
        if (src.size < hsize)
            throw new KvmkitError('truncated ELF header', { file: src.name, offset: 0 });
        const r = new Reader(src.read(0, hsize), le);
        const h = cls === 64
            ? { class: 64, littleEndian: le, osabi: id[7], type: r.u16(16), machine: r.u16(18), entry: r.u64(24), phoff: r.u64n(32, 'e_phoff'), shoff: r.u64n(40, 'e_shoff'), phentsize: r.u16(54), phnum: r.u16(56), shentsize: r.u16(58), shnum: r.u16(60), shstrndx: r.u16(62) }
            : { class: 32, littleEndian: le, osabi: id[7], type: r.u16(16), machine: r.u16(18), entry: BigInt(r.u32(24)), phoff: r.u32(28), shoff: r.u32(32), phentsize: r.u16(42), phnum: r.u16(44), shentsize: r.u16(46), shnum: r.u16(48), shstrndx: r.u16(50) };
        this.header = h;
    }
    get name() { return this.src.name; }
    programHeaders() {
        if (this.phdrs)
            return this.phdrs;
        const h = this.header;
        const want = h.class === 64 ? 56 : 32;
        if (h.phnum === 0)
            return (this.phdrs = []);
        if (h.phentsize < want)
            throw new KvmkitError(`bad e_phentsize ${h.phentsize}`, { file: this.name, offset: h.class === 64 ? 54 : 42 });
        if (h.phoff + h.phnum * h.phentsize > this.src.size)
            throw new KvmkitError(`program headers (${h.phnum} at ${h.phoff}) run past the end of the file`, { file: this.name, offset: h.phoff });
        const r = new Reader(this.src.read(h.phoff, h.phnum * h.phentsize), h.littleEndian);
        const out = [];
        for (let i = 0; i < h.phnum; i++) {
            const o = i * h.phentsize;
            out.push(h.class === 64
                ? { type: r.u32(o), flags: r.u32(o + 4), offset: r.u64n(o + 8, 'p_offset'), vaddr: r.u64(o + 16), paddr: r.u64(o + 24), filesz: r.u64n(o + 32, 'p_filesz'), memsz: r.u64n(o + 40, 'p_memsz'), align: r.u64n(o + 48, 'p_align') }
                : { type: r.u32(o), offset: r.u32(o + 4), vaddr: BigInt(r.u32(o + 8)), paddr: BigInt(r.u32(o + 12)), filesz: r.u32(o + 16), memsz: r.u32(o + 20), flags: r.u32(o + 24), align: r.u32(o + 28) });
        }
        return (this.phdrs = out);
    }
    sectionHeaders() {
        if (this.shdrs)
            return this.shdrs;
        const h = this.header;
        if (h.shnum === 0 || h.shoff === 0)
            return (this.shdrs = []);
        const want = h.class === 64 ? 64 : 40;
        if (h.shentsize < want)
            throw new KvmkitError(`bad e_shentsize ${h.shentsize}`, { file: this.name });
        if (h.shoff + h.shnum * h.shentsize > this.src.size)
            throw new KvmkitError(`section headers (${h.shnum} at ${h.shoff}) run past the end of the file`, { file: this.name, offset: h.shoff });
        const r = new Reader(this.src.read(h.shoff, h.shnum * h.shentsize), h.littleEndian);
        const raw = [];
        for (let i = 0; i < h.shnum; i++) {
            const o = i * h.shentsize;
            raw.push(h.class === 64
                ? { nameOff: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), addr: r.u64(o + 16), offset: r.u64n(o + 24, 'sh_offset'), size: r.u64n(o + 32, 'sh_size'), link: r.u32(o + 40), entsize: r.u64n(o + 56, 'sh_entsize') }
                : { nameOff: r.u32(o), type: r.u32(o + 4), flags: BigInt(r.u32(o + 8)), addr: BigInt(r.u32(o + 12)), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24), entsize: r.u32(o + 36) });
        }
        let names;
        const strSec = raw[h.shstrndx];
        if (strSec && strSec.type === SHT_STRTAB)
            names = this.sectionBytes(strSec, 'section-name string table');
        return (this.shdrs = raw.map(({ nameOff, ...s }) => ({ ...s, name: names ? cstring(names, nameOff) : '' })));
    }
    sectionBytes(s, what) {
        if (s.offset + s.size > this.src.size)
            throw new KvmkitError(`${what} (${s.size} bytes) runs past the end of the file`, { file: this.name, offset: s.offset });
        return this.src.read(s.offset, s.size);
    }
    /** All symbols of SHT_SYMTAB (falling back to SHT_DYNSYM). */
    symbols() {
        const secs = this.sectionHeaders();
        const tab = secs.find((s) => s.type === SHT_SYMTAB) ?? secs.find((s) => s.type === SHT_DYNSYM);
        if (!tab)
            return [];
        const strs = secs[tab.link];
        if (!strs)
            throw new KvmkitError(`symbol table links to missing string table ${tab.link}`, { file: this.name, offset: tab.offset });
        const sb = this.sectionBytes(strs, 'symbol string table');
        const h = this.header;
        const ent = h.class === 64 ? 24 : 16;
        const r = new Reader(this.sectionBytes(tab, 'symbol table'), h.littleEndian);
        const out = [];
        for (let o = 0; o + ent <= tab.size; o += ent) {
            const nameOff = r.u32(o);
            if (h.class === 64) {
                const info = r.u8(o + 4);
                out.push({ name: cstring(sb, nameOff), type: info & 15, bind: info >> 4, shndx: r.u16(o + 6), value: r.u64(o + 8), size: Number(r.u64(o + 16)) });
            }
            else {
                const info = r.u8(o + 12);
                out.push({ name: cstring(sb, nameOff), value: BigInt(r.u32(o + 4)), size: r.u32(o + 8), type: info & 15, bind: info >> 4, shndx: r.u16(o + 14) });
            }
        }
        return out;
    }
    /** Notes from every PT_NOTE segment, each with the file offset of its descriptor. */
    notes() {
        const out = [];
        const le = this.header.littleEndian;
        for (const ph of this.programHeaders()) {
            if (ph.type !== PT_NOTE)
                continue;
            if (ph.offset + ph.filesz > this.src.size)
                throw new KvmkitError(`PT_NOTE segment (${ph.filesz} bytes) runs past the end of the file`, { file: this.name, offset: ph.offset });
            const r = new Reader(this.src.read(ph.offset, ph.filesz), le);
            let o = 0;
            while (o + 12 <= ph.filesz) {
                const namesz = r.u32(o), descsz = r.u32(o + 4), type = r.u32(o + 8);
                const nameStart = o + 12;
                const descStart = nameStart + align4(namesz);
                if (descStart + descsz > ph.filesz)
                    throw new KvmkitError(`note (type ${type}, ${descsz} bytes) runs past its PT_NOTE segment`, { file: this.name, offset: ph.offset + o });
                const name = cstring(r.bytes.subarray(nameStart, nameStart + namesz), 0);
                out.push({ name, type, desc: r.bytes.subarray(descStart, descStart + descsz), descOffset: ph.offset + descStart });
                o = descStart + align4(descsz);
            }
        }
        return out;
    }
}
function align4(n) { return (n + 3) & ~3; }
