import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import type { ImageFormat } from '../../src/image/image.ts';
import { openImage } from '../../src/image/open.ts';
import { MinidumpImage } from '../../src/image/sparse.ts';
import { buildModel, msgbufRing, msgbufText, visChar } from '../../src/kernel/index.ts';
import { buildImage } from '../../src/kstruct/index.ts';
import { readCrashInfo, readMsgbuf } from '../../src/kvm/index.ts';
import { msgbufLayout } from '../../src/layout/index.ts';
import { REPO } from '../corpus.ts';

describe('message buffer ring rules (subr_msgbuf.c, dmesg.c), derived by hand', () => {
  it('a ring of 8 bytes holding 11: byte at seq s lands at s % 8, dmesg starts at wseq % 8', () => {
    // a..h fill positions 0..7; i, j, \n (seq 8, 9, 10) land at 0, 1, 2.
    const r = msgbufRing('abcdefghij\n', 8);
    expect(Buffer.from(r.ring).toString('latin1')).toBe('ij\ndefgh');
    expect(r.wseq).toBe(11);
    expect(r.seqmod).toBe(128); // SEQMOD(8) = 8 * 16
    expect(r.cksum).toBe([...Buffer.from('ij\ndefgh', 'latin1')].reduce((a, b) => a + b, 0));
    expect(r.needNewline).toBe(false);
    expect(msgbufText(r.ring, r.wseq)).toBe('defghij\n');
  });
  it('an unwrapped ring: the NULs after the write position are ignored', () => {
    const r = msgbufRing('ab\n', 8);
    expect(Buffer.from(r.ring)).toEqual(Buffer.from([0x61, 0x62, 0x0a, 0, 0, 0, 0, 0]));
    expect(msgbufText(r.ring, r.wseq)).toBe('ab\n');
  });
  it('sequence numbers wrap at SEQMOD, positions stay seq % size', () => {
    // 8 * 16 = 128 bytes into a ring of 8: wseq wraps to 0, the ring holds the last 8 bytes.
    const text = 'x'.repeat(120) + '0123456\n';
    const r = msgbufRing(text, 8);
    expect(r.wseq).toBe(0);
    expect(msgbufText(r.ring, r.wseq)).toBe('0123456\n');
  });
  it('a <pri> right after a newline is dropped, elsewhere kept; a missing final newline is added', () => {
    const ring = Buffer.from('x\n<6>y <4>z', 'latin1');
    expect(msgbufText(ring, 0)).toBe('x\ny <4>z\n');
  });
  it('vis(3) escapes: \\^A, \\^?, \\M-i, \\M^A, a doubled backslash', () => {
    expect([0x01, 0x7f, 0xe9, 0x81, 0x5c, 0x41, 0x09].map(visChar)).toEqual(['\\^A', '\\^?', '\\M-i', '\\M^A', '\\\\', 'A', '\t']);
  });
});

