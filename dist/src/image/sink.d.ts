/** Progress of a long write: units done out of total (pages, for the image writers). */
export type Progress = (done: number, total: number) => void;
/**
 * A file written front to back in pieces, never held whole in memory. Runs of zero pages can be
 * skipped as holes (the file stays sparse on filesystems that support it).
 */
export declare class FileSink {
    readonly path: string;
    private fd;
    pos: number;
    constructor(path: string);
    write(b: Uint8Array): void;
    /** Leave `n` zero bytes without writing them. */
    skip(n: number): void;
    /** Pad with zeros (as a hole) up to a multiple of `p`. */
    padTo(p: number): void;
    /** Set the final length (so trailing holes count) and close. */
    finish(): void;
    /** Close after a failure and remove the partial file. */
    abort(): void;
}
