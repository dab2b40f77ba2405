import { ARCHES, archesFor, getLayout, revisionNames } from "../layout/index.js";
import { RecordView } from "./view.js";
const STRUCTS = ['kinfo_proc', 'kinfo_proc32'];
/** Kernel VA ranges a pointer in a record may hold (0 is always fine). */
function kernelPointerPlausible(arch, v, struct) {
    if (v === 0n)
        return true;
    if (struct === 'kinfo_proc32')
        return v < 1n << 32n; // PTRTRIM leaves 0 or a user address
    switch (arch) {
        case 'amd64': return v >= 0xffff800000000000n;
        case 'arm64': return v >= 0xffff000000000000n;
        case 'riscv64': return v >= 0xffffffc000000000n;
        case 'powerpc64':
        case 'powerpc64le': return v >= 0xc000000000000000n;
        default: return v >= 0x80000000n || v < 0x80000000n; // 32-bit kernels place KVA variously
    }
}
const POINTERS = ['ki_args', 'ki_paddr', 'ki_addr', 'ki_tracep', 'ki_textvp', 'ki_fd', 'ki_vmspace', 'ki_wchan', 'ki_pcb', 'ki_kstack', 'ki_tdaddr'];
function printable(s) {
    return /^[\x20-\x7e]*$/.test(s);
}
function scoreRecords(layout, bytes, count, reasons) {
    const v = new RecordView(layout, bytes);
    let score = 0;
    let bad = 0;
    const n = Math.min(count, 64);
    let kernelPtrs = 0;
    let spareBytes = false;
    for (let i = 0; i < n; i++) {
        v.at(i * layout.size);
        const size = v.get('ki_structsize');
        if (size === layout.size)
            score += 4;
        else if (size !== 0)
            bad++;
        const pid = v.get('ki_pid');
        if (pid < 0 || pid > 99999)
            bad++;
        for (const f of ['ki_comm', 'ki_login', 'ki_emul', 'ki_wmesg'])
            if (!printable(v.get(f)))
                bad++;
        const stat = v.get('ki_stat');
        if (stat < 0 || stat > 7)
            bad++;
        for (const p of POINTERS) {
            if (!v.has(p))
                continue;
            const x = BigInt(v.get(p)); // uint32_t in kinfo_proc32, a pointer (bigint) in kinfo_proc
            if (x !== 0n)
                kernelPtrs++;
            if (!kernelPointerPlausible(layout.arch, x, layout.struct))
                bad++;
        }
        for (const spare of ['ki_spareints', 'ki_sparelongs', 'ki_spareptrs']) {
            if (!v.has(spare))
                continue;
            if (v.getArray(spare).some((x) => x !== 0 && x !== 0n))
                spareBytes = true;
        }
    }
    if (bad)
        reasons.push(`${bad} implausible value(s) in the first ${n} record(s)`);
    if (spareBytes) {
        bad += 4;
        reasons.push('non-zero bytes in spare fields (a newer revision uses them?)');
    }
    if (layout.struct === 'kinfo_proc32' && kernelPtrs === 0) {
        score += 1;
        reasons.push('every kernel pointer is 0, as the compat copyout (PTRTRIM) leaves them');
    }
    if (layout.struct === 'kinfo_proc' && kernelPtrs > 0) {
        score += 1;
        reasons.push(`kernel pointers in ${layout.arch}'s kernel address range`);
    }
    if (v.has('ki_reaper')) {
        let any = false;
        for (let i = 0; i < n; i++)
            if (v.at(i * layout.size).get('ki_reaper') !== 0 || v.get('ki_reapsubtree') !== 0)
                any = true;
        if (any) {
            score += 2;
            reasons.push('ki_reaper/ki_reapsubtree are filled');
        }
    }
    if (v.has('ki_uerrmsg')) {
        let any = false;
        for (let i = 0; i < n; i++)
            if (BigInt(v.at(i * layout.size).get('ki_uerrmsg')) !== 0n)
                any = true;
        if (any) {
            score += 2;
            reasons.push('ki_uerrmsg is set');
        }
    }
    return score - bad * 3;
}
export function detect(bytes, opts = {}) {
    const out = [];
    const revs = revisionNames();
    for (const struct of STRUCTS) {
        for (const revision of revs) {
            for (const arch of archesFor(revision, struct)) {
                const layout = getLayout(struct, arch, revision);
                if (opts.recordSize !== undefined && opts.recordSize !== layout.size)
                    continue;
                if (bytes.length < layout.size || bytes.length % layout.size !== 0)
                    continue;
                const reasons = [];
                const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
                const sz = dv.getInt32(0, layout.littleEndian);
                if (sz === layout.size)
                    reasons.push(`ki_structsize ${sz} in ${layout.littleEndian ? 'little' : 'big'}-endian order`);
                else if (sz === 0)
                    reasons.push('ki_structsize 0 (libkvm dead-kernel record); length divides evenly');
                else
                    continue;
                let score = scoreRecords(layout, bytes, bytes.length / layout.size, reasons);
                if (opts.archHints?.length) {
                    const idx = opts.archHints.indexOf(arch);
                    if (idx >= 0) {
                        score += 3;
                        reasons.push('arch matches the ELF header');
                    }
                    else
                        score -= 10;
                }
                out.push({ struct, arch, revision, layout, score, reasons });
            }
        }
    }
    // Best first; ties keep a stable order: arch list order, then oldest revision.
    const archRank = (a) => ARCHES.indexOf(a);
    return out.sort((a, b) => b.score - a.score || archRank(a.arch) - archRank(b.arch) || revs.indexOf(a.revision) - revs.indexOf(b.revision));
}
