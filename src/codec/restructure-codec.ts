import * as r from 'restructure';
import { KvmkitError } from '../base/errors.ts';
import type { StructLayout } from '../layout/index.ts';
import { decodeCString, encodeCString, nonZeroHex, staleTail } from './cstring.ts';
import { planFor, type PlanNode } from './plan.ts';
import { checkScalar, readScalar, writeScalar } from './scalar.ts';
import type { KRecord } from './values.ts';

/**
 * The declarative codec on `restructure`: one r.Struct per (struct, arch, revision), built from the
 * same plan as the fast codec. restructure lacks what C records need, so kvmkit supplies three
 * types: a 64-bit integer (and pointers as bigint), a C char array that keeps the bytes after its
 * NUL, and explicit padding that keeps its bytes (r.Reserved would zero them). It is the reference
 * the generated codec is checked against, not the fast path.
 */

interface Stream { view: DataView; pos: number; buffer: Uint8Array }
/** Side channel for bytes that are not part of the typed value (stale string tails, padding). */
interface StaleSink { stale?: Record<string, string> }

class ScalarType {
  constructor(private width: number, private signed: boolean, private ptr: boolean, private le: boolean, private path: string) {}
  decode(s: Stream) {
    const v = readScalar(s.view, s.pos, this.width, this.signed, this.ptr, this.le);
    s.pos += this.width;
    return v;
  }
  encode(s: Stream, v: unknown) {
    writeScalar(s.view, s.pos, this.width, this.signed, this.ptr, this.le, checkScalar(v, this.width, this.signed, this.ptr, this.path));
    s.pos += this.width;
  }
  size() { return this.width; }
}

class CStringType {
  constructor(private n: number, private path: string, private sink: () => StaleSink) {}
  decode(s: Stream) {
    const v = decodeCString(s.buffer, s.pos, this.n);
    const t = staleTail(s.buffer, s.pos, this.n);
    if (t !== undefined) (this.sink().stale ??= {})[this.path] = t;
    s.pos += this.n;
    return v;
  }
  encode(s: Stream, v: string) {
    encodeCString(s.buffer, s.pos, this.n, v, this.sink().stale?.[this.path], { field: this.path });
    s.pos += this.n;
  }
  size() { return this.n; }
}

class PaddingType {
  constructor(private n: number, private key: string, private sink: () => StaleSink) {}
  decode(s: Stream) {
    const h = nonZeroHex(s.buffer, s.pos, this.n);
    if (h !== undefined) (this.sink().stale ??= {})[this.key] = h;
    s.pos += this.n;
    return undefined;
  }
  encode(s: Stream) {
    const hex = this.sink().stale?.[this.key];
    if (hex === undefined) s.buffer.fill(0, s.pos, s.pos + this.n);
    else s.buffer.set(Buffer.from(hex, 'hex'), s.pos);
    s.pos += this.n;
  }
  size() { return this.n; }
}

const PAD_PREFIX = '__pad';

function build(nodes: PlanNode[], size: number, base: number, pads: { off: number; size: number; key: string }[], le: boolean, sink: () => StaleSink): r.Struct {
  const fields: Record<string, r.CodecType<any>> = {};
  let pos = 0;
  const padAt = (to: number) => {
    if (to > pos) {
      const p = pads.find((x) => x.off === base + pos);
      if (!p) throw new KvmkitError(`internal: gap at ${base + pos} is not a known hole`);
      fields[`${PAD_PREFIX}${base + pos}`] = new PaddingType(to - pos, p.key, sink);
      pos = to;
    }
  };
  for (const n of nodes) {
    padAt(n.off);
    let t: r.CodecType<any>;
    if (n.t === 'str') t = new CStringType(n.n, n.path, sink);
    else if (n.t === 'int') {
      const s = new ScalarType(n.size, n.signed, n.ptr, le, n.path);
      t = n.count === undefined ? s : new r.Array(s, n.count);
    } else {
      const mk = (i: number) => build(n.fields, n.size, base + n.off + i * n.size, pads, le, sink);
      t = n.count === undefined ? mk(0) : new r.Array(mk(0), n.count);
      if (n.count !== undefined && pads.some((p) => p.off >= base + n.off + n.size && p.off < base + n.off + n.count! * n.size)) {
        // Arrays of structs with holes would need per-element padding keys; no kinfo layout has one.
        throw new KvmkitError(`restructure codec: array of structs with padding (${n.path}) is not supported`);
      }
    }
    fields[n.name] = t;
    pos = n.off + (n.t === 'str' ? n.n : n.t === 'int' ? n.size * (n.count ?? 1) : n.size * (n.count ?? 1));
  }
  padAt(size);
  return new r.Struct(fields);
}

export interface RestructureCodec {
  decode(b: Uint8Array, offset?: number): KRecord;
  encode(rec: KRecord, out?: Uint8Array, offset?: number): Uint8Array;
  /** The r.Struct itself, typed loosely: restructure ships no declarations and ours (src/types) stay private to the build. */
  struct: { size(value?: unknown, parent?: unknown): number };
}

export function restructureCodec(layout: StructLayout): RestructureCodec {
  const plan = planFor(layout);
  let sink: StaleSink = {};
  const struct = build(plan.fields, layout.size, 0, plan.pads, plan.le, () => sink);
  return {
    struct,
    decode(b, offset = 0) {
      if (offset + layout.size > b.length) throw new KvmkitError(`a ${layout.size}-byte record does not fit`, { offset, struct: layout.struct });
      sink = {};
      const stream = new r.DecodeStream(b.subarray(offset, offset + layout.size));
      // Padding decodes to undefined, which restructure does not store, and its own bookkeeping
      // properties are non-enumerable: the decoded object already has the plain record shape.
      const rec = struct.decode(stream) as KRecord;
      if (sink.stale) {
        // Same key order as the fast codec: string tails in field order, then padding.
        const e = Object.entries(sink.stale);
        rec._stale = Object.fromEntries([...e.filter(([k]) => !k.startsWith('pad@')), ...e.filter(([k]) => k.startsWith('pad@'))]);
      }
      return rec;
    },
    encode(rec, out, offset = 0) {
      sink = { stale: rec._stale };
      const bytes = new Uint8Array(layout.size);
      const stream = new r.EncodeStream(bytes);
      struct.encode(stream, withPads(rec) as any);
      const b = out ?? new Uint8Array(layout.size);
      b.set(bytes, offset);
      return b;
    },
  };
}

/** restructure's Struct.encode visits only keys that have values; padding fields need a key. */
function withPads(rec: KRecord): KRecord {
  return new Proxy(rec, { get: (t, k) => (typeof k === 'string' && k.startsWith(PAD_PREFIX) ? 0 : wrap((t as any)[k])) }) as KRecord;
}
function wrap(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? withPads(v as KRecord) : Array.isArray(v) ? v.map(wrap) : v;
}
