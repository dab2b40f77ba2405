import { Amd64PageTables, Arm64PageTables, I386PageTables } from './pagetables.ts';
import { PhysMem } from './physmem.ts';
import { type Progress } from './sink.ts';
export interface CommonMinidumpOptions {
    /** Message-buffer bytes (the ring); none by default. */
    msgbuf?: Uint8Array;
    onProgress?: Progress;
}
export interface Amd64MinidumpOptions extends CommonMinidumpOptions {
    version?: 1 | 2 | 3;
    /** v2/v3: VM_MIN_KERNEL_ADDRESS (default 0xfffffe0000000000); v1: KERNBASE (default 0xffffffff80000000). */
    kernbase?: bigint;
    /** End of the kernel VA the page map covers. */
    kvaEnd: bigint;
    dmapbase?: bigint;
    dmapend?: bigint;
}
export declare const AMD64_VM_MIN_KERNEL_ADDRESS = 18446741874686296064n;
export declare const AMD64_KERNBASE = 18446744071562067968n;
export declare const AMD64_DMAP_MIN = 18446735277616529408n;
export declare const AMD64_DMAP_MAX = 18446739675663040512n;
export declare function writeAmd64Minidump(path: string, mem: PhysMem, pt: Amd64PageTables, o: Amd64MinidumpOptions): void;
export interface I386MinidumpOptions extends CommonMinidumpOptions {
    version?: 1 | 2;
    /** KERNBASE (default 0x00800000, KERNLOAD after the 4/4 split); must be superpage-aligned. */
    kernbase?: bigint;
    kvaEnd: bigint;
}
export declare const I386_KERNBASE = 8388608n;
export declare function writeI386Minidump(path: string, mem: PhysMem, pt: I386PageTables, o: I386MinidumpOptions): void;
export interface Arm64MinidumpOptions extends CommonMinidumpOptions {
    /** 1 (PFN-indexed bitmap, no dump_avail), 2 (default: read by libkvm and libfbsdvmcore) or 3. */
    version?: 1 | 2 | 3;
    kernbase?: bigint;
    kvaEnd: bigint;
    dmapbase?: bigint;
    dmapend?: bigint;
    /** The PA mapped at dmapbase (the lowest RAM address rounded down to 1 GiB). */
    dmapphys: bigint;
}
export declare const ARM64_VM_MIN_KERNEL_ADDRESS = 18446462598732840960n;
export declare const ARM64_DMAP_MIN = 18446638520593285120n;
export declare const ARM64_DMAP_MAX = 18446742974197923840n;
export declare function writeArm64Minidump(path: string, mem: PhysMem, pt: Arm64PageTables, o: Arm64MinidumpOptions): void;
