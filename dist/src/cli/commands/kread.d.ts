import type { CommandModule } from 'yargs';
interface Args {
    vmcore: string;
    kernel: string;
    target: string;
    len?: number;
}
export declare const command: CommandModule<object, Args>;
export {};
