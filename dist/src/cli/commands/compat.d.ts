import type { CommandModule } from 'yargs';
interface Args {
    file?: string;
    arch: string;
    rev: string;
    o?: string;
    uncopied: boolean;
    json: boolean;
}
export declare const command: CommandModule<object, Args>;
export {};
