import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planFor, type PlanNode } from '../src/codec/plan.ts';
import { ARCHES, archesFor, getLayout, revisionNames, type ArchName, type FieldLayout } from '../src/layout/index.ts';

/**
 * Generates src/codec/record-types.ts: one TypeScript type per (struct, revision) —
 * `KinfoProc_fbsd15<A>`, `KinfoProc32_fbsd14<A>` … — from the same codec plans the decoder runs,
 * so a field's TS type is exactly what decoding yields (the one integer rule of src/codec/values.ts:
 * numbers for integers of ≤ 4 bytes, bigint for 8-byte integers and every pointer, strings for char
 * arrays, nested objects for member structs). Where the C type's size differs by arch (`long`,
 * `time_t`, pointers in records), the type is a conditional on the arch parameter `A`.
 * `npx tsx dumps/record-types.ts` rewrites it; test/codec/record-types.test.ts fails when it is stale.
 */
export const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'codec', 'record-types.ts');

const STRUCTS = { kinfo_proc: 'KinfoProc', kinfo_proc32: 'KinfoProc32' } as const;

/** A node's TS type on one arch (nested structs by their generated name). */
function tsType(n: PlanNode, nested: (n: PlanNode & { t: 'struct' }) => string): string {
  const one = n.t === 'str' ? 'string' : n.t === 'struct' ? nested(n) : n.size === 8 || n.ptr ? 'bigint' : 'number';
  return n.t !== 'str' && n.count !== undefined ? `${one}[]` : one;
}

/** The C type name of the member at a dotted path (`ki_rusage.ru_utime` → `struct timeval`). */
function cTypeAt(fields: FieldLayout[], dotted: string): string {
  const [head, ...rest] = dotted.split('.');
  const f = fields.find((x) => x.name === head)!;
  return rest.length ? cTypeAt(f.type.struct!.fields, rest.join('.')) : f.type.cname.replace(/^struct /, '');
}

function pascal(s: string): string {
  return s.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** Per field: the TS type on each arch; merged into one type or an arch conditional. */
function merged(byArch: Map<ArchName, string>, arches: ArchName[]): string {
  const groups = new Map<string, ArchName[]>();
  for (const a of arches) groups.set(byArch.get(a)!, [...(groups.get(byArch.get(a)!) ?? []), a]);
  if (groups.size === 1) return [...groups.keys()][0];
  const entries = [...groups.entries()];
  let out = entries[entries.length - 1][0];
  for (let i = entries.length - 2; i >= 0; i--) out = `ByArch<A, ${entries[i][1].map((a) => `'${a}'`).join(' | ')}, ${entries[i][0]}, ${out}>`;
  return out;
}

export function generate(): string {
  const decls: string[] = [];
  // Member struct types are shared by every struct of a revision that holds them (struct timeval, sigset_t …).
  const emitted = new Map<string, string>();
  const bodies = new Map<string, string>();
  const mapEntries: string[] = [];
  for (const rev of revisionNames()) {
    for (const [struct, tname] of Object.entries(STRUCTS)) {
      const arches = archesFor(rev, struct);
      if (!arches.length) continue;
      const revId = rev.replace(/[^A-Za-z0-9]/g, '_');
      const name = `${tname}_${revId}`;
      const layouts = new Map(arches.map((a) => [a, getLayout(struct, a, rev)]));
      // Emit a struct type from the nodes at one path on every arch (nested first).
      const emit = (typeName: string, nodesByArch: Map<ArchName, PlanNode[]>, top: boolean): void => {
        const names = nodesByArch.get(arches[0])!.map((n) => n.name);
        const lines: string[] = [];
        for (const field of names) {
          const perArch = new Map<ArchName, string>();
          for (const a of arches) {
            const n = nodesByArch.get(a)!.find((x) => x.name === field);
            if (!n) throw new Error(`${struct} ${rev}: ${field} exists on ${arches[0]} but not on ${a}`);
            perArch.set(a, tsType(n, (s) => {
              const sub = `${pascal(cTypeAt(layouts.get(arches[0])!.fields, s.path))}_${revId}`;
              if (!emitted.has(sub)) {
                emitted.set(sub, struct);
                emit(sub, new Map(arches.map((b) => [b, (nodesByArch.get(b)!.find((x) => x.name === field) as PlanNode & { t: 'struct' }).fields])), false);
              }
              return `${sub}<A>`;
            }));
          }
          lines.push(`  ${field}: ${merged(perArch, arches)};`);
        }
        if (top) lines.push('  /** Bytes after a string\'s NUL and non-zero padding, as hex (what makes encode(decode(b)) == b). */', '  _stale?: Record<string, string>;');
        const body = lines.join('\n');
        if (!top && bodies.has(typeName) && bodies.get(typeName) !== body) throw new Error(`${typeName} differs between the structs of ${rev} that hold it`);
        bodies.set(typeName, body);
        decls.push(`/** ${top ? `struct ${struct}, revision ${rev} (${arches.join(', ')})` : `a member struct (${typeName.replace(/_[^_]*$/, '')}), revision ${rev}`}. */\nexport type ${typeName}<A extends ArchName = ArchName> = {\n${lines.join('\n')}\n};`);
      };
      emit(name, new Map(arches.map((a) => [a, planFor(layouts.get(a)!).fields])), true);
      mapEntries.push(`  '${struct}/${rev}': ${name}<A>;`);
    }
  }
  return [
    '// Generated by dumps/record-types.ts from layouts/ and the codec plans. Do not edit: run `npx tsx dumps/record-types.ts`.',
    "import type { ArchName } from '../layout/index.ts';",
    '',
    '/** `I` when the arch parameter is one of `In`, `O` when it is none of them, either when it is not known. */',
    'type ByArch<A extends ArchName, In extends ArchName, I, O> = [A] extends [In] ? I : [A] extends [Exclude<ArchName, In>] ? O : I | O;',
    '',
    ...decls.flatMap((d) => [d, '']),
    '/** Every generated record type by `struct/revision`. */',
    `export interface RecordTypes<A extends ArchName = ArchName> {\n${mapEntries.join('\n')}\n}`,
    '',
    `/** The arches these types cover. */`,
    `export const RECORD_TYPE_ARCHES = ${JSON.stringify(ARCHES)} as const;`,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(OUT, generate());
  process.stderr.write(`wrote ${OUT}\n`);
}
