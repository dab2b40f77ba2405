import type { ByteSource } from '../base/source.ts';
import { type Translation } from './image.ts';
import { MinidumpImage } from './sparse.ts';
export declare const ARM64_MINIDUMP_MAGIC = "minidump FreeBSD/arm64";
export declare const ARM64_MINIDUMP_VERSION = 3;
export interface Arm64MinidumpHeader {
    version: number;
    msgbufsize: number;
    bitmapsize: number;
    pmapsize: number;
    kernbase: bigint;
    dmapphys: bigint;
    dmapbase: bigint;
    dmapend: bigint;
    dumpavailsize: number;
    flags: number;
}
/**
 * arm64 minidump, versions 1–3, 4 KiB or 16 KiB pages (libkvm's kvm_minidump_aarch64.c). The page
 * map is a flat array of L3 descriptors from kernbase; the direct map starts at dmapbase and maps
 * physical dmapphys, and is tested first because it lies above kernbase.
 */
export declare class Arm64Minidump extends MinidumpImage {
    readonly format: "arm64-minidump";
    readonly arch: "arm64";
    readonly pointerSize: 8;
    readonly hdr: Arm64MinidumpHeader;
    private readonly l3shift;
    constructor(src: ByteSource);
    translate(va: bigint): Translation;
}
