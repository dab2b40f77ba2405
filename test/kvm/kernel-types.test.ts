import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/base/elf.ts';
import { BufferSource } from '../../src/base/source.ts';
import { openImage } from '../../src/image/open.ts';
import { loadScenarioFile } from '../../src/kernel/scenario.ts';
import { buildImage } from '../../src/kstruct/index.ts';
import { kstructSource } from '../../src/kvm/image-source.ts';
import { repoRoot } from '../image/helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-kernel-types-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the walk names its kernel-struct layout source', () => {
  const model = loadScenarioFile(path.join(repoRoot, 'dumps/scenarios/login-session.json'), 'amd64');
  const vmcore = path.join(tmp, 'vmcore'), kernel = path.join(tmp, 'kernel');
  buildImage(model, { format: 'amd64-minidump', vmcore, kernel });

  it('an image build kernel: its own CTF', () => {
    const img = openImage(vmcore, kernel);
    try {
      const src = kstructSource(img, {})!;
      expect(src.layoutSource).toBe(`ctf (${kernel}: .SUNW_ctf (CTF v3))`);
      expect(src.layoutNotes).toEqual([]);
      expect(src.allproc().addrs.length).toBe(model.allproc.length);
    } finally {
      img.close();
    }
  });

  it('a kernel whose CTF is corrupt: the bundled layouts, with a note saying why, and the walk still works', () => {
    const bytes = new Uint8Array(fs.readFileSync(kernel));
    const sec = new ElfFile(new BufferSource(bytes, kernel)).sectionHeaders().find((s) => s.name === '.SUNW_ctf')!;
    bytes[sec.offset] ^= 0xff; // the CTF magic
    const bad = path.join(tmp, 'kernel.badctf');
    fs.writeFileSync(bad, bytes);
    const img = openImage(vmcore, bad);
    try {
      const src = kstructSource(img, {})!;
      expect(src.layoutSource).toBe('bundled');
      expect(src.layoutNotes).toHaveLength(1);
      expect(src.layoutNotes![0]).toMatch(new RegExp(`^the kernel's CTF cannot be used \\(bad CTF magic .* offset ${sec.offset} .*\\); using the bundled layouts$`));
      expect(src.allproc().addrs.length).toBe(model.allproc.length);
    } finally {
      img.close();
    }
  });
});
