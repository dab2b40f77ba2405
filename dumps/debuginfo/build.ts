/**
 * Rebuilds the DWARF test objects of dumps/debuginfo/ with gcc, and the layouts gcc gives their
 * structs (expected.json), which test/debuginfo/dwarf-objects.test.ts compares kvmkit's reading
 * of the objects against. Run: `npx tsx dumps/debuginfo/build.ts` (needs gcc; clang is not used).
 *
 * Expected values come from the compiler, never from kvmkit: a generated C program (expect.c)
 * prints sizeof/_Alignof of each struct, and for each leaf listed in src/leaves.txt its byte
 * offset (address difference) and sizeof; for a bit-field, the bits it occupies, found by setting
 * it to all ones in a zeroed object and scanning the bytes (bit k of byte b is bit 8b+k: the
 * little-endian numbering DWARF's DW_AT_data_bit_offset uses on amd64).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.dirname(new URL(import.meta.url).pathname);
const SRC = path.join(DIR, 'src');
const COMMON = ['-O0', '-fno-asynchronous-unwind-tables', '-fPIC', '-ffile-prefix-map=' + SRC + '=.'];
/** Linked (a shared object, as a kernel.debug is linked) unless `-c` is among the flags (ET_REL, as an amd64 .ko: DWARF offsets in relocations). */
const LINK = ['-shared', '-nostdlib'];

/** The objects: name → gcc flags and sources. */
export const OBJECTS: Record<string, { flags: string[]; sources: string[]; arch?: 'i386' }> = {
  'types-dwarf4.so': { flags: ['-gdwarf-4'], sources: ['cu-main.c'] },
  'types-dwarf5.so': { flags: ['-gdwarf-5'], sources: ['cu-main.c'] },
  'types-dwarf64.so': { flags: ['-gdwarf-5', '-gdwarf64'], sources: ['cu-main.c'] },
  'types-dwarf4-64.so': { flags: ['-gdwarf-4', '-gdwarf64'], sources: ['cu-main.c'] },
  'many-cus.so': { flags: ['-gdwarf-5'], sources: ['cu-1.c', 'cu-2.c', 'cu-3.c', 'cu-4.c', 'cu-5.c', 'cu-6.c', 'cu-later.c', 'cu-main.c'] },
  'types-dwarf4.o': { flags: ['-gdwarf-4', '-c'], sources: ['cu-main.c'] },
  'types-dwarf5.o': { flags: ['-gdwarf-5', '-c'], sources: ['cu-main.c'] },
  // i386 (ILP32, long long 4-aligned in structs): -ffreestanding for gcc's own <stdint.h>, as the host has no 32-bit libc.
  'types-i386.so': { flags: ['-m32', '-ffreestanding', '-gdwarf-5'], sources: ['cu-main.c'], arch: 'i386' },
};

interface LeafSpec { path: string; bits: boolean; flex?: boolean }