describe('struct msgbuf layout (sys/sys/msgbuf.h: char *msg_ptr, then eight 4-byte members, then struct mtx)', () => {
  it('amd64: pointer 8 bytes, the u_ints follow at 8, 12, …, msg_lock at 40 (8-aligned)', () => {
    const L = msgbufLayout('amd64');
    expect(['msg_ptr', 'msg_magic', 'msg_size', 'msg_wseq', 'msg_rseq', 'msg_cksum', 'msg_seqmod', 'msg_lastpri', 'msg_flags', 'msg_lock'].map((f) => L.field(f).offset))
      .toEqual([0, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
  });
  it('i386: pointer 4 bytes, msg_lock at 36', () => {
    const L = msgbufLayout('i386');
    expect(['msg_ptr', 'msg_magic', 'msg_flags', 'msg_lock'].map((f) => L.field(f).offset)).toEqual([0, 4, 32, 36]);
  });
});

const FORMATS: [ImageFormat, string][] = [['amd64-minidump', 'amd64'], ['amd64-elf', 'amd64'], ['i386-minidump', 'i386'], ['arm64-minidump', 'arm64']];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-msgbuf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The scenario input: 40 numbered lines ("kernel line number " 19 + 3 digits + newline = 23 bytes each, 920 bytes) into a 512-byte ring, so it wraps.
const LINES = Array.from({ length: 40 }, (_, i) => `kernel line number ${String(i).padStart(3, '0')}\n`);
const TEXT = LINES.join('');
const SIZE = 512;
const PANIC = 'page fault while in kernel mode';
const VERSION = 'FreeBSD 15.0-RELEASE GENERIC';
function scenario(): unknown {
  const sc = JSON.parse(fs.readFileSync(path.join(REPO, 'dumps/scenarios/login-session.json'), 'utf8'));
  sc.system = { ...sc.system, msgbuf: TEXT, msgbufSize: SIZE, panic: PANIC, version: VERSION };
  return sc;
}

describe('image build writes the message buffer and panic string; dmesg/info read them back, on all four formats', () => {
  for (const [format, arch] of FORMATS) {
    const base = path.join(tmp, format);
    it(`${format}: dmesg prints the last msg_size bytes of the text written, oldest first`, () => {
      expect(TEXT.length).toBe(920);
      buildImage(buildModel(scenario(), { arch }), { format, vmcore: `${base}.core`, kernel: `${base}.kernel` });
      const img = openImage(`${base}.core`, `${base}.kernel`);
      try {
        const m = readMsgbuf(img);
        expect(m.source).toBe('msgbufp');
        expect(m.size).toBe(SIZE);
        expect(m.wseq).toBe(920); // < SEQMOD(512) = 8192: no normalisation
        expect(m.notes).toEqual([]);
        // Wrapped: the ring holds bytes 408..919 of the text (920 - 512 = 408), oldest at 920 % 512 = 408.
        expect(m.text).toBe(TEXT.slice(408));
        const info = readCrashInfo(img);
        expect(info.panicstr).toBe(PANIC);
        expect(info.version).toBe(VERSION);
        expect(info.osreldate).toBe(1500000);
        expect(info.errors).toEqual([]);
        if (img instanceof MinidumpImage) expect(Buffer.from(img.msgbufSection()).toString('latin1')).toBe(TEXT.slice(512, 920) + TEXT.slice(408, 512)); // positions 0..407 hold seq 512..919, 408..511 hold seq 408..511
      } finally {
        img.close();
      }
    });
  }
  it('the CLI: kvmkit dmesg -M -N prints it; info names the panic; without a kernel, an ELF dump is a clear error', () => {
    const base = path.join(tmp, 'amd64-elf');
    const run = (...args: string[]) => spawnSync(path.join(REPO, 'bin/kvmkit'), args, { encoding: 'utf8' });
    const d = run('dmesg', '-M', `${base}.core`, '-N', `${base}.kernel`);
    expect(d.status).toBe(0);
    expect(d.stdout).toBe(TEXT.slice(408));
    const i = run('info', `${base}.core`, '-k', `${base}.kernel`);
    expect(i.stdout).toContain(`panicstr: ${PANIC}\n`);
    expect(i.stdout).toMatch(/dumptid: \d+\n/);
    const e = run('dmesg', `${base}.core`);
    expect(e.status).not.toBe(0);
    expect(e.stderr).toContain('needs the kernel');
    expect(e.stderr).not.toMatch(/\n\s+at /);
  });
  it('a kernel with no panic: panicstr reads as NULL', () => {
    const sc = scenario() as { system: Record<string, unknown> };
    delete sc.system.panic;
    const base = path.join(tmp, 'nopanic');
    buildImage(buildModel(sc, { arch: 'amd64' }), { format: 'amd64-minidump', vmcore: `${base}.core`, kernel: `${base}.kernel` });
    const img = openImage(`${base}.core`, `${base}.kernel`);
    try {
      expect(readCrashInfo(img).panicstr).toBeNull();
    } finally {
      img.close();
    }
  });
  it('a wrong magic is a KvmkitError naming msg_magic', () => {
    const base = path.join(tmp, 'amd64-minidump');
    // Point the reader at a kernel whose msgbufp is the minidump's: corrupt the magic in a copy of the dump.
    const bytes = fs.readFileSync(`${base}.core`);
    const img0 = openImage(`${base}.core`, `${base}.kernel`);
    const m = readMsgbuf(img0);
    const off = img0.translate(m.address! + 8n).fileOffset;
    img0.close();
    bytes.writeUInt32LE(0x12345678, off);
    fs.writeFileSync(`${base}.bad`, bytes);
    const img = openImage(`${base}.bad`, `${base}.kernel`);
    try {
      expect(() => readMsgbuf(img)).toThrow(KvmkitError);
      expect(() => readMsgbuf(img)).toThrow(/msg_magic|magic number incorrect/);
    } finally {
      img.close();
    }
  });
});
