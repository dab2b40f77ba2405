import { benchAbiDiff } from '../../src/analysis/abi/bench.ts';

/** abi-diff over every revision pair × both structs × all arches (target ≤ 1 s). */
export const section = {
  name: 'abi',
  run: () => {
    const first = benchAbiDiff();
    const again = [benchAbiDiff(), benchAbiDiff(), benchAbiDiff()];
    console.log('\n== abi-diff: all revision pairs × kinfo_proc/kinfo_proc32 × all arches ==');
    console.log(`first pass (layouts computed): ${first.toFixed(0)} ms; warm passes: ${again.map((x) => x.toFixed(0)).join(', ')} ms (target <= 1000 ms)`);
  },
};
