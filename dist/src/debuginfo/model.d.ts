/**
 * One type model for a kernel's own type information. The CTF reader (`.SUNW_ctf`, sys/sys/ctf.h)
 * and the DWARF reader (`.debug_info`) both produce a `TypeGraph`; one converter turns a struct of
 * the graph into the layout engine's `StructLayout`, so `layout show --types`, the walker and the
 * ABI tools see a kernel's types exactly as they see the declarative layouts of layouts/.
 *
 * The kinds are CTF's (every DWARF type tag kvmkit needs maps onto one of them). Sizes are in
 * bytes, member positions in bits from the start of the enclosing struct or union, as both formats
 * store them.
 */
/** A type's id inside its graph: a CTF type index, or a DWARF DIE's offset in `.debug_info`. */
export type TypeId = number;
export type TypeKind = 'void' | 'int' | 'float' | 'pointer' | 'array' | 'function' | 'struct' | 'union' | 'enum' | 'forward' | 'typedef' | 'volatile' | 'const' | 'restrict';
export interface IntType {
    kind: 'int';
    name: string;
    size: number;
    signed: boolean;
    /** A character type (CTF_INT_CHAR / DW_ATE_*char). */
    char: boolean;
    bool: boolean;
    /** Width in bits and offset of the value inside its `size` bytes (CTF's encoding word); bits = size·8 for ordinary integers. */
    bits: number;
    bitOffset: number;
}
export interface FloatType {
    kind: 'float';
    name: string;
    size: number;
}
export interface VoidType {
    kind: 'void';
}
/** Pointer, typedef and the qualifiers: one target each. */
export interface RefType {
    kind: 'pointer' | 'typedef' | 'volatile' | 'const' | 'restrict';
    name: string;
    target: TypeId;
}
/** An array of `count` elements (0 for a flexible or unknown bound). Multi-dimensional arrays nest. */
export interface ArrayType {
    kind: 'array';
    element: TypeId;
    count: number;
}
export interface FunctionType {
    kind: 'function';
    ret: TypeId;
    args: TypeId[];
    variadic: boolean;
}
export interface Member {
    /** Empty for an anonymous struct/union member. */
    name: string;
    type: TypeId;
    /** Bits from the start of the enclosing struct or union. */
    bitOffset: number;
    /** Present for bit-fields only: the field's width in bits. */
    bitSize?: number;
}
export interface StructType {
    kind: 'struct' | 'union';
    name: string;
    size: number;
    members: Member[];
}
export interface EnumType {
    kind: 'enum';
    name: string;
    size: number;
    values: {
        name: string;
        value: number;
    }[];
}
/** A declaration without a definition (`struct foo;`). */
export interface ForwardType {
    kind: 'forward';
    name: string;
    of: 'struct' | 'union' | 'enum';
}
export type CType = IntType | FloatType | VoidType | RefType | ArrayType | FunctionType | StructType | EnumType | ForwardType;
/** Where a graph's types came from, as printed in notes and `--json` metadata. */
export interface TypeSource {
    format: 'ctf' | 'dwarf';
    /** The ELF file the types were read from. */
    file: string;
    /** e.g. `.SUNW_ctf` (CTF v3) or `.debug_info` (DWARF 5, 2,000 CUs). */
    detail: string;
}
/**
 * A type graph. It may be lazy (DWARF: a kernel.debug has hundreds of MB of DIEs, so types are
 * materialised only when asked for); `type()` and `findStruct()` are the only ways in.
 */
export interface TypeGraph {
    readonly source: TypeSource;
    readonly pointerSize: 4 | 8;
    readonly littleEndian: boolean;
    /** The type with this id; a `KvmkitError` naming file, section and offset when it is out of range or corrupt. */
    type(id: TypeId): CType;
    /**
     * The complete definition of a named struct or union (a definition wins over a forward
     * declaration; among several definitions of one name the first in file order), or undefined.
     */
    findStruct(name: string, kind?: 'struct' | 'union'): TypeId | undefined;
    /** Every named struct and union defined in the graph, in file order (for `layout list --types`). */
    structNames(): Iterable<{
        name: string;
        kind: 'struct' | 'union';
        id: TypeId;
    }>;
    /** A named typedef, when the graph has one. */
    findTypedef?(name: string): TypeId | undefined;
}
