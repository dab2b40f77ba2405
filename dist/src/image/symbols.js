import { KvmkitError } from "../base/errors.js";
import { ElfFile, EM_386, EM_AARCH64, EM_X86_64 } from "../base/elf.js";
import { openSource } from "../base/source.js";
const SHN_UNDEF = 0;
/**
 * A kernel's ELF symbol table (ELF32/ELF64, either byte order), looked up the way libkvm's
 * dead-kernel path does: libc `__fdnlist` matches a requested name exactly or with its leading
 * underscore removed, so `_allproc` finds `allproc`.
 */
export class KernelSymbols {
    elf;
    table;
    constructor(src) {
        try {
            this.elf = new ElfFile(src);
        }
        catch (e) {
            if (e instanceof KvmkitError)
                throw new KvmkitError(`kernel is not an ELF file: ${e.text}`, { ...e.context, file: src.name });
            throw e;
        }
    }
    static open(path) {
        const src = openSource(path);
        try {
            return new KernelSymbols(src);
        }
        catch (e) {
            src.close();
            throw e;
        }
    }
    get file() { return this.elf.name; }
    get elfClass() { return this.elf.header.class; }
    get littleEndian() { return this.elf.header.littleEndian; }
    get machine() { return this.elf.header.machine; }
    /** The architecture the kernel was built for, from class and e_machine; undefined for others. */
    get arch() {
        const h = this.elf.header;
        if (h.class === 64 && h.machine === EM_X86_64)
            return 'amd64';
        if (h.class === 64 && h.machine === EM_AARCH64)
            return 'arm64';
        if (h.class === 32 && h.machine === EM_386)
            return 'i386';
        return undefined;
    }
    symtab() {
        if (this.table)
            return this.table;
        const m = new Map();
        for (const s of this.elf.symbols()) {
            if (!s.name)
                continue;
            const prev = m.get(s.name);
            // A defined symbol wins over an undefined reference of the same name.
            if (!prev || (prev.shndx === SHN_UNDEF && s.shndx !== SHN_UNDEF))
                m.set(s.name, s);
        }
        return (this.table = m);
    }
    /** The symbol for `name`, trying the name as given and then without one leading underscore. */
    lookup(name) {
        const t = this.symtab();
        const s = t.get(name);
        if (s && s.shndx !== SHN_UNDEF)
            return s;
        if (name.startsWith('_')) {
            const s2 = t.get(name.slice(1));
            if (s2 && s2.shndx !== SHN_UNDEF)
                return s2;
        }
        return undefined;
    }
    /** Like kvm_nlist: one entry per name, unfound ones with value 0. */
    nlist(names) {
        return names.map((name) => {
            const s = this.lookup(name);
            return s ? { name, value: s.value, found: true, size: s.size, type: s.type } : { name, value: 0n, found: false, size: 0, type: 0 };
        });
    }
    /** A symbol's value, or a KvmkitError naming the kernel file and the symbol. */
    value(name) {
        const s = this.lookup(name);
        if (!s)
            throw new KvmkitError(`symbol ${name} not found in the kernel's symbol table`, { file: this.file, field: name });
        return s.value;
    }
    close() {
        this.elf.src.close();
    }
}
function view(b) {
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
export function readI32(img, va) {
    return view(img.read(va, 4)).getInt32(0, img.littleEndian);
}
export function readU32(img, va) {
    return view(img.read(va, 4)).getUint32(0, img.littleEndian);
}
export function readU64(img, va) {
    return view(img.read(va, 8)).getBigUint64(0, img.littleEndian);
}
/** A kernel pointer: 4 bytes on i386, 8 on amd64/arm64. */
export function readPointer(img, va) {
    return img.pointerSize === 8 ? readU64(img, va) : BigInt(readU32(img, va));
}
/** A NUL-terminated string of at most `max` bytes (e.g. p_comm, MAXCOMLEN + 1). */
export function readCString(img, va, max) {
    const b = img.read(va, max);
    const end = b.indexOf(0);
    return Buffer.from(b.subarray(0, end < 0 ? max : end)).toString('latin1');
}
function symbolsOf(img) {
    if (!img.symbols)
        throw new KvmkitError('reading a kernel symbol needs the kernel ELF (--kernel)', { file: img.source.name });
    return img.symbols;
}
/** Address of a kernel symbol of the image's kernel. */
export function symbolAddress(img, name) {
    return symbolsOf(img).value(name);
}
/** The `int` stored at a symbol (e.g. hz, dumptid, the exported proc_off_* offsets). */
export function readSymbolInt(img, name) {
    return readI32(img, symbolAddress(img, name));
}
export function readSymbolU64(img, name) {
    return readU64(img, symbolAddress(img, name));
}
export function readSymbolPointer(img, name) {
    return readPointer(img, symbolAddress(img, name));
}
