import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/base/elf.ts';
import { BufferSource } from '../../src/base/source.ts';
import { readCtfGraph } from '../../src/debuginfo/ctf/index.ts';
import { kernelLayoutsFromGraph } from '../../src/debuginfo/kernel.ts';
import type { ImageFormat } from '../../src/image/image.ts';
import { openImage } from '../../src/image/open.ts';
import { KERN_PROC_ALL } from '../../src/kernel/constants.ts';
import { liveRevisions } from '../../src/kernel/rules.ts';
import { loadScenarioFile } from '../../src/kernel/scenario.ts';
import { sysctlKernProc } from '../../src/kernel/sysctl.ts';
import { buildImage, KernelReader, readModel } from '../../src/kstruct/index.ts';
import type { ArchName } from '../../src/layout/defs.ts';
import { repoRoot } from '../image/helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-ctf-walk-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The walk with the kernel-struct layouts read from the image's own kernel CTF (not layouts/):
 * the model read back gives the live sysctl's bytes, on every image format.
 */
describe('walking an image with the types of its own kernel CTF', () => {
  const FORMATS: [ArchName, ImageFormat][] = [['amd64', 'amd64-minidump'], ['amd64', 'amd64-elf'], ['i386', 'i386-minidump'], ['arm64', 'arm64-minidump']];
  for (const [arch, format] of FORMATS) {
    it(`login-session as ${format}: kern.proc.all from the CTF-laid-out walk equals the live path`, () => {
      const model = loadScenarioFile(path.join(repoRoot, 'dumps/scenarios/login-session.json'), arch);
      const vmcore = path.join(tmp, `${format}.vmcore`), kernel = path.join(tmp, `${format}.kernel`);
      buildImage(model, { format, vmcore, kernel });
      const types = readCtfGraph(new ElfFile(new BufferSource(fs.readFileSync(kernel), kernel)), kernel)!;
      const { layouts, missing } = kernelLayoutsFromGraph(types, arch);
      expect(missing).toEqual([]);
      const img = openImage(vmcore, kernel);
      try {
        // The reader lays structs out as the CTF says, not as layouts/ does.
        const r = new KernelReader(img, { layouts });
        expect(r.kl.structs.proc).toBe(layouts!.structs.proc);
        expect(r.kl.revision).toBe(`ctf:${kernel}`);
        const { model: back } = readModel(img, { layouts });
        expect([...back.procs.keys()].sort()).toEqual([...model.procs.keys()].sort());
        for (const revision of liveRevisions()) {
          const a = sysctlKernProc(model, { op: KERN_PROC_ALL, revision });
          const b = sysctlKernProc(back, { op: KERN_PROC_ALL, revision });
          expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes)), `${revision}: kern.proc.all bytes differ`).toBe(true);
        }
      } finally {
        img.close();
      }
    });
  }
});
