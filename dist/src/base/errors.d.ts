/**
 * One error type for the whole toolkit. Every failure names where it happened — the file, the byte
 * offset, the record index, the field or the kernel address — because a crash-dump analyst needs
 * to go and look at exactly that byte. The CLI prints `message` and the context; it never prints a
 * stack trace for a KvmkitError.
 */
export interface ErrorContext {
    file?: string;
    offset?: number | bigint;
    record?: number;
    field?: string;
    address?: bigint;
    struct?: string;
    arch?: string;
    revision?: string;
    object?: string;
}
export declare class KvmkitError extends Error {
    readonly context: ErrorContext;
    /** The message without its bracketed context: what to use when wrapping it in another error. */
    readonly text: string;
    constructor(message: string, context?: ErrorContext);
}
/** Usage errors (bad flags, unknown arch) are told apart so the CLI can set its usage exit code. */
export declare class UsageError extends KvmkitError {
    constructor(message: string, context?: ErrorContext);
}
export declare function hex(v: number | bigint): string;
