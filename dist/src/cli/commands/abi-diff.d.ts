import type { CommandModule } from 'yargs';
interface Args {
    struct: string;
    from: string;
    to: string;
    arch: string[];
    json: boolean;
    html?: string;
}
export declare const command: CommandModule<object, Args>;
export {};
