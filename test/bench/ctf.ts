import { ElfFile } from '../../src/base/elf.ts';
import { BufferSource } from '../../src/base/source.ts';
import { buildCtf, readCtfGraph } from '../../src/debuginfo/ctf/index.ts';
import { requireKernelLayouts } from '../../src/debuginfo/kernel.ts';
import type { StructLayout } from '../../src/layout/engine.ts';
import { kernelLayouts, KERNEL_STRUCTS } from '../../src/layout/kernel.ts';
import { buildKernelElf } from '../../src/image/kernel-elf.ts';

/**
 * The walker's kernel-struct layouts (KERNEL_STRUCTS) from a kernel's CTF: open the ELF, find and
 * index .SUNW_ctf, lay the structs out (target ≤ 0.2 s). Two kernels: the one `image build`
 * writes (~230 types), and the same types padded with 2,500 renamed copies of every struct (~45,000
 * types, about what a GENERIC kernel's CTF holds, though far more of them structs), compressed,
 * so the inflate, the index pass and the name lookup are exercised. Wall and CPU time: on a shared
 * machine the wall figure is mostly waiting.
 */
function kernelElf(copies: number, compress: boolean): Uint8Array {
  const kl = kernelLayouts('amd64', 'fbsd15');
  const base = Object.values(kl.structs);
  const extra: StructLayout[] = [];
  for (let i = 0; i < copies; i++) for (const l of base) extra.push({ ...l, struct: `${l.struct}_copy${i}` });
  return buildKernelElf({ arch: 'amd64', symbols: [], ctf: buildCtf([...base, ...extra], { littleEndian: true, compress }) });
}

function timeLayouts(elfBytes: Uint8Array): { ms: number; cpu: number; types: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const g = readCtfGraph(new ElfFile(new BufferSource(elfBytes, 'kernel')), 'kernel')!;
  const kl = requireKernelLayouts(g, 'amd64');
  for (const s of KERNEL_STRUCTS) kl.structs[s].leaves();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, types: g.count };
}

export const section = {
  name: 'ctf',
  run: () => {
    console.log(`\n== ctf: the walker's ${KERNEL_STRUCTS.length} kernel structs from a kernel's .SUNW_ctf (target <= 200 ms) ==`);
    for (const [label, copies, compress] of [['image build kernel', 0, false], ['GENERIC-sized, zlib', 2500, true]] as const) {
      const elf = kernelElf(copies, compress);
      const first = timeLayouts(elf);
      const warm = [timeLayouts(elf), timeLayouts(elf), timeLayouts(elf)];
      const f = (r: { ms: number; cpu: number }) => `${r.ms.toFixed(0)} (${r.cpu.toFixed(0)} CPU)`;
      console.log(`${label.padEnd(20)} ${String(first.types).padStart(6)} types, ${(elf.length / 1024).toFixed(0).padStart(5)} KiB: first ${f(first)} ms; warm ${warm.map(f).join(', ')} ms`);
    }
  },
};
