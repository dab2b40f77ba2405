import { KvmkitError } from "./errors.js";
function builtin(name) {
    const p = globalThis.process;
    const m = p?.getBuiltinModule?.(`node:${name}`);
    if (!m)
        throw new KvmkitError(`this needs Node.js's ${name} module (Node ≥ 20.16): here, pass the bytes (a Uint8Array) instead of a file name`);
    return m;
}
export const node = {
    get fs() { return builtin('fs'); },
    get os() { return builtin('os'); },
    get path() { return builtin('path'); },
    get childProcess() { return builtin('child_process'); },
};
/** Whether files can be read here (false in a browser). */
export function hasFileSystem() {
    return typeof globalThis.process?.getBuiltinModule === 'function';
}
