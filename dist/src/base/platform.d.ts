import type * as FS from 'node:fs';
import type * as OS from 'node:os';
import type * as PATH from 'node:path';
import type * as CHILD from 'node:child_process';
export declare const node: {
    readonly fs: typeof FS;
    readonly os: typeof OS;
    readonly path: typeof PATH;
    readonly childProcess: typeof CHILD;
};
/** Whether files can be read here (false in a browser). */
export declare function hasFileSystem(): boolean;
