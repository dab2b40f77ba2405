import { describe, expect, it } from 'vitest';
import { checkCount, checkRange, checkRead, checkEntrySize, safeNumber } from '../../src/base/bounds.ts';
import { followChain } from '../../src/base/chain.ts';

const at = { file: 'x.core', field: 'p_filesz', offset: 0x40 };

describe('bounded reads', () => {
  it('accepts a region that ends exactly at the limit and refuses one byte more', () => {
    expect(checkRange(96, 4, 100, at)).toEqual({ start: 96, length: 4 });
    expect(() => checkRange(96, 5, 100, at)).toThrow(/p_filesz: 5 bytes at 96 run past the end of the 100-byte region.*file x\.core.*offset 64/);
  });
  it('refuses sizes that cannot be offsets (negative, beyond 2^53) without wrapping', () => {
    expect(() => safeNumber(-1, at)).toThrow(/p_filesz -1 cannot be/);
    expect(() => safeNumber(0xffffffffffffffffn, at)).toThrow(/18446744073709551615/);
    expect(() => checkRange(0xfffffff4, 16, 100, at)).toThrow(/run past the end/);
  });
  it('caps a single read even inside a huge (sparse) file', () => {
    expect(() => checkRead(0, 5 * 2 ** 30, 6 * 2 ** 30, at)).toThrow(/more than kvmkit reads at once/);
    expect(checkRead(0, 10, 6 * 2 ** 30, at, 16).length).toBe(10);
  });
  it('checks count x entry size as an exact product and applies the cap', () => {
    // 2^31 symbols of 24 bytes = 51539607552 bytes, far past a 1 MB section.
    expect(() => checkCount(2 ** 31, 24, 1 << 20, { ...at, field: 'symbol count' })).toThrow(/need 51539607552 bytes, only 1048576/);
    expect(checkCount(3, 24, 72, at)).toBe(3);
    expect(() => checkCount(4, 24, 72, at)).toThrow(/need 96 bytes, only 72/);
    expect(() => checkCount(11, 1, 100, at, 10)).toThrow(/more than the 10/);
    expect(() => checkEntrySize(0, 24, { ...at, field: 'sh_entsize' })).toThrow(/sh_entsize 0 is smaller than the 24/);
  });
});

describe('followChain', () => {
  const links = new Map<number, number>([[812, 700], [700, 1], [5, 6], [6, 7], [7, 5]]);
  const next = (k: number) => links.get(k);
  it('follows to the end', () => {
    expect(followChain(812, next, { what: 'reaper chain', limit: 10 })).toEqual([812, 700, 1]);
  });
  it('names where a cycle closes', () => {
    expect(() => followChain(5, next, { what: 'reaper chain of pid 5', limit: 10 })).toThrow('reaper chain of pid 5 is a cycle: it comes back to 5 after 3 step(s) (5 -> 6 -> 7 -> 5)');
  });
  it('stops at the limit without recursing', () => {
    expect(() => followChain(0, (k) => k + 1, { what: 'list', limit: 100000 })).toThrow(/longer than 100000 steps/);
  });
});
