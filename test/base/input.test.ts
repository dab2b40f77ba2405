import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import { compressionOf, openSource } from '../../src/base/input.ts';
import { REPO } from '../corpus.ts';

const SAMPLE = path.join(REPO, 'dumps/sample/login-session.amd64-minidump.vmcore.gz');
const KERNEL = path.join(REPO, 'dumps/sample/login-session.amd64.kernel');
const PLAIN = zlib.gunzipSync(fs.readFileSync(SAMPLE));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-input-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A zstd frame of Raw blocks, from RFC 8878 by hand: magic 28 b5 2f fd; Frame_Header_Descriptor 0
 * (no content size, not single-segment, no checksum, no dictionary), so a Window_Descriptor follows:
 * 0x38 is exponent 7, windowLog 10 + 7 = 17 (128 KiB, the largest block); then blocks, each a
 * 3-byte little-endian header Last_Block | Block_Type (0 = Raw) << 1 | Block_Size << 3 and the bytes.
 */
function zstdRaw(data: Uint8Array): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  const B = 128 * 1024;
  for (let o = 0; o < data.length || o === 0; o += B) {
    const n = Math.min(B, data.length - o);
    const last = o + B >= data.length ? 1 : 0;
    const h = last | (0 << 1) | (n << 3);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), Buffer.from(data.subarray(o, o + n)));
    if (last) break;
  }
  return Buffer.concat(parts);
}

const write = (name: string, b: Uint8Array) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, b);
  return f;
};
const errorOf = (f: () => unknown): KvmkitError => {
  try {
    f();
  } catch (e) {
    return e as KvmkitError;
  }
  throw new Error('no error');
};

