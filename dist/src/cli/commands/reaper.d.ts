import type { CommandModule } from 'yargs';
export declare const command: CommandModule;
