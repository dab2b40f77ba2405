import { type Decl } from './decl.ts';
import { type ArchName, type RevisionDef } from './defs.ts';
/**
 * The layout engine: from declarations and ABI rules to offsets, as a C compiler lays out a struct.
 * Rules: a member is placed at the next multiple of its in-struct alignment; a struct's alignment is
 * its largest member alignment; its size is rounded up to that alignment (tail padding); an array
 * has its element's alignment. No offset is ever written by hand anywhere in kvmkit.
 */
export type ScalarKind = 'int' | 'pointer';
export interface TypeLayout {
    kind: ScalarKind | 'struct';
    /** The name as declared, e.g. `pid_t`, `struct timeval`, `struct proc *`. */
    cname: string;
    size: number;
    align: number;
    /** For integers: signedness after following the typedef chain (plain char by the arch's rule). */
    signed: boolean;
    /** A char type (plain, signed or unsigned): arrays of plain char are C strings. */
    isChar: boolean;
    /** Plain `char` (not signed/unsigned char): only these arrays are strings. */
    isPlainChar: boolean;
    struct?: StructLayout;
}
export interface FieldLayout {
    name: string;
    offset: number;
    /** Total size (element size × count for arrays). */
    size: number;
    align: number;
    type: TypeLayout;
    /** Present for arrays (possibly 0, a GNU zero-length array): all elements, dimensions multiplied. */
    count?: number;
    /** A multi-dimensional array's dimensions, outermost first (layouts read from CTF/DWARF). */
    dims?: number[];
    decl: Decl;
    /** A `char x[N]` member: decoded as a C string that keeps its bytes after the NUL. */
    isString: boolean;
    /**
     * Present for a bit-field only (layouts read from CTF/DWARF): its position in bits from the start
     * of the enclosing struct, and its width. `offset` is then the byte holding its first bit and
     * `size` the declared type's size.
     */
    bitField?: {
        bitOffset: number;
        bitSize: number;
    };
}
export interface Leaf {
    path: string;
    offset: number;
    size: number;
    /** C type name of the scalar (element type for arrays). */
    type: string;
    kind: ScalarKind | 'string';
    signed: boolean;
    /** Element size. */
    elemSize: number;
    count?: number;
    /** A bit-field: its first bit counted from the start of the outermost struct, and its width. */
    bitField?: {
        bitOffset: number;
        bitSize: number;
    };
}
export interface CtAssert {
    macro: string;
    expected: number;
    holds: boolean;
}
export interface StructLayout {
    struct: string;
    arch: ArchName;
    revision: string;
    size: number;
    align: number;
    littleEndian: boolean;
    fields: FieldLayout[];
    /** A union (every member at offset 0): only layouts read from CTF/DWARF have them. */
    isUnion?: boolean;
    /** Present when the revision asserts this struct's size on this arch. */
    ctassert?: CtAssert;
    leaves(): Leaf[];
    field(name: string): FieldLayout;
    /** The leaf at a dotted path (`ki_rusage.ru_utime.tv_sec`). */
    leaf(path: string): Leaf;
    /** The same, or undefined when the layout has no such leaf (no exception: used on hot paths). */
    findLeaf(path: string): Leaf | undefined;
}
/** The data of a struct layout; `assembleLayout` adds the lookups. */
export type LayoutData = Omit<StructLayout, 'leaves' | 'field' | 'leaf' | 'findLeaf'>;
/**
 * A `StructLayout` from its computed data: the one place the lookups (leaves, field, leaf) are
 * built, for the declarative engine here and for layouts read from a kernel's CTF or DWARF.
 */
export declare function assembleLayout(data: LayoutData): StructLayout;
export interface LayoutOptions {
    /** Refuse a layout whose size differs from the revision's asserted size (the kernel's CTASSERT). Default true. */
    enforce?: boolean;
}
/** Compute a struct's layout from a revision definition (loaded from layouts/ or built in memory). */
export declare function computeLayout(rev: RevisionDef, struct: string, arch: string, opts?: LayoutOptions): StructLayout;
/** The layout of a struct in a named revision of layouts/, cached; CTASSERT enforced. */
export declare function getLayout(struct: string, arch: string, revision: string, opts?: LayoutOptions): StructLayout;
/** The arches on which a revision defines a struct (all arches unless its size is asserted on only some). */
export declare function archesFor(revision: string, struct: string): ArchName[];
export interface Hole {
    offset: number;
    size: number;
    kind: 'padding' | 'tail';
    after?: string;
    path: string;
}
/** Padding holes (between members and at the tail), recursively through nested structs. */
export declare function holes(layout: StructLayout, prefix?: string, base?: number): Hole[];
/** The leaves of one top-level field (`ki_rusage` → `ki_rusage.ru_utime.tv_sec`, …), cached per layout. */
export declare function leavesOfField(layout: StructLayout, field: string): Leaf[];
