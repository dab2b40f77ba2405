import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/kernel/index.ts';
import { buildImage } from '../src/kstruct/index.ts';

/**
 * The bundled sample image the README's first command walks: the login-session scenario as an
 * amd64 minidump (fbsd15-reaper kernel layouts) and its kernel ELF. The minidump is stored gzipped
 * (kvmkit opens gzip by content); `npx tsx dumps/sample.ts` rewrites both, test/dumps compares.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const SAMPLE = {
  scenario: path.join(here, 'scenarios', 'login-session.json'),
  vmcore: path.join(here, 'sample', 'login-session.amd64-minidump.vmcore.gz'),
  kernel: path.join(here, 'sample', 'login-session.amd64.kernel'),
  format: 'amd64-minidump' as const,
  revision: 'fbsd15-reaper',
};

/** Build the sample into a temporary folder; returns the raw (uncompressed) vmcore and kernel bytes. */
export function buildSample(): { vmcore: Buffer; kernel: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-sample-'));
  try {
    const model = loadScenarioFile(SAMPLE.scenario, 'amd64');
    buildImage(model, { format: SAMPLE.format, revision: SAMPLE.revision, vmcore: path.join(dir, 'vmcore'), kernel: path.join(dir, 'kernel') });
    return { vmcore: fs.readFileSync(path.join(dir, 'vmcore')), kernel: fs.readFileSync(path.join(dir, 'kernel')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { vmcore, kernel } = buildSample();
  fs.writeFileSync(SAMPLE.vmcore, zlib.gzipSync(vmcore, { level: 9 }));
  fs.writeFileSync(SAMPLE.kernel, kernel);
  console.log(`wrote ${SAMPLE.vmcore} (${vmcore.length} bytes inflated) and ${SAMPLE.kernel} (${kernel.length} bytes)`);
}
