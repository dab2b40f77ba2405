import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDecl, evalCount } from '../../src/layout/decl.ts';
import { commonStructs, typedefsFor, type ArchName } from '../../src/layout/defs.ts';
import { kernelSet } from '../../src/layout/engine.ts';
import { KERNEL_STRUCTS, kernelLayouts } from '../../src/kstruct/index.ts';

/**
 * The compiler checks the engine: each bundled kernel set's bodies are written out as C (the same
 * declarations, with the headers' __packed/__aligned attributes), and every leaf offset and struct
 * size the engine computes becomes a _Static_assert that gcc must accept. gcc compiles only
 * (-c, no libc needed); -m32 stands for i386 (the i386 SysV struct rules FreeBSD uses). arm64 has no
 * compiler here and is not checked.
 */

function hasGcc(flags: string[]): boolean {
  try {
    execFileSync('gcc', [...flags, '-x', 'c', '-c', '-o', '/dev/null', '-'], { input: 'int x;', stdio: ['pipe', 'ignore', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

function cSource(set: string, arch: ArchName, rev: string): string {
  const ks = kernelSet(set);
  const md = ks.arches?.[arch];
  const unions = new Set([...Object.keys(ks.unions ?? {}), ...Object.keys(md?.unions ?? {})]);
  const bodies: Record<string, string[]> = { ...commonStructs().structs, ...ks.structs, ...(ks.unions ?? {}), ...(md?.unions ?? {}), ...(md?.structs ?? {}) };
  const attrs = { ...(ks.attributes ?? {}), ...(md?.attributes ?? {}) };
  const constants: Record<string, number> = { ...commonStructs().constants };
  for (const [k, v] of Object.entries(ks.constants ?? {})) constants[k] = typeof v === 'number' ? v : (v[arch] ?? v.default)!;
  const typedefs = { ...typedefsFor(arch), ...(ks.typedefs ?? {}) };
  const out: string[] = ['#include <stddef.h>'];
  // Typedefs in chain order (a name after what it names).
  const doneT = new Set<string>();
  const tdef = (n: string) => {
    if (doneT.has(n) || !(n in typedefs)) return;
    doneT.add(n);
    const t = typedefs[n];
    tdef(t);
    out.push(`typedef ${t} ${n};`);
  };
  const tag = (n: string) => `${unions.has(n) ? 'union' : 'struct'} ${n}`;
  for (const n of Object.keys(bodies)) out.push(`${tag(n)};`);
  Object.keys(typedefs).forEach(tdef);
  const doneS = new Set<string>();
  const emit = (n: string) => {
    if (doneS.has(n)) return;
    doneS.add(n);
    const members = bodies[n].map((text) => {
      const d = parseDecl(text, n);
      const inner = d.type.replace(/^(struct|union) /, '');
      let ty = d.type;
      if (/^(struct|union) /.test(d.type)) ty = tag(inner);
      if (!d.pointer && /^(struct|union) /.test(d.type)) emit(inner);
      // A typedef to a struct must be complete before it is used by value.
      let t = d.type;
      while (!d.pointer && typedefs[t]) t = typedefs[t];
      if (!d.pointer && /^(struct|union) /.test(t)) emit(t.replace(/^(struct|union) /, ''));
      const count = d.countExpr !== undefined ? `[${evalCount(d.countExpr, constants, n)}]` : '';
      return `  ${ty} ${d.pointer ? '*' : ''}${d.name}${count};`;
    });
    const a = attrs[n];
    const attr = a?.packed ? ' __attribute__((packed))' : a?.align ? ` __attribute__((aligned(${a.align})))` : '';
    out.push(`${tag(n)} {\n${members.join('\n')}\n}${attr};`);
  };
  const kl = kernelLayouts(arch, rev, set);
  let i = 0;
  for (const s of KERNEL_STRUCTS) {
    emit(s);
    const l = kl.structs[s];
    out.push(`_Static_assert(sizeof(${tag(s)}) == ${l.size}, "sizeof ${s}");`);
    for (const leaf of l.leaves()) out.push(`_Static_assert(offsetof(${tag(s)}, ${leaf.path}) == ${leaf.offset}, "${s}.${leaf.path} ${i++}");`);
  }
  return out.join('\n') + '\n';
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-cc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cases: [string, ArchName, string, string[]][] = [
  ['fbsd15.0', 'amd64', 'fbsd15', []], ['fbsd13', 'amd64', 'fbsd14', []],
  ['fbsd15.0', 'i386', 'fbsd15', ['-m32']], ['fbsd13', 'i386', 'fbsd14', ['-m32']],
];

describe('bundled kernel sets: gcc agrees with every offset and size the engine computes', () => {
  for (const [set, arch, rev, flags] of cases) {
    it.skipIf(!hasGcc(flags))(`${set} on ${arch} (gcc ${flags.join(' ') || '-m64'} -fms-extensions; skipped without gcc)`, () => {
      const file = path.join(tmp, `${set}-${arch}.c`);
      fs.writeFileSync(file, cSource(set, arch, rev));
      // -fms-extensions: the anonymous tagged union/struct members (td_slpq/td_zombie) as the headers' untagged ones.
      const r = (() => {
        try {
          execFileSync('gcc', [...flags, '-fms-extensions', '-std=gnu11', '-c', '-o', '/dev/null', file], { stdio: ['ignore', 'pipe', 'pipe'] });
          return '';
        } catch (e) {
          return String((e as { stderr?: Buffer }).stderr ?? e).split('\n').filter((x) => /error/.test(x)).slice(0, 5).join('\n');
        }
      })();
      expect(r).toBe('');
    });
  }
});
