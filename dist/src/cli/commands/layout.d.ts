import type { CommandModule } from 'yargs';
import { type StructLayout } from '../../layout/index.ts';
export declare function layoutJson(l: StructLayout): {
    struct: string;
    arch: "i386" | "armv7" | "powerpc" | "amd64" | "arm64" | "powerpc64" | "powerpc64le" | "riscv64";
    revision: string;
    size: number;
    align: number;
    ctassert: {
        expected: number;
        holds: boolean;
    } | null;
    fields: {
        count?: number | undefined;
        name: string;
        offset: number;
        size: number;
        type: string;
    }[];
    leaves: {
        count?: number | undefined;
        path: string;
        offset: number;
        size: number;
        type: string;
    }[];
};
/** pahole-style listing: members with offset/size, holes and padding called out, totals at the end. */
export declare function layoutText(l: StructLayout): string;
export declare const command: CommandModule;
