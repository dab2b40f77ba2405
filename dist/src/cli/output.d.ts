/** JSON as the CLI prints it: bigint values become decimal strings (the contract of `--json`). */
export declare function toJson(value: unknown): string;
export declare function printJson(value: unknown): void;
export declare function writeOut(file: string, bytes: Uint8Array): void;
