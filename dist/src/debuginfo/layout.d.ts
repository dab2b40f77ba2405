import { type ArchName } from '../layout/defs.ts';
import { type StructLayout } from '../layout/engine.ts';
import type { TypeGraph, TypeId } from './model.ts';
/**
 * A struct of a kernel's own type information (a `TypeGraph` from CTF or DWARF) as the layout
 * engine's `StructLayout`, so that everything downstream — `layout show`, holes, the ABI tools,
 * the kernel-struct reader — treats it like a layout computed from layouts/.
 *
 * Offsets and sizes are the ones the file records; nothing is recomputed. Alignment is not stored
 * by either format, so it is derived: a scalar's in-struct alignment is the arch's (i386 puts
 * 8-byte integers on 4), a struct's the largest of its members' — unless a member sits off its
 * alignment, which only a packed struct does, and then the struct's alignment is 1.
 */
export interface GraphLayoutOptions {
    /** The arch whose ABI the types were compiled for (from the ELF header). */
    arch: ArchName;
    /** What `StructLayout.revision` says, e.g. `ctf:kernel` (default: the graph's format and file). */
    revision?: string;
}
/** Structs nested by value deeper than this are corrupt input, not C (the kernel nests a handful). */
export declare const MAX_NESTING = 64;
/** A typedef/qualifier chain longer than this is a cycle or corrupt input. */
export declare const MAX_CHAIN = 256;
/** The layout of the named struct (or union) of a type graph. */
export declare function structLayoutFromGraph(graph: TypeGraph, name: string, opts: GraphLayoutOptions): StructLayout;
/** The layout of the struct or union with this type id. */
export declare function structLayoutFromId(graph: TypeGraph, id: TypeId, opts: GraphLayoutOptions): StructLayout;
/** One converter per graph and arch, so that the structs several layouts share are laid out once. */
export declare function graphLayouts(graph: TypeGraph, opts: GraphLayoutOptions): {
    byName(name: string): StructLayout | undefined;
    byId(id: TypeId): StructLayout;
};
/** A type's C spelling for messages and `layout show` (`struct proc *`, `u_int`, `void (*)()`). */
export declare function cName(ctx: {
    graph: TypeGraph;
}, id: TypeId, depth?: number): string;
