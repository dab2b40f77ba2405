/**
 * Random-access bytes. Dumps are read through this so that opening and walking an image never
 * loads the whole file: only the pages a translation touches are read.
 */
export interface ByteSource {
    readonly name: string;
    readonly size: number;
    /** Exactly `length` bytes at `offset`, or a KvmkitError naming the file and offset. */
    read(offset: number, length: number): Uint8Array;
    /** Optional: the same bytes copied into `into` at `at` (no allocation; same errors as read). */
    readInto?(offset: number, length: number, into: Uint8Array, at: number): void;
    close(): void;
}
export declare class BufferSource implements ByteSource {
    readonly bytes: Uint8Array;
    readonly name: string;
    constructor(bytes: Uint8Array, name?: string);
    get size(): number;
    read(offset: number, length: number): Uint8Array;
    readInto(offset: number, length: number, into: Uint8Array, at: number): void;
    close(): void;
}
export declare class FileSource implements ByteSource {
    readonly name: string;
    private readonly unlinkOnClose?;
    readonly size: number;
    private fd;
    constructor(name: string, unlinkOnClose?: string | undefined);
    read(offset: number, length: number): Uint8Array;
    readInto(offset: number, length: number, into: Uint8Array, at: number): void;
    private fill;
    close(): void;
}
/**
 * Open a file for random access. Compressed input (gzip, recognised by content, not by name) is
 * inflated as a stream into a temporary file that is removed on close: savecore's `vmcore.N.gz`
 * needs random access, and a stream keeps memory flat however large the dump.
 */
export declare function openSource(file: string): ByteSource;
