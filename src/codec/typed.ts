import { getLayout, type ArchName, type LayoutOptions, type StructLayout } from '../layout/index.ts';
import type { RecordTypes } from './record-types.ts';
import type { KRecord } from './values.ts';

/**
 * Typed records. A layout obtained with literal struct, arch and revision names carries (in its
 * type only) the generated record type of src/codec/record-types.ts, and decoding with it yields
 * records of that type: `getLayout('kinfo_proc', 'amd64', 'fbsd15')` → `KinfoProc_fbsd15<'amd64'>`,
 * whose `ki_pid` is a number and `ki_size` a bigint. With names only known at run time the record
 * type is the untyped `KRecord`, as before.
 */
export type RecordOf<S extends string, R extends string, A extends string> =
  `${S}/${R}` extends keyof RecordTypes ? RecordTypes<A extends ArchName ? A : ArchName>[`${S}/${R}`] : KRecord;

/** A StructLayout whose records are known to be `T` (a phantom: nothing is stored). */
export type TypedLayout<T> = StructLayout & { readonly __record?: T };

/** The record type a layout decodes to. */
export type RecordFor<L> = L extends { readonly __record?: infer T } ? (unknown extends T ? KRecord : T) : KRecord;

/** `getLayout` with the record type attached (the same function at run time). */
export function typedLayout<S extends string, A extends string, R extends string>(struct: S, arch: A, revision: R, opts?: LayoutOptions): TypedLayout<RecordOf<S, R, A>> {
  return getLayout(struct, arch, revision, opts);
}
