import { node } from '../../base/platform.ts';
import { KvmkitError, UsageError } from '../../base/errors.ts';
import { decodeRecords, readRecordsFile, type KRecord } from '../../codec/index.ts';
import { KERN_PROC_ALL } from '../../kernel/constants.ts';
import { hostRootViewer, jailViewer, type Viewer } from '../../kernel/fill.ts';
import type { KernelModel } from '../../kernel/model.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { sysctlKernProc } from '../../kernel/sysctl.ts';
import { openKvm } from '../../kvm/index.ts';
import { ReaperView, type ReaperSource } from './rebuild.ts';

/**
 * Where the records for a reaper rebuild come from:
 *  - a records file: raw `kern.proc.*` bytes (`sysctl -b`, `kvmkit sysctl -o`) or a process core's
 *    NT_PROCSTAT_PROC note (readRecordsFile; layout detected, a revision with the reaper fields preferred);
 *  - a scenario JSON: the simulated system's live `kern.proc.all` (revision fbsd15-reaper by default),
 *    as root on the host or from inside a jail;
 *  - a crash dump with its kernel (`--kernel`): src/kvm's openKvm(vmcore, kernel).getProcs(KERN_PROC_ALL).
 */

export interface ReaperInputOptions {
  /** Arch for a scenario (default amd64) or to pin the layout of a records file. */
  arch?: string;
  /** Layout revision: pins a records file's layout; for a scenario, the live path's revision (default fbsd15-reaper). */
  rev?: string;
  /** Pin the struct of a records file (kinfo_proc, kinfo_proc32). */
  struct?: string;
  /** The kernel ELF: the input is a crash dump read through src/kvm. */
  kernel?: string;
  /** Scenario only: the caller runs in this jail (limitation 3). */
  jail?: number;
  /** Scenario only: the caller's uid. */
  uid?: number;
  /** Scenario only: the caller is a 32-bit process (kinfo_proc32 records). */
  compat32?: boolean;
}

export interface ReaperInput {
  view: ReaperView;
  source: ReaperSource;
  records: KRecord[];
}

export function isScenarioFile(file: string): boolean {
  if (file.endsWith('.json')) return true;
  const fd = node.fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(64);
    const n = node.fs.readSync(fd, b, 0, 64, 0);
    // A kinfo_proc record starts with ki_structsize (0x440 / 0x300): never '{'.
    return b.subarray(0, n).toString('latin1').trimStart().startsWith('{');
  } finally {
    node.fs.closeSync(fd);
  }
}

/** Records from a model through the live path (what `sysctl kern.proc.all` returns), decoded. */
export function liveRecords(model: KernelModel, opts: { revision?: string; viewer?: Viewer; compat32?: boolean; file?: string } = {}): { records: KRecord[]; source: ReaperSource } {
  const revision = opts.revision ?? 'fbsd15-reaper';
  const r = sysctlKernProc(model, { op: KERN_PROC_ALL, revision, viewer: opts.viewer, compat32: opts.compat32 });
  if (r.error) throw new KvmkitError(`sysctl kern.proc.all failed with errno ${r.error}`, { file: opts.file, revision });
  const dec = decodeRecords(r.layout, r.bytes, { file: opts.file });
  return { records: dec.records, source: { file: opts.file, struct: r.layout.struct, arch: r.layout.arch, revision: r.layout.revision, kind: 'scenario (live kern.proc.all)' } };
}

export async function loadReaperInput(file: string, opts: ReaperInputOptions = {}): Promise<ReaperInput> {
  if (!node.fs.existsSync(file)) throw new UsageError(`no such file: ${file}`, { file });
  let records: KRecord[];
  let source: ReaperSource;
  if (opts.kernel !== undefined) {
    ({ records, source } = await kvmRecords(file, opts.kernel, opts.rev));
  } else if (isScenarioFile(file)) {
    const model = loadScenarioFile(file, opts.arch ?? 'amd64');
    let viewer: Viewer | undefined;
    if (opts.jail !== undefined) {
      const pr = model.prisons.get(opts.jail);
      if (!pr) throw new UsageError(`--jail ${opts.jail}: the scenario defines no such jail`, { file, field: 'jail' });
      viewer = jailViewer(model, pr, opts.uid ?? 0);
    } else if (opts.uid !== undefined) viewer = jailViewer(model, model.prison0, opts.uid);
    else viewer = hostRootViewer(model);
    ({ records, source } = liveRecords(model, { revision: opts.rev, viewer, compat32: opts.compat32, file }));
  } else {
    if (opts.jail !== undefined || opts.uid !== undefined) throw new UsageError('--jail/--uid apply to a scenario input only (a records file is already one viewer\'s snapshot)', { file });
    let input = readRecordsFile(file, { struct: opts.struct, arch: opts.arch, rev: opts.rev });
    // Layouts of the same size are ambiguous; prefer the best candidate that has the reaper fields
    // when detection ranked one (the detector scores filled ki_reaper/ki_reapsubtree).
    const best = input.candidates?.[0];
    if (best && !best.layout.fields.some((f) => f.name === 'ki_reaper')) {
      const alt = input.candidates!.find((c) => c.score === best.score && c.revision === 'fbsd15-reaper');
      if (alt) input = readRecordsFile(file, { struct: alt.struct, arch: alt.arch, rev: alt.revision });
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
async function kvmRecords(vmcore: string, kernel: string, rev?: string): Promise<{ records: KRecord[]; source: ReaperSource }> {
  const kd = await openKvm(vmcore, kernel, rev ? { revision: rev } : {});
  try {
    const r = kd.getProcs(KERN_PROC_ALL, 0, {});
    const recs = r.records;
    const missing = recs.find((x) => x.unavailable.includes('ki_reaper') || x.unavailable.includes('ki_reapsubtree'));
    if (missing) {
      throw new KvmkitError(`the dump's records have no readable ki_reaper/ki_reapsubtree (${recs[0]?.unavailable.length ?? 0} fields unavailable): the reaper hierarchy cannot be rebuilt from it`, { file: vmcore, revision: r.layout.revision });
    }
    return { records: recs.map((x) => x.value), source: { file: vmcore, struct: r.layout.struct, arch: r.layout.arch, revision: r.layout.revision, kind: `crash dump via kvm (kernel ${kernel})` } };
  } finally {
    kd.close();
  }
}
