import { KvmkitError, clipText } from '../base/errors.ts';
import { previewValue } from '../base/preview.ts';
import type { StructLayout } from '../layout/index.ts';
import { planFor, type PlanNode } from './plan.ts';
import type { KRecord, Value } from './values.ts';

/**
 * The `--json` contract: objects keyed by C field names, nested structs as objects, arrays as
 * arrays; pointers as "0x…" hex strings; other 64-bit integers as numbers when exact (|v| < 2^53),
 * else as decimal strings. `_stale` (bytes after string NULs, non-zero padding) is carried along
 * so that `encode` of the JSON gives the same bytes back.
 */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function nodeToJson(n: PlanNode, v: Value): unknown {
  if (n.t === 'str') return v;
  if (n.t === 'struct') {
    if (n.count !== undefined) return (v as KRecord[]).map((x) => objToJson(n.fields, x));
    return objToJson(n.fields, v as KRecord);
  }
  const conv = (x: Value) => {
    if (typeof x !== 'bigint') return x;
    if (n.ptr) return '0x' + BigInt.asUintN(n.size * 8, x).toString(16);
    return x <= SAFE && x >= -SAFE ? Number(x) : x.toString();
  };
  return n.count !== undefined ? (v as Value[]).map(conv) : conv(v);
}

function objToJson(nodes: PlanNode[], r: KRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of nodes) out[n.name] = nodeToJson(n, r[n.name] as Value);
  return out;
}

export function recordToJson(layout: StructLayout, r: KRecord): Record<string, unknown> {
  const out = objToJson(planFor(layout).fields, r);
  if (r._stale && Object.keys(r._stale).length) out._stale = r._stale;
  return out;
}

/** A JSON value as an error shows it: its kind and a short prefix, never the input echoed back (src/base/preview.ts). */
function shown(x: unknown): string {
  return x === undefined ? 'nothing (field missing)' : previewValue(x);
}

function scalarFromJson(n: Extract<PlanNode, { t: 'int' }>, x: unknown, path: string, rec: number | undefined): number | bigint {
  const big = n.ptr || n.size === 8;
  if (typeof x === 'string') {
    if (!/^(0x[0-9a-fA-F]+|-?\d+)$/.test(x)) throw new KvmkitError(`"${clipText(x)}" is not an integer (decimal or 0x hex)`, { field: path, record: rec });
    const v = BigInt(x);
    return big ? v : Number(v);
  }
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) throw new KvmkitError(`${x} is not an integer`, { field: path, record: rec });
    return big ? BigInt(x) : x;
  }
  throw new KvmkitError(`expected an integer, got ${shown(x)}`, { field: path, record: rec });
}

function objFromJson(nodes: PlanNode[], o: unknown, prefix: string, rec: number | undefined): KRecord {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new KvmkitError('expected an object', { field: prefix || '(record)', record: rec });
  const src = o as Record<string, unknown>;
  const out: KRecord = {};
  const known = new Set(nodes.map((n) => n.name));
  for (const k of Object.keys(src)) if (!known.has(k) && !(prefix === '' && k === '_stale')) throw new KvmkitError(`unknown field ${clipText(prefix + k)}`, { field: clipText(prefix + k), record: rec });
  for (const n of nodes) {
    const path = prefix + n.name;
    const x = src[n.name];
    if (n.t === 'str') {
      if (typeof x !== 'string') throw new KvmkitError(`expected a string, got ${shown(x)}`, { field: path, record: rec });
      out[n.name] = x;
    } else if (n.t === 'int') {
      if (n.count === undefined) out[n.name] = scalarFromJson(n, x, path, rec);
      else {
        if (!Array.isArray(x) || x.length !== n.count) throw new KvmkitError(`expected an array of ${n.count}, got ${Array.isArray(x) ? `an array of ${x.length}` : shown(x)}`, { field: path, record: rec });
        out[n.name] = x.map((e, i) => scalarFromJson(n, e, `${path}[${i}]`, rec));
      }
    } else if (n.count === undefined) out[n.name] = objFromJson(n.fields, x, path + '.', rec);
    else {
      if (!Array.isArray(x) || x.length !== n.count) throw new KvmkitError(`expected an array of ${n.count}, got ${Array.isArray(x) ? `an array of ${x.length}` : shown(x)}`, { field: path, record: rec });
      out[n.name] = x.map((e, i) => objFromJson(n.fields, e, `${path}[${i}].`, rec));
    }
  }
  return out;
}

export function recordFromJson(layout: StructLayout, json: unknown, record?: number): KRecord {
  const r = objFromJson(planFor(layout).fields, json, '', record);
  const st = (json as Record<string, unknown>)._stale;
  if (st !== undefined) {
    if (st === null || typeof st !== 'object') throw new KvmkitError('_stale must be an object of hex strings', { field: '_stale', record });
    r._stale = st as Record<string, string>;
  }
  return r;
}

/** A record of all zeros in typed form (what `memset(&kp, 0, sizeof(kp))` gives). */
export function zeroRecord(layout: StructLayout): KRecord {
  const z = (nodes: PlanNode[]): KRecord => {
    const o: KRecord = {};
    for (const n of nodes) {
      if (n.t === 'str') o[n.name] = '';
      else if (n.t === 'int') {
        const v = n.ptr || n.size === 8 ? 0n : 0;
        o[n.name] = n.count === undefined ? v : Array(n.count).fill(v);
      } else o[n.name] = n.count === undefined ? z(n.fields) : Array.from({ length: n.count }, () => z(n.fields));
    }
    return o;
  };
  return z(planFor(layout).fields);
}
