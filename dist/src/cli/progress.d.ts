/**
 * Progress on stderr for long work: a redrawn bar when stderr is a terminal (at most every 100 ms
 * or per percent), otherwise — `quietWhenPiped` aside — a plain line every 10 %, so logs stay short.
 */
export interface Progress {
    tick(done: number, total: number): void;
    end(): void;
}
export declare function progress(label: string, unit: string, opts?: {
    quietWhenPiped?: boolean;
}): Progress;
