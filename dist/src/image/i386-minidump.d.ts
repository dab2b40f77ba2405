import type { ByteSource } from '../base/source.ts';
import { type Translation } from './image.ts';
import { MinidumpImage } from './sparse.ts';
export declare const I386_MINIDUMP_MAGIC = "minidump FreeBSD/i386";
export declare const I386_MINIDUMP_VERSION = 2;
export interface I386MinidumpHeader {
    version: number;
    msgbufsize: number;
    bitmapsize: number;
    ptesize: number;
    kernbase: bigint;
    paemode: number;
    dumpavailsize: number;
}
/**
 * i386 minidump, versions 1 and 2, PAE (8-byte PTEs) and non-PAE (4-byte PTEs)
 * (libkvm's kvm_minidump_i386.c). The page map is a flat array of last-level PTEs from kernbase;
 * there is no direct map.
 */
export declare class I386Minidump extends MinidumpImage {
    readonly format: "i386-minidump";
    readonly arch: "i386";
    readonly pointerSize: 4;
    readonly hdr: I386MinidumpHeader;
    private readonly pfx;
    private readonly esz;
    constructor(src: ByteSource);
    translate(va: bigint): Translation;
}
