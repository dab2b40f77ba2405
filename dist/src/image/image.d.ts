import { KvmkitError } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import type { KernelSymbols } from './symbols.ts';
/** The dump containers kvmkit reads, named after libkvm's back-ends. */
export type ImageFormat = 'amd64-minidump' | 'amd64-elf' | 'i386-minidump' | 'arm64-minidump';
export type ImageArch = 'amd64' | 'i386' | 'arm64';
/** Where a virtual address lives: its physical address, the file offset, and how many bytes are contiguous there. */
export interface Translation {
    pa: bigint;
    fileOffset: number;
    /** Bytes readable from fileOffset without another translation (libkvm's returned length). */
    length: number;
}
export interface ImageInfo {
    file: string;
    format: ImageFormat;
    arch: ImageArch;
    version?: number;
    pageSize: number;
    /** Physical pages stored in the dump (bitmap bits set, or PT_LOAD bytes / page size). */
    pageCount: number;
    /** Raw header fields, by their FreeBSD names. */
    header: Record<string, number | bigint | string>;
}
export interface PresentPage {
    pa: bigint;
    fileOffset: number;
}
/**
 * A kernel crash dump opened for reading. Translation follows libkvm's back-end for the format;
 * reads never cross a page without translating again, because adjacent virtual pages are
 * rarely adjacent in the file.
 */
export interface KernelImage {
    readonly format: ImageFormat;
    readonly arch: ImageArch;
    readonly littleEndian: boolean;
    readonly pointerSize: 4 | 8;
    readonly pageSize: number;
    readonly source: ByteSource;
    /** The kernel's symbol table, when a kernel was given at open. */
    readonly symbols?: KernelSymbols;
    info(): ImageInfo;
    translate(va: bigint): Translation;
    /** File offset of a physical address, or undefined when the page is not in the dump. */
    physOffset(pa: bigint): number | undefined;
    read(va: bigint, len: number): Uint8Array;
    readPhys(pa: bigint, len: number): Uint8Array;
    presentPages(): Iterable<PresentPage>;
    close(): void;
}
/**
 * A failed translation. `reason` is libkvm's specific message (e.g.
 * "_amd64_minidump_vatop: pde not valid"); the message also carries libkvm's final
 * "invalid address (0x…)" so an analyst sees both, as kvm_geterr would after the specific one.
 */
export declare class TranslationError extends KvmkitError {
    readonly reason: string;
    readonly va: bigint;
    constructor(reason: string, va: bigint, file: string, offset?: number);
}
export declare const MASK64: bigint;
/** read/readPhys/presentPages shared by every format; subclasses supply translate and physOffset. */
export declare abstract class BaseImage implements KernelImage {
    readonly source: ByteSource;
    abstract readonly format: ImageFormat;
    abstract readonly arch: ImageArch;
    readonly littleEndian: boolean;
    abstract readonly pointerSize: 4 | 8;
    pageSize: number;
    symbols?: KernelSymbols;
    constructor(source: ByteSource);
    abstract info(): ImageInfo;
    abstract translate(va: bigint): Translation;
    abstract physOffset(pa: bigint): number | undefined;
    abstract presentPages(): Iterable<PresentPage>;
    protected fail(reason: string, va: bigint, offset?: number): never;
    read(va: bigint, len: number): Uint8Array;
    readPhys(pa: bigint, len: number): Uint8Array;
    /** Bytes at a file offset; a dump cut short (savecore ran out of space, or a minimised test dump) is named as such. */
    protected fileBytes(offset: number, n: number, addr: bigint): Uint8Array;
    close(): void;
}
/** Little-endian or big-endian fixed-width reads of a small buffer. */
export declare function dv(b: Uint8Array): DataView;
export declare function roundUp(n: number, p: number): number;
