import * as fs from 'node:fs';
import * as path from 'node:path';
import { KvmkitError, UsageError } from '../base/errors.ts';
import { FileSink } from '../base/sink.ts';

/**
 * Every file the CLI writes goes through here, for two reasons:
 *  - a path that cannot be written is a one-line error *before* any work is done, not an ENOENT
 *    after minutes of it: an empty path is a usage error (exit 2); a directory, a missing or
 *    unwritable directory is an error naming the file and the flag (exit 1);
 *  - the bytes go to a temporary name next to the target and are renamed over it only when the
 *    command succeeded, so an interrupted or failed run never leaves a file that looks complete.
 * Temporaries not committed are removed when the process exits (any exit path but SIGKILL).
 */
export interface PendingOutput {
  /** The path the user named. */
  readonly target: string;
  /** Where to write until commit(). */
  readonly temp: string;
  /** Rename the temporary over the target: the output is now complete. */
  commit(): void;
  /** Remove the temporary (nothing is left behind). Safe to call twice. */
  discard(): void;
}

const pending = new Set<PendingOutput>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of [...pending]) p.discard();
  });
}

/** Refuse a path that cannot become the output file. `option` names the flag for the message. */
export function checkOutputPath(file: string, option: string): void {
  const at = { field: option, file };
  const flag = option.length === 1 ? `-${option}` : `--${option}`;
  if (file.trim() === '') throw new UsageError(`${flag}: the output path is empty`, { field: option });
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new KvmkitError(`${flag}: ${file} is a directory, not a file`, at);
  if (st && !st.isFile()) throw new KvmkitError(`${flag}: ${file} is not a regular file`, at);
  const dir = path.dirname(path.resolve(file));
  let ds: fs.Stats;
  try {
    ds = fs.statSync(dir);
  } catch {
    throw new KvmkitError(`${flag}: the directory ${dir} does not exist`, at);
  }
  if (!ds.isDirectory()) throw new KvmkitError(`${flag}: ${dir} is not a directory`, at);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (st) fs.accessSync(file, fs.constants.W_OK);
  } catch {
    throw new KvmkitError(`${flag}: ${st ? file : dir} is not writable`, at);
  }
}

/** Check the path and reserve a temporary name beside it (same directory, so rename is atomic). */
export function prepareOutput(file: string, option: string): PendingOutput {
  checkOutputPath(file, option);
  installExitHook();
  const abs = path.resolve(file);
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.kvmkit-${process.pid}-${pending.size}.partial`);
  const p: PendingOutput = {
    target: file,
    temp,
    commit() {
      fs.renameSync(temp, abs);
      pending.delete(p);
    },
    discard() {
      fs.rmSync(temp, { force: true });
      pending.delete(p);
    },
  };
  pending.add(p);
  return p;
}

/** Write `bytes` to a prepared output and commit it. */
export function writeOutput(p: PendingOutput, bytes: Uint8Array | string): void {
  try {
    fs.writeFileSync(p.temp, bytes);
    p.commit();
  } catch (e) {
    p.discard();
    throw new KvmkitError(`cannot write ${p.target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: p.target });
  }
}

/**
 * Stream pieces into a prepared output (records converted a chunk at a time): the temporary is
 * renamed over the target when `fill` returns, and removed, leaving nothing, when it throws.
 */
export function streamOutput<T>(p: PendingOutput, fill: (write: (b: Uint8Array) => void) => T): T {
  const sink = new FileSink(p.temp);
  try {
    const r = fill((b) => sink.write(b));
    sink.finish();
    p.commit();
    return r;
  } catch (e) {
    sink.abort();
    p.discard();
    throw e;
  }
}
