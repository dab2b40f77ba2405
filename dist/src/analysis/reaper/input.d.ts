import { type KRecord } from '../../codec/index.ts';
import { type Viewer } from '../../kernel/fill.ts';
import type { KernelModel } from '../../kernel/model.ts';
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
export declare function isScenarioFile(file: string): boolean;
/** Records from a model through the live path (what `sysctl kern.proc.all` returns), decoded. */
export declare function liveRecords(model: KernelModel, opts?: {
    revision?: string;
    viewer?: Viewer;
    compat32?: boolean;
    file?: string;
}): {
    records: KRecord[];
    source: ReaperSource;
};
export declare function loadReaperInput(file: string, opts?: ReaperInputOptions): Promise<ReaperInput>;
