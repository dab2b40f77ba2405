import type * as FS from 'node:fs';
import type * as OS from 'node:os';
import type * as PATH from 'node:path';
import type * as CHILD from 'node:child_process';
import type * as ZLIB from 'node:zlib';
import { KvmkitError } from './errors.ts';

/**
 * The one door to Node's built-in modules outside the CLI. Modules reach files through `node.fs`
 * (and os, path, child_process) only when they actually touch a file, via
 * `process.getBuiltinModule` (Node ≥ 20.16) — so no library module imports `node:*` statically,
 * a browser bundle of the library has nothing to resolve, and decoding bytes, laying out structs,
 * the live sysctl path and the ABI checks run there unchanged. Enforced by test/architecture.test.ts.
 */
type Builtins = { fs: typeof FS; os: typeof OS; path: typeof PATH; child_process: typeof CHILD; zlib: typeof ZLIB };

function builtin<K extends keyof Builtins>(name: K): Builtins[K] {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const m = p?.getBuiltinModule?.(`node:${name}`);
  if (!m) throw new KvmkitError(`this needs Node.js's ${name} module (Node ≥ 20.16): here, pass the bytes (a Uint8Array) instead of a file name`);
  return m as Builtins[K];
}

export const node = {
  get fs(): typeof FS { return builtin('fs'); },
  get os(): typeof OS { return builtin('os'); },
  get path(): typeof PATH { return builtin('path'); },
  get childProcess(): typeof CHILD { return builtin('child_process'); },
  get zlib(): typeof ZLIB { return builtin('zlib'); },
};

/** Whether files can be read here (false in a browser). */
export function hasFileSystem(): boolean {
  return typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule === 'function';
}
