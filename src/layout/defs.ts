import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KvmkitError } from '../base/errors.ts';
import { previewValue } from '../base/preview.ts';

/**
 * Loading of the declarative definitions in layouts/. Nothing here knows an offset: it reads ABI
 * facts, typedef chains, struct bodies (C member declarations) and asserted sizes.
 */
export const LAYOUTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../layouts');

export const ARCHES = ['amd64', 'i386', 'arm64', 'armv7', 'powerpc', 'powerpc64', 'powerpc64le', 'riscv64'] as const;
export type ArchName = (typeof ARCHES)[number];

export interface ArchDef {
  endian: 'little' | 'big';
  charSigned: boolean;
  model: 'ILP32' | 'LP64';
  elfMachine: number;
  /** The 32-bit arch whose native records this 64-bit arch's kinfo_proc32 reproduces. */
  compat32?: ArchName;
  types: Record<string, [number, number]>;
}

export interface AssertedSizes { macro: string; sizes: Partial<Record<ArchName, number>> }

/** A revision: its constants, struct bodies and the sizes its headers assert. */
export interface RevisionDef {
  revision: string;
  /** The revision this one is reviewed against by `abi-check` (spare-field rule). */
  base?: string;
  /** What this revision changes against its base, in a few words (labels abi-diff changes). */
  change?: string;
  constants: Record<string, number>;
  structs: Record<string, string[]>;
  asserted: Record<string, AssertedSizes>;
  /** Which kernel-struct layout set (layouts/kernel/<name>.json) describes this revision's kernel. */
  kernel?: string;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new KvmkitError(`cannot read layout definition: ${(e as Error).message}`, { file });
  }
}

let archCache: Record<ArchName, ArchDef> | undefined;
export function archDefs(): Record<ArchName, ArchDef> {
  return (archCache ??= readJson<{ arches: Record<ArchName, ArchDef> }>(path.join(LAYOUTS_DIR, 'arches.json')).arches);
}

export function isArch(a: string): a is ArchName {
  return (ARCHES as readonly string[]).includes(a);
}

export function archDef(arch: string): ArchDef {
  if (!isArch(arch)) throw new KvmkitError(`unknown arch "${arch}" (known: ${ARCHES.join(', ')})`, { arch });
  return archDefs()[arch];
}

interface TypedefFile { common: Record<string, string>; ILP32: Record<string, string>; LP64: Record<string, string>; arches: Partial<Record<ArchName, Record<string, string>>> }
let typedefCache: TypedefFile | undefined;
/** The typedef table in force for an arch: common, then data model, then the arch's own overrides. */
export function typedefsFor(arch: ArchName): Record<string, string> {
  typedefCache ??= readJson<TypedefFile>(path.join(LAYOUTS_DIR, 'typedefs.json'));
  const t = typedefCache;
  return { ...t.common, ...t[archDefs()[arch].model], ...(t.arches[arch] ?? {}) };
}

interface CommonStructs { constants: Record<string, number>; structs: Record<string, string[]> }
let commonCache: CommonStructs | undefined;
export function commonStructs(): CommonStructs {
  return (commonCache ??= readJson<CommonStructs>(path.join(LAYOUTS_DIR, 'structs.json')));
}

const revCache = new Map<string, RevisionDef>();
export function revisionNames(): string[] {
  const dir = path.join(LAYOUTS_DIR, 'revisions');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  // Oldest first: a revision comes after its base.
  const defs = new Map(names.map((n) => [n, loadRevision(n)]));
  const order: string[] = [];
  const visit = (n: string) => {
    if (order.includes(n)) return;
    const b = defs.get(n)?.base;
    if (b && defs.has(b)) visit(b);
    order.push(n);
  };
  names.sort().forEach(visit);
  return order;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A revision file's shape, checked before the engine walks it: a proposed header change given as
 * `--to rev.json` is user input, and a wrong type must be an error naming the key, not a TypeError.
 */
export function validateRevision(json: unknown, file: string): RevisionDef {
  const bad = (what: string, field: string): never => {
    throw new KvmkitError(`revision file: ${what}`, { file, field });
  };
  if (!isObject(json)) bad('expected a JSON object', '(top level)');
  const j = json as Record<string, unknown>;
  if (typeof j.revision !== 'string' || !j.revision) bad('"revision" must be a non-empty string', 'revision');
  for (const k of ['base', 'kernel'] as const) if (j[k] !== undefined && typeof j[k] !== 'string') bad(`"${k}" must be a string`, k);
  if (j.constants === undefined) j.constants = {};
  if (!isObject(j.constants)) bad('"constants" must be an object of integers', 'constants');
  for (const [k, v] of Object.entries(j.constants as object)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(`constant ${k} must be an integer, not ${previewValue(v)}`, `constants.${k}`);
  }
  if (!isObject(j.structs)) bad('"structs" must be an object of member-declaration arrays', 'structs');
  for (const [k, v] of Object.entries(j.structs as object)) {
    if (!Array.isArray(v) || v.some((d) => typeof d !== 'string')) bad(`struct ${k} must be an array of C member declarations (strings)`, `structs.${k}`);
  }
  if (j.asserted === undefined) j.asserted = {};
  if (!isObject(j.asserted)) bad('"asserted" must be an object', 'asserted');
  for (const [k, v] of Object.entries(j.asserted as object)) {
    if (!isObject(v) || typeof v.macro !== 'string' || !isObject(v.sizes)) bad(`asserted.${k} must be { macro, sizes }`, `asserted.${k}`);
    for (const [a, n] of Object.entries((v as { sizes: object }).sizes)) {
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) bad(`asserted size of ${k} on ${a} must be a byte count`, `asserted.${k}.sizes.${a}`);
    }
  }
  return j as unknown as RevisionDef;
}

export function loadRevision(name: string): RevisionDef {
  const hit = revCache.get(name);
  if (hit) return hit;
  const file = path.join(LAYOUTS_DIR, 'revisions', `${name}.json`);
  if (!fs.existsSync(file)) {
    const known = fs.readdirSync(path.join(LAYOUTS_DIR, 'revisions')).map((f) => f.replace(/\.json$/, ''));
    throw new KvmkitError(`unknown revision "${name}" (known: ${known.join(', ')})`, { revision: name });
  }
  const def = validateRevision(readJson<unknown>(file), file);
  revCache.set(name, def);
  return def;
}
