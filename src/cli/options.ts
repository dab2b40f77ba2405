import type { Arguments } from 'yargs';
import { UsageError } from '../base/errors.ts';
import { MAX_RANDOM_PROCESSES } from '../kernel/limits.ts';

/**
 * Checks every command's parsed flags get, in one place (a yargs middleware in main.ts):
 *  - a flag not declared as an array may be given once: `--rev a --rev b` is a usage error, not
 *    the string "a,b";
 *  - a number flag must be an integer inside its documented range (`--pid abc` is refused, not
 *    NaN; `--procs 1e9` is refused, not a run without bound).
 */

const INT32: [number, number] = [-(2 ** 31), 2 ** 31 - 1];
const UINT32: [number, number] = [0, 2 ** 32 - 1];

/** Documented ranges of the number flags (the kernel type each one stands for). Others: any safe integer. */
export const NUMBER_RANGES: Record<string, [number, number]> = {
  pid: INT32, pgrp: INT32, sid: INT32, subtree: INT32, dumptid: [0, 2 ** 31 - 1], // pid_t / lwpid_t
  uid: UINT32, ruid: UINT32, gid: UINT32, rgid: UINT32, // uid_t, gid_t
  jail: [0, 2 ** 31 - 1], // jid
  sig: [0, 2 ** 31 - 1], // the rk_sig range check itself is procctl's (an errno answer)
  count: UINT32, max: [0, 2 ** 31 - 1],
  procs: [1, MAX_RANDOM_PROCESSES],
  'random-seed': UINT32,
  'minidump-version': [0, 255],
  oldlen: [0, Number.MAX_SAFE_INTEGER],
};

const repeatableKeys = new Set<string>();
/** Flags a command takes more than once, each occurrence adding to the list (ps -o, -p …, as ps(1) does); name every alias too. */
export function repeatable(...keys: string[]): void {
  for (const k of keys) repeatableKeys.add(k);
}

export interface DeclaredOptions { array: string[]; number: string[]; alias: Record<string, string[]> }

/** The canonical flag name for messages: the longest of a key and its aliases. */
function flagName(key: string, alias: Record<string, string[]>): string {
  const names = [key, ...(alias[key] ?? [])];
  for (const [k, as] of Object.entries(alias)) if (as.includes(key)) names.push(k, ...as);
  const best = names.sort((a, b) => b.length - a.length)[0];
  return best.length === 1 ? `-${best}` : `--${best}`;
}

export function checkOptions(argv: Arguments, declared: DeclaredOptions): void {
  const arrays = new Set(declared.array);
  const numbers = new Set(declared.number);
  for (const [key, value] of Object.entries(argv)) {
    // yargs also stores each dashed flag under its camelCase name: judge the flag once, as declared.
    if (key === '_' || key === '$0' || (/[A-Z]/.test(key) && kebab(key) in argv)) continue;
    if (Array.isArray(value) && !arrays.has(key) && !repeatableKeys.has(key)) {
      throw new UsageError(`${flagName(key, declared.alias)} was given ${value.length} times (${value.map(String).join(', ')}); give it once`, { field: key });
    }
    if (numbers.has(key) && value !== undefined) checkNumber(key, value, declared.alias);
  }
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkNumber(key: string, value: unknown, alias: Record<string, string[]>): void {
  const name = flagName(key, alias);
  const range = NUMBER_RANGES[key] ?? Object.entries(NUMBER_RANGES).find(([k]) => alias[k]?.includes(key))?.[1] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new UsageError(`${name} takes an integer (what was given parses as ${String(value)})`, { field: key });
  if (value < range[0] || value > range[1]) throw new UsageError(`${name} ${value} is outside ${range[0]} … ${range[1]}`, { field: key });
}
