import { KvmkitError, hex } from "../base/errors.js";
/**
 * A failed translation. `reason` is libkvm's specific message (e.g.
 * "_amd64_minidump_vatop: pde not valid"); the message also carries libkvm's final
 * "invalid address (0x…)" so an analyst sees both, as kvm_geterr would after the specific one.
 */
export class TranslationError extends KvmkitError {
    reason;
    va;
    constructor(reason, va, file, offset) {
        super(`${reason}: invalid address (${hex(va)})`, { file, address: va, ...(offset !== undefined ? { offset } : {}) });
        this.reason = reason;
        this.va = va;
        this.name = 'TranslationError';
    }
}
export const MASK64 = (1n << 64n) - 1n;
/** read/readPhys/presentPages shared by every format; subclasses supply translate and physOffset. */
export class BaseImage {
    source;
    littleEndian = true;
    pageSize = 4096;
    symbols;
    constructor(source) {
        this.source = source;
    }
    fail(reason, va, offset) {
        throw new TranslationError(reason, va, this.source.name, offset);
    }
    read(va, len) {
        checkLen(len, this.source.name, va);
        const out = new Uint8Array(len);
        let done = 0;
        while (done < len) {
            const cur = (va + BigInt(done)) & MASK64;
            const t = this.translate(cur);
            const inPage = this.pageSize - Number(cur & BigInt(this.pageSize - 1));
            const n = Math.min(len - done, t.length, inPage);
            // libkvm treats a zero length as failure; never loop on it.
            if (n <= 0)
                this.fail('translation returned no readable bytes', cur, t.fileOffset);
            out.set(this.fileBytes(t.fileOffset, n, cur), done);
            done += n;
        }
        return out;
    }
    readPhys(pa, len) {
        checkLen(len, this.source.name, pa);
        const out = new Uint8Array(len);
        let done = 0;
        while (done < len) {
            const cur = pa + BigInt(done);
            const off = this.physOffset(cur);
            if (off === undefined)
                throw new KvmkitError(`physical address ${hex(cur)} is not in the dump`, { file: this.source.name, address: cur });
            const n = Math.min(len - done, this.pageSize - Number(cur & BigInt(this.pageSize - 1)));
            out.set(this.fileBytes(off, n, cur), done);
            done += n;
        }
        return out;
    }
    /** Bytes at a file offset; a dump cut short (savecore ran out of space, or a minimised test dump) is named as such. */
    fileBytes(offset, n, addr) {
        if (offset + n > this.source.size) {
            throw new KvmkitError(`page lies beyond the end of the file (size ${this.source.size}): the dump is truncated`, { file: this.source.name, offset, address: addr });
        }
        return this.source.read(offset, n);
    }
    close() {
        this.source.close();
    }
}
function checkLen(len, file, addr) {
    if (!Number.isSafeInteger(len) || len < 0 || len > 1 << 30)
        throw new KvmkitError(`bad read length ${len}`, { file, address: addr });
}
/** Little-endian or big-endian fixed-width reads of a small buffer. */
export function dv(b) {
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
export function roundUp(n, p) {
    return Math.ceil(n / p) * p;
}
