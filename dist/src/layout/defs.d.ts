import { type LayoutFile } from './data.ts';
/**
 * Loading of the declarative definitions in layouts/. Nothing here knows an offset: it reads ABI
 * facts, typedef chains, struct bodies (C member declarations) and asserted sizes.
 */
export declare const ARCHES: readonly ["amd64", "i386", "arm64", "armv7", "powerpc", "powerpc64", "powerpc64le", "riscv64"];
export type ArchName = (typeof ARCHES)[number];
export interface ArchDef {
    endian: 'little' | 'big';
    charSigned: boolean;
    model: 'ILP32' | 'LP64';
    elfMachine: number;
    /** The 32-bit arch whose native records this 64-bit arch's kinfo_proc32 reproduces. */
    compat32?: ArchName;
    types: Record<string, [number, number]>;
}
export interface AssertedSizes {
    macro: string;
    sizes: Partial<Record<ArchName, number>>;
}
/** A revision: its constants, struct bodies and the sizes its headers assert. */
export interface RevisionDef {
    revision: string;
    /** The revision this one is reviewed against by `abi-check` (spare-field rule). */
    base?: string;
    constants: Record<string, number>;
    structs: Record<string, string[]>;
    asserted: Record<string, AssertedSizes>;
    /** Which kernel-struct layout set (layouts/kernel/<name>.json) describes this revision's kernel. */
    kernel?: string;
}
/** A layouts/ file's data as T. (Its shape is the file's contract; the layout engine checks what it uses.) */
export declare function layoutData<T>(f: LayoutFile): T;
export declare function archDefs(): Record<ArchName, ArchDef>;
export declare function isArch(a: string): a is ArchName;
export declare function archDef(arch: string): ArchDef;
/** The typedef table in force for an arch: common, then data model, then the arch's own overrides. */
export declare function typedefsFor(arch: ArchName): Record<string, string>;
interface CommonStructs {
    constants: Record<string, number>;
    structs: Record<string, string[]>;
}
export declare function commonStructs(): CommonStructs;
export declare function revisionNames(): string[];
export declare function loadRevision(name: string): RevisionDef;
export {};
