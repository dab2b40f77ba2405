/**
 * kvmkit's browser-safe core (`import … from 'kvmkit/core'`): everything that works on bytes and
 * objects rather than file names — layouts and ABI facts, decoding and encoding records, the JSON
 * contract, the freebsd32 copyout, the simulated kernel and its live `kern.proc` sysctl path, the
 * ABI diff/check and the reaper analysis. It loads in a browser (no Node built-ins are reached
 * unless a file is opened; see src/base/platform.ts) and under a strict CSP (the generated codec
 * falls back to the interpreted one when `new Function` is refused).
 *
 * The full entry (`kvmkit`) adds the file-based pieces: crash-dump images, kvm, user cores by name.
 */
export * as layout from './layout/index.ts';
export * as compat from './compat/index.ts';
export * as abi from './analysis/abi/index.ts';
export { KvmkitError, UsageError } from './base/errors.ts';
export { BufferSource, type ByteSource } from './base/source.ts';
export { hasFileSystem } from './base/platform.ts';

export { computeLayout, revisionNames, archesFor, ARCHES, holes, type StructLayout, type ArchName } from './layout/index.ts';
export {
  decodeRecords, encodeRecords, decodeRecord, encodeRecord, recordToJson, recordFromJson, RecordView, detect,
  readProcstatNote, codegenAvailable, type KRecord, type Value, type Scalar,
} from './codec/index.ts';
// getLayout with the generated record type attached (src/codec/typed.ts): the same function at run time.
export { typedLayout as getLayout, type RecordOf, type RecordFor, type TypedLayout, type RecordTypes } from './codec/index.ts';
export type * from './codec/record-types.ts';
export { buildModel, validateScenario, sysctlKernProc, randomModel, type KernelModel } from './kernel/index.ts';
export { abiDiff, abiCheck, compatVsNative } from './analysis/abi/index.ts';
export { ReaperView, procsFromRecords } from './analysis/reaper/index.ts';
