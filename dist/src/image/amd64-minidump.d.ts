import type { ByteSource } from '../base/source.ts';
import { type Translation } from './image.ts';
import { MinidumpImage } from './sparse.ts';
export declare const AMD64_MINIDUMP_MAGIC = "minidump FreeBSD/amd64";
export declare const AMD64_MINIDUMP_VERSION = 3;
export interface Amd64MinidumpHeader {
    version: number;
    msgbufsize: number;
    bitmapsize: number;
    pmapsize: number;
    kernbase: bigint;
    dmapbase: bigint;
    dmapend: bigint;
    dumpavailsize: number;
}
/** amd64 minidump, versions 1–3 (libkvm's kvm_minidump_amd64.c). */
export declare class Amd64Minidump extends MinidumpImage {
    readonly format: "amd64-minidump";
    readonly arch: "amd64";
    readonly pointerSize: 8;
    readonly hdr: Amd64MinidumpHeader;
    constructor(src: ByteSource);
    private pmapEntry;
    translate(va: bigint): Translation;
}