function readManifest(): Map<string, LeafSpec[]> {
  const out = new Map<string, LeafSpec[]>();
  let cur: LeafSpec[] | undefined;
  for (const raw of fs.readFileSync(path.join(SRC, 'leaves.txt'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(struct|union) (\w+)$/.exec(line);
    if (m) { out.set(m[2], (cur = [])); continue; }
    const [p, flag] = line.split(/\s+/);
    if (p.endsWith('.*')) {
      const inner = out.get(flag);
      if (!inner) throw new Error(`leaves.txt: ${flag} must be listed before ${p}`);
      for (const l of inner) cur!.push({ ...l, path: p.slice(0, -1) + l.path });
    } else cur!.push({ path: p, bits: flag === 'bits', flex: flag === 'flex' });
  }
  return out;
}

function expectProgram(manifest: Map<string, LeafSpec[]>): string {
  const kinds: Record<string, string> = { value: 'union' };
  const lines = [
    '#ifdef KVMKIT_FREESTANDING', '#include "mini-rt.h"', '#else', '#include <stdio.h>', '#include <string.h>', '#endif', '#include "types.h"', '#include "cu-1.c"', '#include "cu-6.c"', '#include "cu-later.c"', '',
    '/* Prints the bit index of the first set bit and the number of set bits of an object. */',
    'static void bits(const unsigned char *p, size_t n, int *first, int *count) {',
    '\t*first = -1; *count = 0;',
    '\tfor (size_t i = 0; i < n * 8; i++) if (p[i / 8] & (1u << (i % 8))) { if (*first < 0) *first = (int)i; (*count)++; }',
    '}', '', 'int main(void) {', '\tint first, count; int comma;', '\t(void)first; (void)count;', '\tprintf("{\\n");',
  ];
  let i = 0;
  for (const [name, leaves] of manifest) {
    const t = `${kinds[name] ?? 'struct'} ${name}`;
    lines.push(`\t{ static ${t} s; comma = 0; (void)comma;`);
    lines.push(`\t  printf("%s\\"${name}\\": {\\"size\\": %zu, \\"align\\": %zu, \\"leaves\\": [\\n", ${i++ ? '",\\n"' : '""'}, sizeof(${t}), _Alignof(${t}));`);
    for (const l of leaves) {
      if (l.bits) {
        lines.push(`\t  memset(&s, 0, sizeof s); s.${l.path} = -1; bits((const unsigned char *)&s, sizeof s, &first, &count);`);
        lines.push(`\t  printf("%s    {\\"path\\": \\"${l.path}\\", \\"bitOffset\\": %d, \\"bitSize\\": %d}", comma++ ? ",\\n" : "", first, count);`);
      } else {
        lines.push(`\t  printf("%s    {\\"path\\": \\"${l.path}\\", \\"offset\\": %td, \\"size\\": %zu}", comma++ ? ",\\n" : "", (const char *)&s.${l.path} - (const char *)&s, ${l.flex ? '(size_t)0' : `sizeof s.${l.path}`});`);
      }
    }
    lines.push('\t  printf("\\n  ]}"); }');
  }
  lines.push('\tprintf("\\n}\\n");', '\treturn 0;', '}', '');
  return lines.join('\n');
}

function main(): void {
  for (const [name, o] of Object.entries(OBJECTS)) {
    execFileSync('gcc', [...o.flags, ...COMMON, ...(o.flags.includes('-c') ? [] : LINK), '-o', path.join(DIR, name), ...o.sources], { cwd: SRC, stdio: 'inherit' });
    console.log(`built ${name} (${fs.statSync(path.join(DIR, name)).size} bytes)`);
  }
  const prog = expectProgram(readManifest());
  const tmp = fs.mkdtempSync('/tmp/kvmkit-dwarf-');
  fs.writeFileSync(path.join(tmp, 'expect.c'), prog);
  const gcc = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const run = (flags: string[]): unknown => {
    const exe = path.join(tmp, 'expect');
    execFileSync('gcc', ['-std=c11', '-Wall', '-Werror', '-Wno-overflow', ...flags, '-I', SRC, '-o', exe, path.join(tmp, 'expect.c')], { stdio: 'inherit' });
    return JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as unknown;
  };
  const write = (file: string, arch: string, json: unknown) =>
    fs.writeFileSync(path.join(DIR, file), JSON.stringify({ producer: `${gcc}, ${arch} (by dumps/debuginfo/build.ts from expect.c)`, structs: json }, null, 1) + '\n');
  write('expected.json', 'amd64', run([]));
  // The same program as a static i386 binary (mini-rt.h in place of libc), run on this amd64 host.
  write('expected-i386.json', 'i386', run(['-m32', '-static', '-nostdlib', '-ffreestanding', '-fno-pic', '-fno-stack-protector', '-DKVMKIT_FREESTANDING']));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log('wrote expected.json, expected-i386.json');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
