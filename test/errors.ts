import { expect } from 'vitest';
import { KvmkitError } from '../src/base/errors.ts';

/** The KvmkitError `fn` throws (anything else, or nothing, fails the test). */
export function errorOf(fn: () => unknown): KvmkitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KvmkitError);
    return e as KvmkitError;
  }
  throw new Error('expected a KvmkitError');
}
