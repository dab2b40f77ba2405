import type { CommandModule } from 'yargs';
import { ARCHES, archesFor, getLayout, holes, KERNEL_STRUCTS, kernelLayouts, revisionNames, type KernelStruct, type StructLayout } from '../../layout/index.ts';
import { printJson } from '../output.ts';
import { UsageError } from '../../base/errors.ts';
import { openTypes, structLayoutFromGraph, type TypeSource } from '../../debuginfo/index.ts';
import { EXIT_ERROR } from '../exit.ts';
import { EXPORT_LANGS, exportLayout } from '../../analysis/export/index.ts';

const STRUCTS = ['kinfo_proc', 'kinfo_proc32', ...KERNEL_STRUCTS];

/** A bit-field's position, in the JSON of fields and leaves (layouts read from CTF/DWARF only). */
const bits = (b: { bitOffset: number; bitSize: number } | undefined) => (b ? { bitOffset: b.bitOffset, bitSize: b.bitSize } : {});

export function layoutJson(l: StructLayout, source?: TypeSource) {
  return {
    struct: l.struct,
    arch: l.arch,
    revision: l.revision,
    size: l.size,
    align: l.align,
    ctassert: l.ctassert ? { expected: l.ctassert.expected, holds: l.ctassert.holds } : null,
    fields: l.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size, type: f.isString ? 'char' : f.type.cname, ...(f.count !== undefined ? { count: f.count } : {}), ...(f.dims ? { dims: f.dims } : {}), ...bits(f.bitField) })),
    leaves: l.leaves().map((x) => ({ path: x.path, offset: x.offset, size: x.size, type: x.type, ...(x.count !== undefined ? { count: x.count } : {}), ...bits(x.bitField) })),
    ...(source ? { source } : {}),
  };
}

/** pahole-style listing: members with offset/size, holes and padding called out, totals at the end. */
export function layoutText(l: StructLayout): string {
  const lines: string[] = [];
  const hs = holes(l);
  lines.push(`${l.isUnion ? 'union' : 'struct'} ${l.struct} {    /* ${l.arch}, ${l.revision} */`);
  let padTotal = 0;
  const emit = (fields: StructLayout['fields'], base: number, indent: string) => {
    for (const f of fields) {
      const dims = f.dims ? f.dims.map((d) => `[${d}]`).join('') : f.count !== undefined ? `[${f.count}]` : '';
      const decl = `${f.isString ? 'char' : f.type.cname}${f.type.cname.endsWith('*') ? '' : ' '}${f.name}${dims}${f.bitField ? `:${f.bitField.bitSize}` : ''};`;
      // A bit-field also says its first bit within its byte, as pahole does.
      const where = f.bitField ? `${String(base + f.offset).padStart(5)}:${f.bitField.bitOffset % 8}` : String(base + f.offset).padStart(5);
      lines.push(`${indent}${decl.padEnd(44 - indent.length)} /* ${where} ${String(f.size).padStart(5)} */`);
      const start = base + f.offset;
      // The bytes the member covers: a bit-field only those its bits fall in.
      const span = f.bitField ? Math.ceil((f.bitField.bitOffset + f.bitField.bitSize) / 8) - f.offset : f.size;
      // Padding inside this member (a nested struct's holes and tail), shown where it lies.
      for (const h of hs) if (h.offset >= start && h.offset < start + span) {
        lines.push(`${indent}    /* XXX ${h.size} byte${h.size > 1 ? 's' : ''} of padding at ${h.offset} (${h.kind === 'tail' ? 'tail of ' + h.path.replace(/\.\(tail\)$/, '') : 'before ' + h.path}) */`);
      }
      for (const h of hs) if (h.offset === start + span && h.kind === 'padding' && h.after === f.name) {
        lines.push(`${indent}/* XXX ${h.size} byte hole, try to pack */`);
      }
    }
  };
  emit(l.fields, 0, '\t');
  for (const h of hs) padTotal += h.size;
  for (const h of hs) if (h.kind === 'tail' && !h.path.includes('.')) lines.push(`\t/* ${h.size} bytes of tail padding */`);
  lines.push('');
  lines.push(`\t/* size: ${l.size}, members: ${l.fields.length}, holes+padding: ${padTotal} bytes, align: ${l.align} */`);
  if (l.ctassert) lines.push(`\t/* CTASSERT(sizeof == ${l.ctassert.macro} ${l.ctassert.expected}): ${l.ctassert.holds ? 'holds' : 'FAILS'} */`);
  lines.push('};');
  return lines.join('\n');
}

