import { compiledCodec, interpretedCodec, restructureCodec, RecordView, type KRecord } from '../../src/codec/index.ts';
import { getLayout } from '../../src/layout/index.ts';
import { goldenBytes } from '../../dumps/golden.ts';

/**
 * Codec throughput on amd64 kinfo_proc (fbsd15): N records built from the golden record (real-looking
 * kernel pointers and counters), each with its own pid and tid so no two records are equal.
 */
export interface CodecBench { records: number; rows: { codec: string; op: string; recordsPerSec: number; ms: number }[]; ratio: number }

/** Median of three timed runs: one run of a 150 ms loop is at the mercy of a single GC pause. */
function time(fn: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[1];
}

export function benchCodec(N = 200_000): CodecBench {
  const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15');
  const one = goldenBytes('kinfo_proc', 'amd64', 'fbsd15');
  const buf = new Uint8Array(N * layout.size);
  const v = new RecordView(layout, buf);
  for (let i = 0; i < N; i++) {
    buf.set(one, i * layout.size);
    v.at(i * layout.size);
    v.set('ki_pid', 1000 + (i % 98000));
    v.set('ki_tid', 100000 + i);
  }
  const rows: CodecBench['rows'] = [];
  const add = (codec: string, op: string, ms: number) => rows.push({ codec, op, ms: Math.round(ms), recordsPerSec: Math.round(N / (ms / 1000)) });

  const gen = compiledCodec(layout);
  const interp = interpretedCodec(layout);
  const rs = restructureCodec(layout);
  // Warm up each path on a slice so the JIT has compiled it before the timed run.
  for (let i = 0; i < 2000; i++) {
    gen.decode(buf, i * layout.size);
    rs.decode(buf, i * layout.size);
    interp.decode(buf, i * layout.size);
  }
  // Decoded records are not kept: keeping 200k objects alive measures the garbage collector, not
  // the codec. Each timed decode feeds a checksum so it cannot be optimised away; encodes cycle
  // through a pool of 1024 decoded records (the same records for every codec).
  const POOL = 1024;
  const pool: KRecord[] = [];
  for (let i = 0; i < POOL; i++) pool.push(gen.decode(buf, i * layout.size));
  let sink = 0;
  const decodeAll = (c: { decode(b: Uint8Array, o: number): KRecord }) => () => {
    for (let i = 0; i < N; i++) sink += c.decode(buf, i * layout.size).ki_pid as number;
  };
  const out = new Uint8Array(N * layout.size);
  const encodeAll = (c: { encode(r: KRecord, o: Uint8Array, off: number): Uint8Array }) => () => {
    for (let i = 0; i < N; i++) c.encode(pool[i % POOL], out, i * layout.size);
  };
  add('restructure', 'decode', time(decodeAll(rs)));
  add('restructure', 'encode', time(encodeAll(rs)));
  add('generated', 'decode', time(decodeAll(gen)));
  add('generated', 'encode', time(encodeAll(gen)));
  add('interpreted (CSP-safe)', 'decode', time(decodeAll(interp)));
  add('interpreted (CSP-safe)', 'encode', time(encodeAll(interp)));
  if (sink === 0) throw new Error('decode produced nothing');
  // The encoded output must be the input bytes wherever the pool's record was written back.
  for (let i = 0; i < POOL; i++) if (!Buffer.from(out.subarray(i * layout.size, (i + 1) * layout.size)).equals(Buffer.from(buf.subarray(i * layout.size, (i + 1) * layout.size)))) throw new Error(`codec bench: record ${i} re-encoded differently`);
  let sum = 0;
  const view = new RecordView(layout, buf);
  add('lazy view (3 fields)', 'read', time(() => {
    for (let i = 0; i < N; i++) {
      view.at(i * layout.size);
      sum += (view.get('ki_pid') as number) + (view.get('ki_ppid') as number) + (view.get('ki_comm') as string).length;
    }
  }));
  if (sum === 0) throw new Error('lazy view read nothing');
  const r = rows.find((x) => x.codec === 'restructure' && x.op === 'decode')!.recordsPerSec;
  const g = rows.find((x) => x.codec === 'generated' && x.op === 'decode')!.recordsPerSec;
  return { records: N, rows, ratio: g / r };
}
