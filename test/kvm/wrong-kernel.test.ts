import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { corpusFile, HAVE_CORPUS, REPO } from '../corpus.ts';

/**
 * A kernel that is not the one that wrote the dump (issue 13 item 5): the real FreeBSD 13 corpus
 * kernel against the bundled 15.0 sample image. Its globals lie where the sample's page tables map
 * nothing, so the answer is the question a user needs, not a page-table step.
 */
describe('a kernel that does not belong to the dump', () => {
  it.skipIf(!HAVE_CORPUS)('is named as such, with the address that did not translate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-wrongk-'));
    try {
      const kernel = path.join(dir, 'kernel');
      fs.writeFileSync(kernel, zlib.gunzipSync(fs.readFileSync(corpusFile('vmcores', 'kernel-amd64.gz'))));
      const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'kvmkit'), 'ps', '-M', path.join(REPO, 'dumps/sample/login-session.amd64-minidump.vmcore.gz'), '-N', kernel], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/kvmkit: the kernel's globals \(allproc, dumptid, proc_off_\*\) do not translate in this dump: is this the kernel that wrote it\? .*address 0x[0-9a-f]+\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
