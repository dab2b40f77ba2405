import type { ExportMember, ExportModel, ExportStruct } from './model.ts';

/** Python: ctypes structures of the target's byte order, `_pack_ = 1` with explicit padding, asserts at import. */
function pyType(m: ExportMember): string {
  const one = m.kind === 'int' ? `ctypes.c_${m.signed ? '' : 'u'}int${m.size * 8}` : m.kind === 'struct' ? m.struct : 'ctypes.c_uint8';
  if (m.kind === 'pad') return `ctypes.c_uint8 * ${m.size}`;
  if (m.kind === 'string') return `ctypes.c_char * ${m.count}`;
  return m.count !== undefined ? `${one} * ${m.count}` : one;
}

function struct(s: ExportStruct, base: string): string {
  const fields = s.members.map((m) => `        ("${m.name}", ${pyType(m)}),${m.kind !== 'pad' ? `  # ${m.offset}: ${m.ctype}` : ''}`);
  return `class ${s.name}(${base}):\n    _pack_ = 1\n    _fields_ = [\n${fields.join('\n')}\n    ]`;
}

function asserts(s: ExportStruct): string[] {
  return [`assert ctypes.sizeof(${s.name}) == ${s.size}`, ...s.members.filter((m) => m.kind !== 'pad').map((m) => `assert ${s.name}.${m.name}.offset == ${m.offset}`)];
}

export function renderPython(x: ExportModel, header: string[]): string {
  const base = x.littleEndian ? 'ctypes.LittleEndianStructure' : 'ctypes.BigEndianStructure';
  return [...header.map((l) => `# ${l}`), 'import ctypes', '', ...x.structs.flatMap((s) => [struct(s, base), '', '']), ...x.structs.flatMap(asserts), ''].join('\n');
}
