import type { Argv } from 'yargs';
import { UsageError } from '../base/errors.ts';

/**
 * The crash-dump arguments ps, procstat and dmesg share, spelled both kvmkit's way (<vmcore>,
 * --kernel/-k) and as FreeBSD's tools take them (-M core, -N system): one place for the flags,
 * their help text and the rule that the core is given once.
 */
export interface DumpArgs { vmcore?: string; M?: string; kernel?: string }

export function withDumpArgs<T>(y: Argv<T>, tool: string): Argv<T & DumpArgs> {
  return y
    .positional('vmcore', { type: 'string', describe: 'crash dump (minidump or ELF full dump; gzip accepted); also -M core' })
    .option('M', { type: 'string', requiresArg: true, describe: `the core (${tool} -M): the same as <vmcore>` })
    .option('kernel', { alias: ['k', 'N'], type: 'string', requiresArg: true, describe: `the kernel ELF the dump came from (${tool} -N system)` }) as Argv<T & DumpArgs>;
}

/** The core named by <vmcore> or -M (refused when both name different files). */
export function coreOf(a: DumpArgs): string | undefined {
  if (a.M !== undefined && a.vmcore !== undefined && a.M !== a.vmcore) throw new UsageError('give the core once: <vmcore> or -M, not both', { field: 'M' });
  return a.vmcore ?? a.M;
}
