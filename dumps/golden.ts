import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordView } from '../src/codec/index.ts';
import { archesFor, getLayout, revisionNames } from '../src/layout/index.ts';

/**
 * Golden byte files: one fixed, documented record (golden/record.json) laid out for every
 * (struct, arch, revision). `npx tsx dumps/golden.ts` rewrites them; test/dumps compares.
 */
export const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

type V = string | number | (string | number)[];
function num(v: string | number, big: boolean): number | bigint {
  if (typeof v === 'number') return big ? BigInt(v) : v;
  const b = BigInt(v);
  return big ? b : Number(b);
}

export function goldenBytes(struct: string, arch: string, rev: string): Uint8Array {
  const spec = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'record.json'), 'utf8')) as { native: Record<string, V>; compat32: Record<string, V> };
  const values: Record<string, V> = { ...spec.native, ...(struct === 'kinfo_proc32' ? spec.compat32 : {}) };
  const layout = getLayout(struct, arch, rev);
  const v = new RecordView(layout);
  for (const [p, val] of Object.entries(values)) {
    // A scalar given for a leaf that is a two-word array (freebsd32_uint64_t on amd64) or the
    // reverse is the other revision's spelling of the same field: skip, the other entry covers it.
    if (!v.has(p)) continue;
    const leaf = v.leaf(p);
    if (leaf.kind === 'string') {
      for (const s of Array.isArray(val) ? val : [val]) v.strlcpy(p, String(s));
      continue;
    }
    const big = leaf.kind === 'pointer' || leaf.elemSize === 8;
    if (val === 'sizeof') v.set(p, layout.size);
    else if (Array.isArray(val)) {
      if (leaf.count === undefined) continue;
      v.set(p, val.map((x) => num(x, big)));
    } else if (leaf.count === undefined) v.assign(p, num(val, big));
  }
  return v.record();
}

export function goldenName(struct: string, arch: string, rev: string): string {
  return `${struct}.${arch}.${rev}.bin`;
}

export function allGolden(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const rev of revisionNames()) for (const s of ['kinfo_proc', 'kinfo_proc32']) for (const a of archesFor(rev, s)) out.push([s, a, rev]);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const [s, a, r] of allGolden()) fs.writeFileSync(path.join(GOLDEN_DIR, goldenName(s, a, r)), goldenBytes(s, a, r));
  console.log(`wrote ${allGolden().length} golden files to ${GOLDEN_DIR}`);
}
