import { type ArchName, type RevisionDef, type StructLayout } from '../../layout/index.ts';
import { type AbiStruct, type RevisionRef } from './types.ts';
/** Resolve a revision reference: a name in layouts/revisions, a path to a revision JSON file, or a definition. */
export declare function resolveRevision(ref: RevisionRef): RevisionDef;
export declare function checkStruct(s: string): AbiStruct;
/** Arches on which a revision defines a struct: those with an asserted size, or all when none is asserted. */
export declare function archesOf(def: RevisionDef, struct: string): ArchName[];
/** A layout without CTASSERT enforcement (the checker reports failures instead of throwing). Named revisions are cached. */
export declare function layoutOf(ref: RevisionRef, def: RevisionDef, struct: string, arch: ArchName): StructLayout;
