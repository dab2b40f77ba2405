import fc from 'fast-check';

/**
 * Mutations, as fast-check arbitraries so that every case is replayable from (seed, index). Binary
 * inputs get truncations, bit flips, header-ish integer fields set to 0 / huge / negative, and wild or
 * cyclic pointers (kernel-looking values replaced by other ones found in the same file); JSON inputs
 * get values of the wrong type, huge and negative numbers, deep nesting and missing keys.
 */
const INTERESTING32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff4, 0xffffffff, 0x40000000, 0x10000];
const INTERESTING64 = [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x140000000n, 0xfffff80000000000n, 0xffffffff80000000n, 0xdeadbeefdeadbeefn];

export type BinOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'u32'; at: number; v: number; be: boolean }
  | { op: 'u64'; at: number; v: bigint }
  | { op: 'pointer'; which: number; to: number | 'zero' | 'self' | 'wild' }
  | { op: 'zeros'; at: number; len: number };

// A uniform fraction (fc.double favours extremes, which would put nearly every offset at 0).
const frac = fc.integer({ min: 0, max: 2 ** 30 - 1 }).map((x) => x / 2 ** 30);
/** Offsets favour the first 64 KiB, where the headers and tables are. */
const where = fc.tuple(fc.boolean(), frac);

export const binOp: fc.Arbitrary<BinOp> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: frac }),
  fc.record({ op: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('u32' as const), at: frac, v: fc.constantFrom(...INTERESTING32), be: fc.boolean() }),
  fc.record({ op: fc.constant('u64' as const), at: frac, v: fc.constantFrom(...INTERESTING64) }),
  fc.record({ op: fc.constant('pointer' as const), which: frac, to: fc.oneof(frac, fc.constantFrom('zero' as const, 'self' as const, 'wild' as const)) }),
  fc.record({ op: fc.constant('zeros' as const), at: frac, len: fc.integer({ min: 1, max: 4096 }) }),
).chain((op) => ('at' in op ? where.map(([head, f]) => ({ ...op, at: head ? f * 0x10000 : -f } as BinOp)) : fc.constant(op)));

/** Aligned 8-byte little-endian values that look like amd64/arm64 kernel pointers: where pointer mutations strike. */
export function kernelPointers(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let o = 0; o + 8 <= b.length; o += 8) if (dv.getUint16(o + 6, true) === 0xffff && dv.getUint32(o, true) !== 0xffffffff) out.push(o);
  return out;
}

function offsetOf(at: number, len: number): number {
  if (len === 0) return 0;
  return at >= 0 ? Math.min(len - 1, Math.floor(at)) : Math.floor(-at * len);
}

export function applyBin(src: Uint8Array, ops: BinOp[], pointers: number[]): Uint8Array {
  let b = new Uint8Array(src);
  for (const o of ops) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    switch (o.op) {
      case 'truncate': b = b.slice(0, offsetOf(o.at, b.length)); break;
      case 'flip': if (b.length) b[offsetOf(o.at, b.length)] ^= 1 << o.bit; break;
      case 'u32': { const at = offsetOf(o.at, b.length) & ~3; if (at + 4 <= b.length) dv.setUint32(at, o.v >>> 0, !o.be); break; }
      case 'u64': { const at = offsetOf(o.at, b.length) & ~7; if (at + 8 <= b.length) dv.setBigUint64(at, o.v, true); break; }
      case 'zeros': { const at = offsetOf(o.at, b.length); b.fill(0, at, Math.min(b.length, at + o.len)); break; }
      case 'pointer': {
        const ps = pointers.filter((p) => p + 8 <= b.length);
        if (!ps.length) break;
        const at = ps[Math.floor(o.which * ps.length)];
        let v: bigint;
        if (o.to === 'zero') v = 0n;
        else if (o.to === 'self') v = dv.getBigUint64(at, true) - 8n; // a list entry pointing into itself
        else if (o.to === 'wild') v = 0xfffff80000000000n + BigInt(at) * 4096n;
        else v = dv.getBigUint64(ps[Math.floor(o.to * ps.length)], true); // another object's pointer: cycles
        dv.setBigUint64(at, BigInt.asUintN(64, v), true);
        break;
      }
    }
  }
  return b;
}

export const binMutation = fc.array(binOp, { minLength: 1, maxLength: 6 });

// ---- JSON ----

export type JsonOp = { path: number[]; value: JsonValue | { deep: number } | 'delete' };
type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

const weird: fc.Arbitrary<JsonOp['value']> = fc.oneof(
  fc.constantFrom<JsonOp['value']>(null, true, 0, -1, 1e9, 2 ** 53, -(2 ** 63), 1e308, 0.5, 'x', '', '0xffffffffffffffffff', '-1', [], {}, [1, 2, 3], 'delete'),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
  fc.string({ maxLength: 20 }),
  fc.record({ deep: fc.integer({ min: 1, max: 100000 }) }),
);

export const jsonMutation = fc.array(fc.record({ path: fc.array(frac, { minLength: 1, maxLength: 6 }), value: weird }), { minLength: 1, maxLength: 5 })
  .map((ops) => ops.map((o) => ({ path: o.path.map((f) => Math.floor(f * 1e6)), value: o.value })) as JsonOp[]);

function deep(n: number): JsonValue {
  let v: JsonValue = [];
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Apply ops to a parsed JSON document: each op walks its path (child index mod the child count) and replaces or deletes. */
export function applyJson(doc: JsonValue, ops: JsonOp[]): JsonValue {
  const root = structuredClone(doc) as JsonValue;
  let out: JsonValue = root;
  for (const o of ops) {
    const value = typeof o.value === 'object' && o.value !== null && 'deep' in o.value && typeof o.value.deep === 'number' ? deep(o.value.deep) : o.value;
    let parent: JsonValue | undefined;
    let key: string | number | undefined;
    let cur: JsonValue = out;
    for (const step of o.path) {
      if (cur === null || typeof cur !== 'object') break;
      const keys: (string | number)[] = Array.isArray(cur) ? cur.map((_x, i) => i) : Object.keys(cur);
      if (!keys.length) break;
      parent = cur;
      key = keys[step % keys.length];
      cur = (cur as Record<string | number, JsonValue>)[key];
    }
    if (parent === undefined || key === undefined) {
      if (value !== 'delete') out = value as JsonValue;
      continue;
    }
    if (value === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, JsonValue>)[key as string];
    } else (parent as Record<string | number, JsonValue>)[key] = value as JsonValue;
  }
  return out;
}

class Tok {
  constructor(readonly s: string) {}
}

/** JSON.stringify without recursion limits for the deep values we build (iterative writer). */
export function writeJson(v: JsonValue): string {
  const parts: string[] = [];
  const stack: (JsonValue | Tok)[] = [v];
  while (stack.length) {
    const x = stack.pop()!;
    if (x instanceof Tok) parts.push(x.s);
    else if (Array.isArray(x)) {
      parts.push('[');
      stack.push(new Tok(']'));
      for (let i = x.length - 1; i >= 0; i--) {
        stack.push(x[i]);
        if (i) stack.push(new Tok(','));
      }
    } else if (x !== null && typeof x === 'object') {
      parts.push('{');
      stack.push(new Tok('}'));
      const ks = Object.keys(x);
      for (let i = ks.length - 1; i >= 0; i--) {
        stack.push(x[ks[i]]);
        stack.push(new Tok(`${JSON.stringify(ks[i])}:`));
        if (i) stack.push(new Tok(','));
      }
    } else parts.push(JSON.stringify(x));
  }
  return parts.join('');
}
