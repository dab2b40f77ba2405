import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadScenarioFile } from '../../src/kernel/index.ts';
import { buildImage } from '../../src/kstruct/index.ts';
import { decodeRecords, recordToJson } from '../../src/codec/index.ts';
import { getLayout } from '../../src/layout/index.ts';
import { CORPUS, HAVE_CORPUS, REPO } from '../corpus.ts';

/**
 * The fuzz suite's seeds: the project's own inputs, one of each kind kvmkit reads. Mutated copies
 * of these are what the fuzz cases feed the library and the CLI.
 */
export type SeedKind = 'records' | 'core' | 'image' | 'scenario' | 'revision' | 'json-records';

export interface Seed {
  name: string;
  kind: SeedKind;
  /** The seed's bytes (images inflated). */
  file: string;
  /** Images: the kernel ELF that goes with it. */
  kernel?: string;
  /** Records: the layout that produced them (a case also runs with the layout detected). */
  layout?: { struct: string; arch: string; rev: string };
}

const IMAGE_FORMATS = [
  ['amd64-minidump', 'amd64'], ['amd64-elf', 'amd64'], ['i386-minidump', 'i386'], ['arm64-minidump', 'arm64'],
] as const;

/** Build (once per directory) and list the seeds. Images are small scenarios' dumps built here. */
export function prepareSeeds(dir: string): Seed[] {
  fs.mkdirSync(dir, { recursive: true });
  const seeds: Seed[] = [];
  const golden = path.join(REPO, 'dumps/golden');
  for (const f of ['kinfo_proc.amd64.fbsd15-reaper.bin', 'kinfo_proc.i386.fbsd14.bin', 'kinfo_proc.powerpc64.fbsd15.bin', 'kinfo_proc32.amd64.fbsd15-reaper.bin']) {
    const [struct, arch, rev] = f.replace(/\.bin$/, '').split('.');
    seeds.push({ name: f, kind: 'records', file: path.join(golden, f), layout: { struct, arch, rev } });
  }
  seeds.push({ name: 'reaper-service.amd64.fbsd15-reaper', kind: 'records', file: path.join(REPO, 'dumps/live/reaper-service.amd64.fbsd15-reaper.kern.proc.all.bin'), layout: { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15-reaper' } });
  if (HAVE_CORPUS) {
    for (const f of fs.readdirSync(path.join(CORPUS, 'user-cores')).sort()) seeds.push({ name: f, kind: 'core', file: path.join(CORPUS, 'user-cores', f) });
  }
  const scen = path.join(REPO, 'dumps/scenarios');
  for (const f of fs.readdirSync(scen).filter((x) => x.endsWith('.json') && x !== 'scenario.schema.json').sort()) seeds.push({ name: f, kind: 'scenario', file: path.join(scen, f) });
  for (const f of fs.readdirSync(path.join(REPO, 'layouts/revisions')).sort()) seeds.push({ name: f, kind: 'revision', file: path.join(REPO, 'layouts/revisions', f) });
  const json = path.join(dir, 'records.amd64.fbsd15-reaper.json');
  if (!fs.existsSync(json)) {
    const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
    const { records: recs } = decodeRecords(layout, new Uint8Array(fs.readFileSync(path.join(golden, "kinfo_proc.amd64.fbsd15-reaper.bin"))));
    fs.writeFileSync(json, JSON.stringify(recs.slice(0, 3).map((r) => recordToJson(layout, r)), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  seeds.push({ name: 'records.json', kind: 'json-records', file: json, layout: { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15-reaper' } });
  // The four image formats: the bundled sample (amd64 minidump) and the other three built from its scenario.
  const sampleCore = path.join(dir, 'sample.amd64-minidump');
  if (!fs.existsSync(sampleCore)) fs.writeFileSync(sampleCore, zlib.gunzipSync(fs.readFileSync(path.join(REPO, 'dumps/sample/login-session.amd64-minidump.vmcore.gz'))));
  seeds.push({ name: 'sample.amd64-minidump', kind: 'image', file: sampleCore, kernel: path.join(REPO, 'dumps/sample/login-session.amd64.kernel') });
  for (const [format, arch] of IMAGE_FORMATS.slice(1)) {
    const vmcore = path.join(dir, `zombie.${format}`);
    const kernel = `${vmcore}.kernel`;
    if (!fs.existsSync(kernel)) {
      buildImage(loadScenarioFile(path.join(scen, 'zombie.json'), arch), { format, vmcore, kernel, revision: 'fbsd15-reaper' });
    }
    seeds.push({ name: `zombie.${format}`, kind: 'image', file: vmcore, kernel });
  }
  return seeds;
}

export function defaultSeedDir(): string {
  return path.join(os.tmpdir(), `kvmkit-fuzz-seeds-${process.getuid?.() ?? 0}`);
}
