import type { CommandModule } from 'yargs';
interface Args {
    vmcore: string;
    kernel?: string;
    json: boolean;
}
export declare const command: CommandModule<object, Args>;
export {};
