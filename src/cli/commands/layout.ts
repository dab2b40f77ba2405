import type { CommandModule } from 'yargs';
import { ARCHES, archesFor, getLayout, holes, KERNEL_STRUCTS, kernelLayouts, revisionNames, type KernelStruct, type StructLayout } from '../../layout/index.ts';
import { printJson } from '../output.ts';
import { UsageError } from '../../base/errors.ts';
import { EXIT_ERROR } from '../exit.ts';

const STRUCTS = ['kinfo_proc', 'kinfo_proc32', ...KERNEL_STRUCTS];

export function layoutJson(l: StructLayout) {
  return {
    struct: l.struct,
    arch: l.arch,
    revision: l.revision,
    size: l.size,
    align: l.align,
    ctassert: l.ctassert ? { expected: l.ctassert.expected, holds: l.ctassert.holds } : null,
    fields: l.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size, type: f.isString ? 'char' : f.type.cname, ...(f.count !== undefined ? { count: f.count } : {}) })),
    leaves: l.leaves().map((x) => ({ path: x.path, offset: x.offset, size: x.size, type: x.type, ...(x.count !== undefined ? { count: x.count } : {}) })),
  };
}

/** pahole-style listing: members with offset/size, holes and padding called out, totals at the end. */
export function layoutText(l: StructLayout): string {
  const lines: string[] = [];
  const hs = holes(l);
  lines.push(`struct ${l.struct} {    /* ${l.arch}, ${l.revision} */`);
  let padTotal = 0;
  const emit = (fields: StructLayout['fields'], base: number, indent: string) => {
    for (const f of fields) {
      const decl = `${f.isString ? 'char' : f.type.cname}${f.type.cname.endsWith('*') ? '' : ' '}${f.name}${f.count !== undefined ? `[${f.count}]` : ''};`;
      lines.push(`${indent}${decl.padEnd(44 - indent.length)} /* ${String(base + f.offset).padStart(5)} ${String(f.size).padStart(5)} */`);
      const start = base + f.offset;
      // Padding inside this member (a nested struct's holes and tail), shown where it lies.
      for (const h of hs) if (h.offset >= start && h.offset < start + f.size) {
        lines.push(`${indent}    /* XXX ${h.size} byte${h.size > 1 ? 's' : ''} of padding at ${h.offset} (${h.kind === 'tail' ? 'tail of ' + h.path.replace(/\.\(tail\)$/, '') : 'before ' + h.path}) */`);
      }
      for (const h of hs) if (h.offset === start + f.size && h.kind === 'padding' && h.after === f.name) {
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
      .positional('action', { choices: ['list', 'show'] as const, describe: 'list: every (struct, arch, revision); show: one layout, pahole-style' })
      .positional('struct', { type: 'string', choices: STRUCTS, describe: 'struct to show' })
      .option('arch', { type: 'string', choices: [...ARCHES], describe: 'architecture (show)' })
      .option('rev', { type: 'string', describe: `revision (show): ${revisionNames().join(', ')}` })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .example('$0 layout list', 'every layout with its size and CTASSERT verdict')
      .example('$0 layout show kinfo_proc --arch armv7 --rev fbsd15', 'offsets, holes and padding on armv7')
      .example('$0 layout show kinfo_proc32 --arch amd64 --rev fbsd15-reaper --json', 'the JSON contract: struct, arch, revision, size, align, ctassert, fields, leaves'),
  handler: (a) => {
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
    if (!a.struct || !a.arch || !a.rev) throw new UsageError('layout show needs <struct>, --arch and --rev');
    // A kernel struct: the revision's kernel layout set (layouts/kernel/<set>.json), with its unverified bodies named.
    const kernel = (KERNEL_STRUCTS as readonly string[]).includes(a.struct as string) ? kernelLayouts(a.arch as string, a.rev as string) : undefined;
    const l = kernel ? kernel.structs[a.struct as KernelStruct] : getLayout(a.struct as string, a.arch as string, a.rev as string, { enforce: false });
    if (kernel && Object.keys(kernel.unverified).length) process.stderr.write(`note: kernel set ${kernel.set}: unverified (not read from the release's headers): ${Object.keys(kernel.unverified).join(', ')}\n`);
    if (a.json) printJson(kernel ? { ...layoutJson(l), kernelSet: kernel.set, unverified: kernel.unverified } : layoutJson(l));
    else process.stdout.write(layoutText(l) + '\n');
    if (l.ctassert && !l.ctassert.holds) process.exitCode = EXIT_ERROR;
  },
};
