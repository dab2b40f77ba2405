import type { CommandModule } from 'yargs';
import { type KvmRecord } from '../../kvm/index.ts';
import { type StructLayout } from '../../layout/index.ts';
interface Args {
    vmcore?: string;
    kernel?: string;
    scenario?: string;
    arch: string;
    pid?: number;
    pgrp?: number;
    sid?: number;
    tty?: string;
    uid?: number;
    ruid?: number;
    gid?: number;
    rgid?: number;
    threads: boolean;
    mode: string;
    compat32: boolean;
    rev?: string;
    json: boolean;
    raw?: string;
    strict: boolean;
    rules: boolean;
}
/** One record as JSON (the decode --json shape); unavailable fields are null and listed in _unavailable. */
export declare function recordJson(layout: StructLayout, r: KvmRecord): Record<string, unknown>;
export declare const command: CommandModule<object, Args>;
export {};
