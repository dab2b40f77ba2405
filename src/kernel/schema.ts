import { KvmkitError } from '../base/errors.ts';
import { previewValue } from '../base/preview.ts';

/**
 * A small declarative schema for scenario files: one description drives both the hand-written
 * validation (errors name the object and the field) and the JSON Schema file
 * dumps/scenarios/scenario.schema.json (`jsonSchema()`), so the two cannot drift apart.
 */

export type Sch =
  | { t: 'int'; min?: number; max?: number; doc?: string }
  | { t: 'u64'; doc?: string } // number or decimal/0x string, 0 … 2^64-1
  | { t: 'i64'; doc?: string }
  | { t: 'num'; min?: number; doc?: string } // number or "sec.usec" string
  | { t: 'str'; maxLen?: number; pattern?: string; doc?: string }
  | { t: 'bool'; doc?: string }
  | { t: 'null'; doc?: string }
  | { t: 'enum'; values: string[]; doc?: string }
  | { t: 'arr'; items: Sch; maxItems?: number; doc?: string }
  | { t: 'obj'; props: Record<string, Sch>; required?: string[]; doc?: string }
  | { t: 'any'; of: Sch[]; doc?: string }
  /** An object with exactly one of `verbs` as a key, plus the props allowed with that verb. */
  | { t: 'step'; verbs: Record<string, { value: Sch; props: Record<string, Sch>; required?: string[]; doc: string }>; doc?: string };

export class ScenarioError extends KvmkitError {}

const INT_RE = /^-?(0x[0-9a-fA-F]+|\d+)$/;

/** Validate `x` against `s`; `where` is the object ("proc 42", "tty pts/0"), `path` the field. */
export function validate(s: Sch, x: unknown, where: string, path: string, file?: string): void {
  const bad = (msg: string): never => {
    throw new ScenarioError(msg, { object: where, field: path || '(top level)', file });
  };
  const show = previewValue;
  switch (s.t) {
    case 'int':
      if (typeof x !== 'number' || !Number.isInteger(x)) bad(`expected an integer, got ${show(x)}`);
      if (s.min !== undefined && (x as number) < s.min) bad(`${x} is below the minimum ${s.min}`);
      if (s.max !== undefined && (x as number) > s.max) bad(`${x} is above the maximum ${s.max}`);
      return;
    case 'u64':
    case 'i64': {
      let v: bigint;
      if (typeof x === 'number' && Number.isSafeInteger(x)) v = BigInt(x);
      else if (typeof x === 'string' && INT_RE.test(x)) v = x.startsWith('-') ? -BigInt(x.slice(1)) : BigInt(x);
      else return bad(`expected an integer (number, or decimal/0x string for 64-bit values), got ${show(x)}`);
      if (s.t === 'u64' && (v < 0n || v >= 1n << 64n)) bad(`${x} is outside 0 … 2^64-1`);
      if (s.t === 'i64' && (v < -(1n << 63n) || v >= 1n << 63n)) bad(`${x} is outside the int64 range`);
      return;
    }
    case 'num': {
      const ok = (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && /^\d+(\.\d{1,6})?$/.test(x));
      if (!ok) bad(`expected seconds (a number, or "sec.usec"), got ${show(x)}`);
      if (s.min !== undefined && Number(x) < s.min) bad(`${x} is below the minimum ${s.min}`);
      return;
    }
    case 'str':
      if (typeof x !== 'string') bad(`expected a string, got ${show(x)}`);
      if (s.maxLen !== undefined && (x as string).length > s.maxLen) bad(`${show(x)} is longer than ${s.maxLen} characters`);
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(x as string)) bad(`${show(x)} does not match ${s.pattern}`);
      return;
    case 'bool':
      if (typeof x !== 'boolean') bad(`expected true or false, got ${show(x)}`);
      return;
    case 'null':
      if (x !== null) bad(`expected null, got ${show(x)}`);
      return;
    case 'enum':
      if (typeof x !== 'string' || !s.values.includes(x)) bad(`expected one of ${s.values.join(', ')}, got ${show(x)}`);
      return;
    case 'arr':
      if (!Array.isArray(x)) bad(`expected an array, got ${show(x)}`);
      if (s.maxItems !== undefined && (x as unknown[]).length > s.maxItems) bad(`at most ${s.maxItems} items, got ${(x as unknown[]).length}`);
      (x as unknown[]).forEach((e, i) => validate(s.items, e, where, `${path}[${i}]`, file));
      return;
    case 'obj': {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) bad(`expected an object, got ${show(x)}`);
      const o = x as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!(k in s.props) && k !== '$schema' && k !== '$comment') bad(`unknown field "${k}" (known: ${Object.keys(s.props).join(', ')})`.replace(/^/, ''));
      for (const r of s.required ?? []) if (o[r] === undefined) throw new ScenarioError(`required field is missing`, { object: where, field: path ? `${path}.${r}` : r, file });
      for (const [k, sub] of Object.entries(s.props)) if (o[k] !== undefined) validate(sub, o[k], where, path ? `${path}.${k}` : k, file);
      return;
    }
    case 'any': {
      const errs: string[] = [];
      for (const alt of s.of) {
        try {
          validate(alt, x, where, path, file);
          return;
        } catch (e) {
          errs.push((e as Error).message);
        }
      }
      bad(`no allowed form matches ${show(x)}`);
      return;
    }
    case 'step': {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) bad(`expected a step object, got ${show(x)}`);
      const o = x as Record<string, unknown>;
      const verbs = Object.keys(o).filter((k) => k in s.verbs);
      if (verbs.length !== 1) bad(`a step needs exactly one verb (${Object.keys(s.verbs).join(', ')}), got ${verbs.length ? verbs.join(' and ') : 'none'}`);
      const v = s.verbs[verbs[0]];
      for (const k of Object.keys(o)) if (k !== verbs[0] && !(k in v.props) && k !== '$comment') bad(`field "${k}" is not allowed with "${verbs[0]}" (allowed: ${Object.keys(v.props).join(', ') || 'none'})`);
      validate(v.value, o[verbs[0]], where, path ? `${path}.${verbs[0]}` : verbs[0], file);
      for (const r of v.required ?? []) if (o[r] === undefined) throw new ScenarioError('required field is missing', { object: where, field: path ? `${path}.${r}` : r, file });
      for (const [k, sub] of Object.entries(v.props)) if (o[k] !== undefined) validate(sub, o[k], where, path ? `${path}.${k}` : k, file);
      return;
    }
  }
}

