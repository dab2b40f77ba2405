import { KvmkitError, UsageError } from '../base/errors.ts';
import { EXIT_ERROR, EXIT_USAGE } from './exit.ts';

/**
 * The CLI's one top-level error policy. Expected failures are KvmkitError (bad data: file, offset,
 * field) or UsageError (bad flags), printed as one line. A system error on a named path (a file
 * that does not exist, is unreadable, is a directory) is an expected failure too: it becomes the
 * same one line. Anything else is a bug in kvmkit: one "internal error" line asking for a report,
 * the stack only when KVMKIT_DEBUG is set.
 */

/** An error line never echoes megabytes of input back: longer messages are cut here. */
export const MAX_MESSAGE_CHARS = 2000;

/** errno codes that describe the user's path, not a kvmkit bug. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

function clip(s: string): string {
  return s.length <= MAX_MESSAGE_CHARS ? s : `${s.slice(0, MAX_MESSAGE_CHARS)}… (${s.length - MAX_MESSAGE_CHARS} more characters)`;
}

function systemError(e: unknown): KvmkitError | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (!code || !(code in PATH_ERRORS) || typeof path !== 'string') return undefined;
  return new KvmkitError(`cannot ${syscall ?? 'open'} ${path}: ${PATH_ERRORS[code]} (${code})`, { file: path });
}

export interface Reported { line: string; exitCode: number }

/** The line to print for an error and the exit status it gives. */
export function reportError(e: unknown, debug = !!process.env.KVMKIT_DEBUG): Reported {
  if (e instanceof UsageError) return { line: `kvmkit: ${clip(e.message)}`, exitCode: EXIT_USAGE };
  if (e instanceof KvmkitError) return { line: `kvmkit: ${clip(e.message)}`, exitCode: EXIT_ERROR };
  const sys = systemError(e);
  if (sys) return { line: `kvmkit: ${clip(sys.message)}`, exitCode: EXIT_ERROR };
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const stack = debug && e instanceof Error && e.stack ? `\n${e.stack}` : '';
  return {
    line: `kvmkit: internal error: ${clip(what)} — this is a bug in kvmkit, please report it with the command line${debug ? '' : ' (KVMKIT_DEBUG=1 prints the stack)'}${stack}`,
    exitCode: EXIT_ERROR,
  };
}
