import { node } from "../../base/platform.js";
import { KvmkitError, UsageError } from "../../base/errors.js";
import { decodeRecords, readRecordsFile } from "../../codec/index.js";
import { KERN_PROC_ALL } from "../../kernel/constants.js";
import { hostRootViewer, jailViewer } from "../../kernel/fill.js";
import { loadScenarioFile } from "../../kernel/scenario.js";
import { sysctlKernProc } from "../../kernel/sysctl.js";
import { openKvm } from "../../kvm/index.js";
import { ReaperView } from "./rebuild.js";
export function isScenarioFile(file) {
    if (file.endsWith('.json'))
        return true;
    const fd = node.fs.openSync(file, 'r');
    try {
        const b = Buffer.alloc(64);
        const n = node.fs.readSync(fd, b, 0, 64, 0);
        // A kinfo_proc record starts with ki_structsize (0x440 / 0x300): never '{'.
        return b.subarray(0, n).toString('latin1').trimStart().startsWith('{');
    }
    finally {
        node.fs.closeSync(fd);
    }
}
/** Records from a model through the live path (what `sysctl kern.proc.all` returns), decoded. */
export function liveRecords(model, opts = {}) {
    const revision = opts.revision ?? 'fbsd15-reaper';
    const r = sysctlKernProc(model, { op: KERN_PROC_ALL, revision, viewer: opts.viewer, compat32: opts.compat32 });
    if (r.error)
        throw new KvmkitError(`sysctl kern.proc.all failed with errno ${r.error}`, { file: opts.file, revision });
    const dec = decodeRecords(r.layout, r.bytes, { file: opts.file });
    return { records: dec.records, source: { file: opts.file, struct: r.layout.struct, arch: r.layout.arch, revision: r.layout.revision, kind: 'scenario (live kern.proc.all)' } };
}
export async function loadReaperInput(file, opts = {}) {
    if (!node.fs.existsSync(file))
        throw new UsageError(`no such file: ${file}`, { file });
    let records;
    let source;
    if (opts.kernel !== undefined) {
        ({ records, source } = await kvmRecords(file, opts.kernel, opts.rev));
    }
    else if (isScenarioFile(file)) {
        const model = loadScenarioFile(file, opts.arch ?? 'amd64');
        let viewer;
        if (opts.jail !== undefined) {
            const pr = model.prisons.get(opts.jail);
            if (!pr)
                throw new UsageError(`--jail ${opts.jail}: the scenario defines no such jail`, { file, field: 'jail' });
            viewer = jailViewer(model, pr, opts.uid ?? 0);
        }
        else if (opts.uid !== undefined)
            viewer = jailViewer(model, model.prison0, opts.uid);
        else
            viewer = hostRootViewer(model);
        ({ records, source } = liveRecords(model, { revision: opts.rev, viewer, compat32: opts.compat32, file }));
    }
    else {
        if (opts.jail !== undefined || opts.uid !== undefined)
            throw new UsageError('--jail/--uid apply to a scenario input only (a records file is already one viewer\'s snapshot)', { file });
        let input = readRecordsFile(file, { struct: opts.struct, arch: opts.arch, rev: opts.rev });
        // Layouts of the same size are ambiguous; prefer the best candidate that has the reaper fields
        // when detection ranked one (the detector scores filled ki_reaper/ki_reapsubtree).
        const best = input.candidates?.[0];
        if (best && !best.layout.fields.some((f) => f.name === 'ki_reaper')) {
            const alt = input.candidates.find((c) => c.score === best.score && c.revision === 'fbsd15-reaper');
            if (alt)
                input = readRecordsFile(file, { struct: alt.struct, arch: alt.arch, rev: alt.revision });
        }
        records = input.records;
        source = { file, struct: input.layout.struct, arch: input.layout.arch, revision: input.layout.revision, kind: input.kind === 'core' ? 'process core (NT_PROCSTAT_PROC)' : 'records file' };
        if (input.candidates && input.candidates.length > 1 && input.candidates[1].score === input.candidates[0].score && input.candidates[1].revision !== input.candidates[0].revision) {
            source.kind += ` (layout ambiguous: also ${input.candidates[1].struct}/${input.candidates[1].arch}/${input.candidates[1].revision}; give --arch/--rev)`;
        }
    }
    const view = ReaperView.fromRecords(records, source);
    return { view, source, records };
}
/** A crash dump through the kvm walker. */
async function kvmRecords(vmcore, kernel, rev) {
    const kd = await openKvm(vmcore, kernel, rev ? { revision: rev } : {});
    try {
        const r = kd.getProcs(KERN_PROC_ALL, 0, {});
        const recs = r.records;
        const missing = recs.find((x) => x.unavailable.includes('ki_reaper') || x.unavailable.includes('ki_reapsubtree'));
        if (missing) {
            throw new KvmkitError(`the dump's records have no readable ki_reaper/ki_reapsubtree (${recs[0]?.unavailable.length ?? 0} fields unavailable): the reaper hierarchy cannot be rebuilt from it`, { file: vmcore, revision: r.layout.revision });
        }
        return { records: recs.map((x) => x.value), source: { file: vmcore, struct: r.layout.struct, arch: r.layout.arch, revision: r.layout.revision, kind: `crash dump via kvm (kernel ${kernel})` } };
    }
    finally {
        kd.close();
    }
}
