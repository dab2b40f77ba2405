/**
 * `npm run bench -- dwarf`: the layouts of the ~15 structs the walker needs, from a generated
 * (never committed) DWARF object of ~200 MB in 2,000 compile units, as a kernel.debug is: target
 * ≤ 2 s and ≤ 400 MB RSS from opening the file to the last layout.
 *
 * The object: gcc -gdwarf-5 compiles one generated C file (15 kernel-flavoured structs pointing
 * at each other, bit-fields, unions, arrays, ~570 filler structs and ~440 functions with locals)
 * into a ~100 KB unit; that unit is repeated 2,000 times in .debug_info (CU-relative references,
 * shared .debug_abbrev/.debug_str offsets, so every copy is a valid unit) and put back into the
 * ELF with objcopy --update-section. Each of the 2,000 units therefore defines every struct, as
 * the kernel's CUs each carry the headers they include. The measurement runs in a child process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../../src/base/elf.ts';
import { FileSource } from '../../src/base/source.ts';
import { graphLayouts, openTypes } from '../../src/debuginfo/index.ts';

const here = fileURLToPath(import.meta.url);
export const WALKER_STRUCTS = ['proc', 'thread', 'ucred', 'prison', 'pgrp', 'session', 'sigacts', 'pstats', 'vmspace', 'sysentvec', 'tty', 'cdev', 'loginclass', 'uidinfo', 'plimit'];

function cSource(): string {
  const out: string[] = ['typedef unsigned int u_int; typedef long long quad_t; typedef unsigned char u_char;'];
  for (const s of WALKER_STRUCTS) out.push(`struct ${s};`);
  WALKER_STRUCTS.forEach((s, i) => {
    const m: string[] = [];
    for (let k = 0; k < 40; k++) {
      const other = WALKER_STRUCTS[(i + k + 1) % WALKER_STRUCTS.length];
      switch (k % 8) {
        case 0: m.push(`struct ${other} *${s}_p${k};`); break;
        case 1: m.push(`int ${s}_i${k};`); break;
        case 2: m.push(`char ${s}_name${k}[${(k % 5) + 13}];`); break;
        case 3: m.push(`u_int ${s}_b${k}a:3, ${s}_b${k}b:11;`); break;
        case 4: m.push(`union { quad_t q; void *p; u_char c[12]; } ${s}_u${k};`); break;
        case 5: m.push(`short ${s}_m${k}[2][3];`); break;
        case 6: m.push(`struct { long a; struct ${other} *b; } ${s}_s${k};`); break;
        default: m.push(`long ${s}_l${k};`);
      }
    }
    out.push(`struct ${s} {\n\t${m.join('\n\t')}\n};`);
  });
  for (let f = 0; f < 570; f++) out.push(`struct filler_${f} { int a_${f}; long b_${f}[${f % 7 + 1}]; struct proc *p_${f}; char c_${f}; unsigned d_${f}:${f % 31 + 1}; };`);
  for (let f = 0; f < 440; f++) out.push(`long fn_${f}(struct filler_${f} *x, struct thread *t, int n) { struct filler_${f} local = *x; int i; long acc = 0; for (i = 0; i < n; i++) acc += local.a_${f} + i; return acc + (t != 0); }`);
  WALKER_STRUCTS.forEach((s) => out.push(`struct ${s} g_${s};`));
  return out.join('\n') + '\n';
}

/** Builds the big object in `dir`; returns its path, size and unit count. */
export function buildBigDwarf(dir: string, units = 2000): { file: string; bytes: number; infoBytes: number; units: number } {
  const src = path.join(dir, 'big.c'), base = path.join(dir, 'base.so'), info = path.join(dir, 'info.bin'), file = path.join(dir, 'big.debug');
  fs.writeFileSync(src, cSource());
  execFileSync('gcc', ['-gdwarf-5', '-O0', '-shared', '-nostdlib', '-fPIC', '-fno-asynchronous-unwind-tables', '-o', base, src]);
  const elf = new ElfFile(new FileSource(base));
  const s = elf.sectionHeaders().find((x) => x.name === '.debug_info')!;
  const unit = elf.src.read(s.offset, s.size);
  elf.src.close();
  const fd = fs.openSync(info, 'w');
  for (let i = 0; i < units; i++) fs.writeSync(fd, unit);
  fs.closeSync(fd);
  execFileSync('objcopy', ['--update-section', `.debug_info=${info}`, base, file]);
  fs.rmSync(info);
  return { file, bytes: fs.statSync(file).size, infoBytes: unit.length * units, units };
}

interface ChildResult { openMs: number; layoutsMs: number; totalMs: number; cpuMs: number; structs: number; maxRssMB: number; peakRssMB: number; detail: string }

function child(file: string): ChildResult {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { graph, arch } = openTypes(file);
  const t1 = performance.now();
  const layouts = graphLayouts(graph, { arch });
  let n = 0;
  for (const s of WALKER_STRUCTS) if (layouts.byName(s)) n++;
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  return { cpuMs: Math.round((cpu.user + cpu.system) / 1000), openMs: Math.round(t1 - t0), layoutsMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0), structs: n, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), peakRssMB: Math.round(process.memoryUsage().rss / 1048576), detail: graph.source.detail };
}

export const section = {
  name: 'dwarf',
  run: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-bench-dwarf-'));
    try {
      const t = performance.now();
      const big = buildBigDwarf(dir);
      console.log(`\n== dwarf: ${WALKER_STRUCTS.length} walker structs from a generated ${(big.bytes / 1048576).toFixed(0)} MB object (.debug_info ${(big.infoBytes / 1048576).toFixed(0)} MB, ${big.units} CUs; built in ${Math.round(performance.now() - t)} ms) ==`);
      const runs: ChildResult[] = [];
      for (let i = 0; i < 3; i++) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', here, '--child', big.file], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`dwarf bench child failed: ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult);
      }
      console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cpus (wall time inflates when the machine is shared; CPU time does not)`);
      for (const r of runs) console.log(`open+index ${r.openMs} ms, ${r.structs} layouts ${r.layoutsMs} ms, total ${r.totalMs} ms wall, ${r.cpuMs} ms CPU (target <= 2000 ms); max RSS ${r.maxRssMB} MB (target <= 400 MB)  [${r.detail}]`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

if (process.argv[2] === '--child') console.log(JSON.stringify(child(process.argv[3])));
