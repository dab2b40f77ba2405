import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { checkRead } from './bounds.ts';
import { KvmkitError, clipText } from './errors.ts';

/**
 * Random-access bytes. Dumps are read through this so that opening and walking an image never
 * loads the whole file: only the pages a translation touches are read.
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or a KvmkitError naming the file and offset. */
  read(offset: number, length: number): Uint8Array;
  /** Optional: the same bytes copied into `into` at `at` (no allocation; same errors as read). */
  readInto?(offset: number, length: number, into: Uint8Array, at: number): void;
  close(): void;
}

export class BufferSource implements ByteSource {
  constructor(readonly bytes: Uint8Array, readonly name = '<memory>') {}
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number): Uint8Array {
    const r = checkRead(offset, length, this.bytes.length, { file: this.name, field: 'read', offset });
    return this.bytes.subarray(r.start, r.start + r.length);
  }
  readInto(offset: number, length: number, into: Uint8Array, at: number): void {
    into.set(this.read(offset, length), at);
  }
  close(): void {}
}

/** One readSync call moves at most this much: Node refuses single reads of 2 GiB and more. */
const READ_CHUNK = 1 << 26;

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number;
  constructor(readonly name: string, private readonly unlinkOnClose?: string) {
    try {
      this.fd = fs.openSync(name, 'r');
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      throw new KvmkitError(`cannot open: ${(e as Error).message}`, { file: name });
    }
  }
  read(offset: number, length: number): Uint8Array {
    const r = checkRead(offset, length, this.size, { file: this.name, field: 'read', offset });
    const out = Buffer.allocUnsafe(r.length);
    this.fill(r.start, r.length, out, 0);
    return out;
  }
  readInto(offset: number, length: number, into: Uint8Array, at: number): void {
    const r = checkRead(offset, length, this.size, { file: this.name, field: 'read', offset });
    if (!Number.isSafeInteger(at) || at < 0 || at + r.length > into.length) throw new KvmkitError(`read of ${length} bytes does not fit the buffer`, { file: this.name, offset });
    this.fill(r.start, r.length, into, at);
  }
  private fill(offset: number, length: number, into: Uint8Array, at: number): void {
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = fs.readSync(this.fd, into, at + done, Math.min(READ_CHUNK, length - done), offset + done);
      } catch (e) {
        throw new KvmkitError(`cannot read: ${(e as Error).message}`, { file: this.name, offset: offset + done });
      }
      if (n === 0) throw new KvmkitError(`short read: ${done} of ${length} bytes (the file shrank?)`, { file: this.name, offset });
      done += n;
    }
  }
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    if (this.unlinkOnClose) fs.rmSync(this.unlinkOnClose, { recursive: true, force: true });
  }
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export interface OpenOptions {
  /**
   * Whether the first inflated bytes of a compressed file look like what the caller reads. A gzip
   * bomb is refused after inflating a few KiB instead of after writing gigabytes to the temp dir.
   * Default: an ELF file or a minidump.
   */
  accept?: (head: Uint8Array) => boolean;
  /** What the caller expected, for the refusal ("a dump or kernel"). */
  expected?: string;
}

/** How many inflated bytes the content check sees. */
export const HEAD_BYTES = 64;

export function looksLikeElfOrMinidump(head: Uint8Array): boolean {
  const elf = head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  return elf || Buffer.from(head.subarray(0, 8)).toString('latin1') === 'minidump';
}

/**
 * The most a compressed input may inflate to: `KVMKIT_MAX_INFLATE` bytes (a plain integer, or with a
 * K/M/G/T suffix), default 64 GiB — larger than any dump kvmkit is likely to see, small enough that
 * a bomb does not fill the disk.
 */
export function maxInflateBytes(env = process.env.KVMKIT_MAX_INFLATE): number {
  const DEFAULT = 64 * 2 ** 30;
  if (env === undefined || env === '') return DEFAULT;
  const m = /^(\d+)([KMGT]?)$/i.exec(env.trim());
  if (!m) throw new KvmkitError(`KVMKIT_MAX_INFLATE=${clipText(env)} is not a byte count (e.g. 8G)`, { field: 'KVMKIT_MAX_INFLATE' });
  const v = Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  if (!Number.isSafeInteger(v) || v <= 0) throw new KvmkitError(`KVMKIT_MAX_INFLATE=${clipText(env)} is out of range`, { field: 'KVMKIT_MAX_INFLATE' });
  return v;
}

