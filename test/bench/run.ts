/**
 * `npm run bench`: the speed and memory figures the issues ask for, measured in one run on this
 * machine. Each section is a module under test/bench/ (or a library bench function) so the figures
 * come from the same code the tests exercise. Sections: codec (default), plus whatever other
 * sections exist. `npm run bench -- codec` runs one section.
 */
import { benchCodec } from './codec.ts';

type Section = { name: string; run: () => Promise<void> | void };
const sections: Section[] = [
  {
    name: 'codec',
    run: () => {
      const b = benchCodec();
      console.log(`\n== codec: amd64 kinfo_proc (fbsd15), ${b.records} records ==`);
      for (const r of b.rows) console.log(`${r.codec.padEnd(24)} ${r.op.padEnd(7)} ${String(r.recordsPerSec).padStart(10)} records/s  (${r.ms} ms)`);
      console.log(`generated eager decode / restructure decode: ${b.ratio.toFixed(1)}x (target >= 40x)`);
    },
  },
];

for (const mod of ['./images.ts', './kvm.ts', './abi.ts', './dwarf.ts']) {
  try {
    const m = (await import(mod)) as { section?: Section };
    if (m.section) sections.push(m.section);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
}

const only = process.argv.slice(2);
console.log(`kvmkit bench — node ${process.version}, ${(await import('node:os')).cpus().length} cpus`);
for (const s of sections) if (!only.length || only.includes(s.name)) await s.run();