/** The JSON Schema (draft 2020-12) equivalent of a description. */
export function jsonSchema(s: Sch): Record<string, unknown> {
  const d = (o: Record<string, unknown>) => (s.doc ? { description: s.doc, ...o } : o);
  switch (s.t) {
    case 'int':
      return d({ type: 'integer', ...(s.min !== undefined ? { minimum: s.min } : {}), ...(s.max !== undefined ? { maximum: s.max } : {}) });
    case 'u64':
    case 'i64':
      return d({ anyOf: [{ type: 'integer', ...(s.t === 'u64' ? { minimum: 0 } : {}) }, { type: 'string', pattern: s.t === 'u64' ? '^(0x[0-9a-fA-F]+|\\d+)$' : '^-?(0x[0-9a-fA-F]+|\\d+)$' }] });
    case 'num':
      return d({ anyOf: [{ type: 'number', ...(s.min !== undefined ? { minimum: s.min } : {}) }, { type: 'string', pattern: '^\\d+(\\.\\d{1,6})?$' }] });
    case 'str':
      return d({ type: 'string', ...(s.maxLen !== undefined ? { maxLength: s.maxLen } : {}), ...(s.pattern ? { pattern: s.pattern } : {}) });
    case 'bool':
      return d({ type: 'boolean' });
    case 'null':
      return d({ type: 'null' });
    case 'enum':
      return d({ enum: s.values });
    case 'arr':
      return d({ type: 'array', items: jsonSchema(s.items), ...(s.maxItems !== undefined ? { maxItems: s.maxItems } : {}) });
    case 'obj':
      return d({
        type: 'object',
        properties: { ...Object.fromEntries(Object.entries(s.props).map(([k, v]) => [k, jsonSchema(v)])) },
        ...(s.required?.length ? { required: s.required } : {}),
        additionalProperties: false,
        patternProperties: { '^\\$(schema|comment)$': {} },
      });
    case 'any':
      return d({ anyOf: s.of.map(jsonSchema) });
    case 'step':
      return d({
        oneOf: Object.entries(s.verbs).map(([verb, v]) => ({
          description: v.doc,
          type: 'object',
          properties: { [verb]: jsonSchema(v.value), ...Object.fromEntries(Object.entries(v.props).map(([k, p]) => [k, jsonSchema(p)])), $comment: {} },
          required: [verb, ...(v.required ?? [])],
          additionalProperties: false,
        })),
      });
  }
}
