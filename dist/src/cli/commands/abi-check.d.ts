import type { CommandModule } from 'yargs';
interface Args {
    struct: string;
    rev: string;
    base?: string;
    json: boolean;
}
export declare const command: CommandModule<object, Args>;
export {};