describe('compressed inputs by content (src/base/input.ts)', () => {
  it('magic numbers: gzip 1f 8b (RFC 1952), zstd 28 b5 2f fd (RFC 8878), anything else plain', () => {
    expect(compressionOf(Uint8Array.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(compressionOf(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(compressionOf(Buffer.from('minidump'))).toBe('none');
  });
  it('a .zst (named anything) inflates to the bytes zlib gives for the .gz', () => {
    const f = write('vmcore.0.anyname', zstdRaw(PLAIN));
    const src = openSource(f);
    try {
      expect(src.size).toBe(PLAIN.length);
      expect(Buffer.from(src.read(0, src.size)).equals(PLAIN)).toBe(true);
    } finally {
      src.close();
    }
  });
  it('a real zstd -19 file (when the zstd tool is installed)', (ctx) => {
    const plain = write('vmcore.1', PLAIN);
    const r = spawnSync('zstd', ['-q', '-f', '-19', plain, '-o', `${plain}.zst`]);
    if (r.error || r.status !== 0) return ctx.skip(); // the zstd command is not installed here
    const src = openSource(`${plain}.zst`);
    try {
      expect(Buffer.from(src.read(0, src.size)).equals(PLAIN)).toBe(true);
    } finally {
      src.close();
    }
  });
  it('zstd content that is not a dump is refused before it is written out', () => {
    const e = errorOf(() => openSource(write('junk.zst', zstdRaw(Buffer.alloc(4096, 0x41)))));
    expect(e).toBeInstanceOf(KvmkitError);
    expect(e.message).toMatch(/zstd content is not a dump or kernel.*41 41 41/);
  });
  it('a zstd bomb stops at KVMKIT_MAX_INFLATE', () => {
    const big = Buffer.concat([PLAIN.subarray(0, 4096), Buffer.alloc(512 * 1024)]);
    const f = write('bomb.zst', zstdRaw(big));
    const old = process.env.KVMKIT_MAX_INFLATE;
    process.env.KVMKIT_MAX_INFLATE = '100K';
    try {
      expect(errorOf(() => openSource(f)).message).toMatch(/inflates to more than 102400 bytes/);
    } finally {
      if (old === undefined) delete process.env.KVMKIT_MAX_INFLATE;
      else process.env.KVMKIT_MAX_INFLATE = old;
    }
  });
  it('truncated zstd is a KvmkitError naming the file', () => {
    const f = write('cut.zst', zstdRaw(PLAIN).subarray(0, 5000));
    const e = errorOf(() => openSource(f));
    expect(e).toBeInstanceOf(KvmkitError);
    expect(e.message).toMatch(/zstd data is corrupt or truncated/);
    expect(e.context.file).toContain('cut.zst');
  });
  it('a directory and a FIFO are clear errors', (ctx) => {
    expect(errorOf(() => openSource(tmp)).message).toMatch(/is a directory/);
    const fifo = path.join(tmp, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return ctx.skip(); // no mkfifo here
    expect(errorOf(() => openSource(fifo)).message).toMatch(/is a FIFO/);
  });
});

describe('standard input and temp files (CLI runs with their own TMPDIR)', () => {
  const kvmkit = path.join(REPO, 'bin/kvmkit');
  const gz = SAMPLE;
  const zst = write('sample.zst', zstdRaw(PLAIN));
  /** What kvmkit itself would leave (tsx, which runs bin/kvmkit from a checkout, keeps its own cache dir there). */
  const ours = (t: string) => fs.readdirSync(t).filter((n) => n.startsWith('kvmkit-'));
  const run = (args: string[], input: Buffer, tmpdir: string) => spawnSync(kvmkit, args, { input, encoding: 'utf8', env: { ...process.env, TMPDIR: tmpdir } });
  it('info, ps and dmesg read - (gzip, zstd, plain) and leave the temp dir as it was', () => {
    const t = fs.mkdtempSync(path.join(tmp, 'run-'));
    for (const input of [fs.readFileSync(gz), fs.readFileSync(zst), PLAIN]) {
      const i = run(['info', '-', '-k', KERNEL], input, t);
      expect(i.stderr).toBe('');
      expect(i.stdout).toContain('format: amd64-minidump\n');
      expect(i.stdout).toContain('panicstr: page fault\n'); // dumps/scenarios/login-session.json system.panic
    }
    const d = run(['dmesg', '-M', '-', '-N', KERNEL], fs.readFileSync(zst), t);
    expect(d.stdout.split('\n')[0]).toBe('---<<BOOT>>---'); // the scenario's system.msgbuf starts so
    const p = run(['ps', '-M', '-', '-N', KERNEL, '-p', '1', '-o', 'pid,comm'], fs.readFileSync(gz), t);
    expect(p.stdout).toMatch(/^\s*PID COMMAND\n\s*1 init\n$/);
    expect(run(['info', '-'], Buffer.alloc(0), t).status).not.toBe(0);
    expect(ours(t)).toEqual([]);
  });
  it('a SIGKILLed run mid-spool leaves nothing: the copy was unlinked as soon as it was opened', async () => {
    const t = fs.mkdtempSync(path.join(tmp, 'kill-'));
    const child = spawn(kvmkit, ['info', '-'], { env: { ...process.env, TMPDIR: t }, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.write(PLAIN.subarray(0, 8192)); // and never close it: the run waits in the spool
    // Find the node process holding the deleted copy (bin/kvmkit may exec node as a child).
    const deadline = Date.now() + 20000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      for (const pid of [child.pid!, ...childrenOf(child.pid!)]) {
        try {
          for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
            const l = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
            if (l.startsWith(t) && l.endsWith('(deleted)')) seen = true;
          }
        } catch { /* gone or not ours */ }
      }
      if (seen) expect(ours(t)).toEqual([]); // while the copy is open, its name is already gone
    }
    for (const pid of childrenOf(child.pid!)) try { process.kill(pid, 'SIGKILL'); } catch { /* exited */ }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(seen).toBe(true);
    expect(ours(t)).toEqual([]);
  }, 30000);
});

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
