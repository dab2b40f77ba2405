import { describe, expect, it } from 'vitest';
import { archesFor, getLayout, revisionNames } from '../../src/layout/index.ts';
import { prng as rng } from '../prng.ts';
import { compiledCodec, interpretedCodec, recordFromJson, recordToJson, restructureCodec, RecordView, zeroRecord, decodeRecords, encodeRecords } from '../../src/codec/index.ts';


function randomBytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Mostly zeros and small values, like real records, with runs of arbitrary bytes.
    const x = r();
    b[i] = x < 0.55 ? 0 : x < 0.8 ? (r() * 128) | 0 : (r() * 256) | 0;
  }
  return b;
}

const J = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

const all: [string, string, string][] = [];
for (const rev of revisionNames()) for (const s of ['kinfo_proc', 'kinfo_proc32']) for (const a of archesFor(rev, s)) all.push([s, a, rev]);

describe('codecs agree and round-trip on every layout (property test)', () => {
  it('covers 48 layouts (4 revisions × (8 + 4))', () => expect(all.length).toBe(48));
  for (const [s, a, rev] of all) {
    it(`${s} ${a} ${rev}`, () => {
      const l = getLayout(s, a, rev);
      const gen = compiledCodec(l);
      const interp = interpretedCodec(l);
      const rs = restructureCodec(l);
      const r = rng(l.size * 31 + a.length * 7 + rev.length);
      for (let i = 0; i < 40; i++) {
        const b = randomBytes(l.size, r);
        const d1 = gen.decode(b);
        expect(J(interp.decode(b))).toBe(J(d1));
        expect(J(rs.decode(b))).toBe(J(d1));
        // encode(decode(b)) == b with each codec, and each encodes the others' records identically.
        expect(Buffer.from(gen.encode(d1)).equals(Buffer.from(b))).toBe(true);
        expect(Buffer.from(interp.encode(d1)).equals(Buffer.from(b))).toBe(true);
        expect(Buffer.from(rs.encode(d1)).equals(Buffer.from(b))).toBe(true);
        // And through the JSON contract.
        const j = JSON.parse(JSON.stringify(recordToJson(l, d1)));
        expect(Buffer.from(gen.encode(recordFromJson(l, j))).equals(Buffer.from(b))).toBe(true);
      }
      // The typed-array fast path (8-aligned, host order) and the DataView path give the same record.
      const big = new Uint8Array(l.size * 3 + 4);
      const b = randomBytes(l.size, r);
      big.set(b, 4);
      expect(J(gen.decode(big, 4))).toBe(J(gen.decode(b)));
    });
  }
});

describe('integer rule and C strings', () => {
  const l = getLayout('kinfo_proc', 'amd64', 'fbsd15');
  it('8-byte integers and pointers are bigint, smaller integers numbers', () => {
    const z = zeroRecord(l);
    expect(typeof z.ki_pid).toBe('number');
    expect(typeof z.ki_paddr).toBe('bigint');
    expect(typeof z.ki_size).toBe('bigint');
    const z32 = zeroRecord(getLayout('kinfo_proc', 'i386', 'fbsd15'));
    expect(typeof z32.ki_paddr).toBe('bigint'); // a pointer, even 4 bytes wide
    expect(typeof z32.ki_size).toBe('number'); // vm_size_t is 4 bytes on i386
  });
  it('keeps bytes after a NUL (stale strlcpy tails) through decode/encode', () => {
    const v = new RecordView(l);
    v.strlcpy('ki_tdname', 'a-long-thread-nm');
    v.strlcpy('ki_tdname', 'sh'); // strlcpy over a longer string: "sh\0" then "ong-thread-nm" stays
    const c = compiledCodec(l);
    const rec = c.decode(v.record());
    expect(rec.ki_tdname).toBe('sh');
    expect(rec._stale).toEqual({ ki_tdname: Buffer.from('long-thread-nm\0', 'latin1').subarray(1).toString('hex').padEnd(28, '0') });
    expect(Buffer.from(c.encode(rec)).equals(Buffer.from(v.record()))).toBe(true);
  });
  it('refuses values that would be truncated, naming the field', () => {
    const c = compiledCodec(l);
    const z = zeroRecord(l);
    z.ki_pid = 2 ** 31;
    expect(() => c.encode(z)).toThrow(/value 2147483648 does not fit int32.*field ki_pid/);
    const z2 = zeroRecord(l);
    z2.ki_comm = 'x'.repeat(21);
    expect(() => c.encode(z2)).toThrow(/21 chars does not fit char\[20\].*field ki_comm/);
    const z3 = zeroRecord(l);
    (z3.ki_rusage as any).ru_utime.tv_sec = 1.5;
    expect(() => interpretedCodec(l).encode(z3)).toThrow(/field ki_rusage.ru_utime.tv_sec/);
  });
  it('big-endian layouts write big-endian', () => {
    const lb = getLayout('kinfo_proc', 'powerpc64', 'fbsd15');
    const v = new RecordView(lb);
    v.set('ki_pid', 0x01020304);
    const off = lb.field('ki_pid').offset;
    expect([...v.record().subarray(off, off + 4)]).toEqual([1, 2, 3, 4]);
    expect(compiledCodec(lb).decode(v.record()).ki_pid).toBe(0x01020304);
  });
});

describe('record streams', () => {
  const l = getLayout('kinfo_proc', 'i386', 'fbsd14');
  it('a truncated last record is an error that counts the whole records; --partial keeps them', () => {
    const recs = [zeroRecord(l), zeroRecord(l), zeroRecord(l)];
    recs.forEach((r, i) => (r.ki_pid = 100 + i));
    const bytes = encodeRecords(l, recs);
    const cut = bytes.subarray(0, 2 * l.size + 100);
    expect(() => decodeRecords(l, cut, { file: 'procs.bin' })).toThrow(/input ends inside record 2: 2 whole 768-byte records, then 100 trailing bytes.*file procs.bin.*record 2.*offset 1536/);
    const p = decodeRecords(l, cut, { partial: true });
    expect(p.records.map((r) => r.ki_pid)).toEqual([100, 101]);
    expect(p.truncated).toEqual({ wholeRecords: 2, trailingBytes: 100 });
  });
  it('encode errors name the record and field', () => {
    const recs = [zeroRecord(l), zeroRecord(l)];
    recs[1].ki_uid = -1;
    expect(() => encodeRecords(l, recs)).toThrow(/does not fit uint32.*record 1.*field ki_uid/);
  });
});