export const command: CommandModule = {
  command: 'layout <action> [struct]',
  describe: 'List or show the computed layouts of kinfo_proc / kinfo_proc32 (every arch and revision)',
  builder: (y) =>
    y
      .positional('action', { choices: ['list', 'show', 'export'] as const, describe: 'list: every (struct, arch, revision); show: one layout, pahole-style; export: a C/Go/Rust/Python definition with explicit padding and static asserts' })
      .positional('struct', { type: 'string', describe: `struct to show: ${STRUCTS.join(' or ')}, or with --types any struct or union of the file` })
      .option('types', { type: 'string', describe: "read the layouts from this ELF file's own types (CTF .SUNW_ctf, else DWARF .debug_info: a kernel, kernel.debug, module or object)" })
      .option('arch', { type: 'string', choices: [...ARCHES], describe: 'architecture (show)' })
      .option('rev', { type: 'string', describe: `revision (show): ${revisionNames().join(', ')}` })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('struct', { type: 'string', describe: 'struct (export; the same as the positional)' })
      .option('lang', { type: 'string', choices: [...EXPORT_LANGS], describe: 'language (export)' })
      .example('$0 layout list', 'every layout with its size and CTASSERT verdict')
      .example('$0 layout show kinfo_proc --arch armv7 --rev fbsd15', 'offsets, holes and padding on armv7')
      .example('$0 layout show proc --types /usr/lib/debug/boot/kernel/kernel.debug', 'struct proc as the kernel was compiled (arch from the ELF header)')
      .example('$0 layout list --types kernel.debug --json', 'every named struct and union of the file with its size')
      .example('$0 layout export --lang c --struct kinfo_proc --arch amd64 --rev fbsd15', 'a packed C struct with explicit padding and _Static_assert on sizeof/offsetof')
      .example('$0 layout export --lang python --struct kinfo_proc32 --arch amd64 --rev fbsd14', 'ctypes structures, asserted at import')
      .example('$0 layout show kinfo_proc32 --arch amd64 --rev fbsd15-reaper --json', 'the JSON contract: struct, arch, revision, size, align, ctassert, fields, leaves'),
  handler: (a) => {
    if (a.types !== undefined) return fromTypes(a.action as string, a.struct as string | undefined, a.types as string, a.json as boolean, a.arch as string | undefined);
    if (a.action === 'list') {
      const rows = [];
      for (const rev of revisionNames()) for (const s of STRUCTS) for (const arch of archesFor(rev, s)) {
        const l = getLayout(s, arch, rev, { enforce: false });
        rows.push({ struct: s, arch, revision: rev, size: l.size, align: l.align, ctassert: l.ctassert ? { macro: l.ctassert.macro, expected: l.ctassert.expected, holds: l.ctassert.holds } : null });
      }
      if (a.json) printJson(rows);
      else {
        process.stdout.write(`${'STRUCT'.padEnd(14)}${'ARCH'.padEnd(13)}${'REVISION'.padEnd(15)}${'SIZE'.padStart(6)}  CTASSERT\n`);
        for (const r of rows) process.stdout.write(`${r.struct.padEnd(14)}${r.arch.padEnd(13)}${r.revision.padEnd(15)}${String(r.size).padStart(6)}  ${r.ctassert ? `${r.ctassert.macro} ${r.ctassert.expected}: ${r.ctassert.holds ? 'holds' : 'FAILS'}` : '-'}\n`);
      }
      if (rows.some((r) => r.ctassert && !r.ctassert.holds)) process.exitCode = EXIT_ERROR;
      return;
    }
    if (a.action === 'export') {
      const struct = a.struct as string | undefined;
      if (!struct || !a.arch || !a.rev || !a.lang) throw new UsageError('layout export needs --lang, --struct, --arch and --rev');
      process.stdout.write(exportLayout(getLayout(struct, a.arch as string, a.rev as string), a.lang as string));
      return;
    }
    if (!a.struct || !a.arch || !a.rev) throw new UsageError('layout show needs <struct>, --arch and --rev (or <struct> and --types <elf>)');
    if (!STRUCTS.includes(a.struct as string)) throw new UsageError(`layout show without --types knows ${STRUCTS.join(', ')}, not ${a.struct}`);
    // A kernel struct: the revision's kernel layout set (layouts/kernel/<set>.json), with its unverified bodies named.
    const kernel = (KERNEL_STRUCTS as readonly string[]).includes(a.struct as string) ? kernelLayouts(a.arch as string, a.rev as string) : undefined;
    const l = kernel ? kernel.structs[a.struct as KernelStruct] : getLayout(a.struct as string, a.arch as string, a.rev as string, { enforce: false });
    if (kernel && Object.keys(kernel.unverified).length) process.stderr.write(`note: kernel set ${kernel.set}: unverified (not read from the release's headers): ${Object.keys(kernel.unverified).join(', ')}\n`);
    if (a.json) printJson(kernel ? { ...layoutJson(l), kernelSet: kernel.set, unverified: kernel.unverified } : layoutJson(l));
    else process.stdout.write(layoutText(l) + '\n');
    if (l.ctassert && !l.ctassert.holds) process.exitCode = EXIT_ERROR;
  },
};

/** `layout list|show --types <elf>`: the layouts a file's own types give (arch from its ELF header). */
function fromTypes(action: string, struct: string | undefined, file: string, json: boolean, arch: string | undefined): void {
  if (arch !== undefined) throw new UsageError('--arch does not apply with --types: the arch is the ELF file\'s own');
  const { graph, arch: elfArch } = openTypes(file);
  if (action === 'list') {
    const rows = [...graph.structNames()].map((s) => ({ name: s.name, kind: s.kind, size: sizeOf(graph.type(s.id)) }));
    if (json) printJson({ source: graph.source, arch: elfArch, types: rows });
    else {
      process.stderr.write(`types from ${graph.source.detail} of ${graph.source.file} (${elfArch})\n`);
      process.stdout.write(`${'KIND'.padEnd(7)}${'SIZE'.padStart(7)}  NAME\n`);
      for (const r of rows) process.stdout.write(`${r.kind.padEnd(7)}${String(r.size).padStart(7)}  ${r.name}\n`);
    }
    return;
  }
  if (!struct) throw new UsageError('layout show --types needs <struct>');
  const l = structLayoutFromGraph(graph, struct, { arch: elfArch });
  if (json) printJson(layoutJson(l, graph.source));
  else process.stdout.write(layoutText(l) + '\n');
}

function sizeOf(t: { kind: string; size?: number }): number | null {
  return typeof t.size === 'number' ? t.size : null;
}
