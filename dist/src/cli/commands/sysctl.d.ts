import type { CommandModule } from 'yargs';
interface Args {
    scenario: string;
    mib: string;
    threads: boolean;
    compat32: boolean;
    arch: string;
    rev: string;
    o?: string;
    json: boolean;
    jail?: number;
    uid?: number;
    probe: boolean;
    oldlen?: number;
}
export declare const command: CommandModule<object, Args>;
export {};