/**
 * Open a file for random access. Compressed input (gzip, recognised by content, not by name) is
 * inflated as a stream into a temporary file that is removed on close: savecore's `vmcore.N.gz`
 * needs random access, and a stream keeps memory flat however large the dump. Before anything is
 * written the first inflated bytes are checked (`accept`), and inflation stops at maxInflateBytes().
 */
export function openSource(file: string, o: OpenOptions = {}): ByteSource {
  if (!fs.existsSync(file)) throw new KvmkitError('no such file', { file });
  if (fs.statSync(file).isDirectory()) throw new KvmkitError('is a directory, not a file', { file });
  if (!isGzip(file)) return new FileSource(file);
  const cap = maxInflateBytes();
  const head = inflatedHead(file);
  if (!(o.accept ?? looksLikeElfOrMinidump)(head)) {
    throw new KvmkitError(`gzip content is not ${o.expected ?? 'a dump or kernel (ELF or minidump)'}: it starts ${hexBytes(head.subarray(0, 16))}; not inflating it`, { file, offset: 0 });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-'));
  const out = path.join(dir, path.basename(file).replace(/\.gz$/, '') || 'inflated');
  try {
    inflateFileSync(file, out, cap);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (e instanceof KvmkitError) throw e;
    throw new KvmkitError(`gzip data is corrupt or truncated: ${clipText((e as Error).message)}`, { file });
  }
  const src = new FileSource(out, dir);
  return Object.assign(src, { name: file }) as ByteSource;
}

/**
 * The first HEAD_BYTES inflated bytes, from the first 4 KiB of compressed data only: a sync flush
 * gives what that prefix inflates to without needing the rest (at most ~4 MB even for a bomb).
 */
function inflatedHead(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  const prefix = Buffer.alloc(4096);
  let n: number;
  try {
    n = fs.readSync(fd, prefix, 0, prefix.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  try {
    return zlib.gunzipSync(prefix.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, HEAD_BYTES);
  } catch (e) {
    throw new KvmkitError(`gzip data is corrupt: ${clipText((e as Error).message)}`, { file, offset: 0 });
  }
}

function hexBytes(b: Uint8Array): string {
  return b.length ? Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ') : '(nothing)';
}

/**
 * Streaming gunzip, synchronous so that openSource stays synchronous. zlib has no synchronous
 * streaming API and gunzipSync would hold the whole compressed and inflated dump in memory, so a
 * child Node process pipes the file through a zlib stream into the output: memory stays flat in
 * both processes however large the dump. It stops (and fails) once the output passes the cap.
 * Multi-member gzip files (concatenated) are handled by zlib.
 */
const INFLATE_SCRIPT = `
const fs = require('node:fs'), zlib = require('node:zlib'), { pipeline, Transform } = require('node:stream');
const cap = Number(process.argv[3]); let n = 0;
const count = new Transform({ transform(c, _e, cb) { n += c.length; if (n > cap) process.exit(3); else cb(null, c); } });
pipeline(fs.createReadStream(process.argv[1]), zlib.createGunzip(), count, fs.createWriteStream(process.argv[2]), (e) => {
  if (e) { process.stderr.write(String(e && e.message || e)); process.exit(1); }
});`;

function inflateFileSync(input: string, output: string, cap: number): void {
  const r = spawnSync(process.execPath, ['-e', INFLATE_SCRIPT, input, output, String(cap)], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  if (r.error) throw r.error;
  if (r.status === 3) throw new KvmkitError(`gzip data inflates to more than ${cap} bytes (the KVMKIT_MAX_INFLATE limit); stopped there`, { file: input });
  if (r.status !== 0) throw new Error(r.stderr.trim() || `inflater exited with status ${r.status}`);
}
