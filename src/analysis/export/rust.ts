import type { ExportMember, ExportModel, ExportStruct } from './model.ts';

/** Rust: `#[repr(C, packed)]` with explicit padding; compile-time asserts with `offset_of!`. */
const typeName = (s: string) => s.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

function rType(m: ExportMember): string {
  const one = m.kind === 'int' ? `${m.signed ? 'i' : 'u'}${m.size * 8}` : m.kind === 'struct' ? typeName(m.struct) : 'u8';
  if (m.kind === 'pad') return `[u8; ${m.size}]`;
  if (m.kind === 'string') return `[u8; ${m.count}]`;
  return m.count !== undefined ? `[${one}; ${m.count}]` : one;
}

function struct(s: ExportStruct): string {
  const body = s.members.map((m) => `    pub ${m.name}: ${rType(m)},${m.kind !== 'pad' ? ` // ${m.offset}: ${m.ctype}` : ''}`);
  return `#[repr(C, packed)]\n#[derive(Clone, Copy)]\npub struct ${typeName(s.name)} {\n${body.join('\n')}\n}`;
}

function asserts(s: ExportStruct): string[] {
  const t = typeName(s.name);
  return [
    `const _: () = assert!(core::mem::size_of::<${t}>() == ${s.size});`,
    ...s.members.filter((m) => m.kind !== 'pad').map((m) => `const _: () = assert!(core::mem::offset_of!(${t}, ${m.name}) == ${m.offset});`),
  ];
}

export function renderRust(x: ExportModel, header: string[]): string {
  return [...header.map((l) => `// ${l}`), '#![allow(non_camel_case_types, dead_code)]', '', ...x.structs.flatMap((s) => [struct(s), '']), ...x.structs.flatMap((s) => [...asserts(s), ''])].join('\n');
}
