import type { ExportMember, ExportModel, ExportStruct } from './model.ts';

/** C: packed structs with explicit padding, `_Static_assert` on sizeof and every field's offsetof. */
const prefix = (s: string) => `kvmkit_${s}`;

function cType(m: ExportMember): string {
  switch (m.kind) {
    case 'int': return `${m.signed ? '' : 'u'}int${m.size * 8}_t`;
    case 'string': return 'char';
    case 'struct': return `struct ${prefix(m.struct)}`;
    case 'pad': return 'uint8_t';
  }
}

function dims(m: ExportMember): string {
  if (m.kind === 'pad') return `[${m.size}]`;
  if (m.kind === 'string') return `[${m.count}]`;
  return m.count !== undefined ? `[${m.count}]` : '';
}

function struct(s: ExportStruct): string {
  const body = s.members.map((m) => `\t${cType(m)} ${m.name}${dims(m)};${m.kind !== 'pad' ? ` /* ${m.offset}: ${m.ctype} */` : ''}`);
  return `struct ${prefix(s.name)} {\n${body.join('\n')}\n} __attribute__((packed));`;
}

function asserts(s: ExportStruct): string[] {
  const t = `struct ${prefix(s.name)}`;
  return [
    `_Static_assert(sizeof(${t}) == ${s.size}, "sizeof(${s.cname})");`,
    ...s.members.filter((m) => m.kind !== 'pad').map((m) => `_Static_assert(offsetof(${t}, ${m.name}) == ${m.offset}, "${m.name}");`),
  ];
}

export function renderC(x: ExportModel, header: string[]): string {
  return [
    ...header.map((l) => `/* ${l} */`),
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    ...x.structs.flatMap((s) => [struct(s), '']),
    ...x.structs.flatMap((s) => [...asserts(s), '']),
  ].join('\n');
}
