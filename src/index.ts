/**
 * kvmkit's library API. The CLI (bin/kvmkit) is a thin shell over these functions.
 *
 * Stages, in the order the data travels (each namespace is one folder of src/):
 *   layout   — declarative layouts → offsets, CTASSERT (getLayout, computeLayout, holes)
 *   debuginfo — a kernel's own types (DWARF; CTF) as layouts (openTypes, structLayoutFromGraph)
 *   codec    — bytes ⇄ typed records, JSON contract, cores, detection (decodeRecords, readRecordsFile, RecordView)
 *   compat   — the freebsd32 copyout (kinfo_proc → kinfo_proc32)
 *   kernel   — the kernel object model, scenarios, the live `kern.proc` sysctl path, procctl reaper answers
 *   image    — crash-dump containers: read, translate, write (openImage, DumpBuilder)
 *   kstruct  — kernel structs in an image: model → image (buildImage) and image → model (KernelReader)
 *   kvm      — kvm_getprocs over an image: exact and libkvm modes (openKvm)
 *   abi, reaper — analyses: layout diffs and checks; the reaper hierarchy from records
 *
 * Integer rule of typed records: 1/2/4-byte integers are numbers, 8-byte integers and every
 * pointer are bigints. See src/codec/values.ts.
 */
// Everything that works on bytes and objects (the browser-safe core), then what takes file names.
export * from './core.ts';
export * as debuginfo from './debuginfo/index.ts';
export * as codec from './codec/index.ts';
export * as kernel from './kernel/index.ts';
export * as image from './image/index.ts';
export * as kstruct from './kstruct/index.ts';
export * as kvm from './kvm/index.ts';
export * as reaper from './analysis/reaper/index.ts';

// The file-based entry points most users start from.
export { openTypes, structLayoutFromGraph, type TypeGraph } from './debuginfo/index.ts';
export { readRecordsFile } from './codec/index.ts';
export { loadScenarioFile } from './kernel/index.ts';
export { openImage } from './image/index.ts';
export { buildImage } from './kstruct/index.ts';
export { openKvm } from './kvm/index.ts';
export { readCtfGraph, parseCtf, buildCtf } from './debuginfo/ctf/index.ts';
export { kernelLayoutsFromGraph } from './debuginfo/kernel.ts';
