import { KvmkitError } from "../base/errors.js";
import { ET_CORE, ET_EXEC, EM_386, EM_AARCH64, EM_X86_64 } from "../base/elf.js";
import { openSource } from "../base/source.js";
import { Amd64ElfDump } from "./amd64-elf.js";
import { Amd64Minidump, AMD64_MINIDUMP_MAGIC } from "./amd64-minidump.js";
import { Arm64Minidump, ARM64_MINIDUMP_MAGIC } from "./arm64-minidump.js";
import { I386Minidump, I386_MINIDUMP_MAGIC } from "./i386-minidump.js";
import { magicMatches } from "./sparse.js";
import { KernelSymbols } from "./symbols.js";
/** libkvm's `_kvm_is_minidump`: only the first 8 bytes are compared; each back-end checks its full magic. */
function isMinidump(head) {
    return Buffer.from(head.subarray(0, 8)).toString('latin1') === 'minidump';
}
/**
 * Choose the back-end as libkvm does: the first whose probe accepts, each probe looking at the
 * kernel's ELF class, type and machine and at whether the core starts with "minidump".
 * Probe order follows libkvm's linker set (i386 before amd64 before arm64 is irrelevant here
 * because the kernel tests are disjoint).
 */
export function probeFormat(core, kernel) {
    const h = kernel.elf.header;
    const mini = isMinidump(core.read(0, Math.min(8, core.size)));
    if (h.type === ET_EXEC) {
        if (h.class === 32 && h.machine === EM_386) {
            if (mini)
                return 'i386-minidump';
            throw new KvmkitError('unsupported architecture: i386 full (ELF) dumps are not supported by kvmkit', { file: core.name, offset: 0 });
        }
        if (h.class === 64 && h.machine === EM_X86_64)
            return mini ? 'amd64-minidump' : 'amd64-elf';
        if (h.class === 64 && h.machine === EM_AARCH64 && mini)
            return 'arm64-minidump';
    }
    throw new KvmkitError(`unsupported architecture (kernel ELF class ${h.class}, type ${h.type}, machine ${h.machine}; core ${mini ? 'is' : 'is not'} a minidump)`, { file: core.name, offset: 0 });
}
/** Without a kernel, recognise the container from its own bytes (full magic, or ELF core machine). */
export function sniffFormat(core) {
    const head = core.read(0, Math.min(64, core.size));
    if (magicMatches(head, AMD64_MINIDUMP_MAGIC))
        return 'amd64-minidump';
    if (magicMatches(head, I386_MINIDUMP_MAGIC))
        return 'i386-minidump';
    if (magicMatches(head, ARM64_MINIDUMP_MAGIC))
        return 'arm64-minidump';
    if (head.length >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
        const le = head[5] === 1;
        const type = le ? head[16] | (head[17] << 8) : (head[16] << 8) | head[17];
        const machine = le ? head[18] | (head[19] << 8) : (head[18] << 8) | head[19];
        if (type === ET_CORE && machine === EM_X86_64 && head[4] === 2)
            return 'amd64-elf';
    }
    throw new KvmkitError('unrecognised dump: neither a known minidump magic nor an amd64 ELF core', { file: core.name, offset: 0 });
}
/** Open an already-opened core (and optional kernel symbols) as a KernelImage. */
export function openImageSource(core, kernel) {
    if (core.size === 0)
        throw new KvmkitError('empty file', { file: core.name, offset: 0 });
    const format = kernel ? probeFormat(core, kernel) : sniffFormat(core);
    let img;
    switch (format) {
        case 'amd64-minidump':
            img = new Amd64Minidump(core);
            break;
        case 'amd64-elf':
            img = new Amd64ElfDump(core, kernel);
            break;
        case 'i386-minidump':
            img = new I386Minidump(core);
            break;
        case 'arm64-minidump':
            img = new Arm64Minidump(core);
            break;
    }
    if (kernel)
        img.symbols = kernel;
    return img;
}
/**
 * Open a dump (plain or gzip) with its kernel, like kvm_open2: the kernel's ELF class and machine
 * select the back-end. Without a kernel the container is recognised by content; symbol reads
 * and full-dump translation then fail with a clear error. close() closes both files.
 */
export function openImage(vmcorePath, kernelPath) {
    const kernel = kernelPath ? KernelSymbols.open(kernelPath) : undefined;
    let core;
    try {
        core = openSource(vmcorePath);
        const img = openImageSource(core, kernel);
        const closeCore = img.close.bind(img);
        img.close = () => {
            closeCore();
            kernel?.close();
        };
        return img;
    }
    catch (e) {
        core?.close();
        kernel?.close();
        throw e;
    }
}
