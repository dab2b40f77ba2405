import { Decompress } from 'fzstd';
import { node } from './platform.ts';
import { KvmkitError, clipText } from './errors.ts';
import { FileSource, type ByteSource } from './source.ts';

/**
 * Opening what a user names on the command line: a file, or `-` for standard input, plain or
 * compressed (savecore -z gzip, savecore -Z zstd), recognised by content, not by name. Compressed
 * input and stdin need a random-access copy: it goes into a temporary file that is unlinked right
 * after it is opened, so no exit path — a thrown error, Ctrl-C, SIGKILL — leaves it behind (Linux
 * keeps an unlinked file readable through its descriptor).
 */

export interface OpenOptions {
  /**
   * Whether the first inflated bytes of a compressed file look like what the caller reads. A
   * decompression bomb is refused after inflating a few KiB instead of after writing gigabytes to
   * the temp dir. Default: an ELF file or a minidump.
   */
  accept?: (head: Uint8Array) => boolean;
  /** What the caller expected, for the refusal ("a dump or kernel"). */
  expected?: string;
}

/** The name that means standard input. */
export const STDIN_NAME = '-';

/** How many inflated bytes the content check sees. */
export const HEAD_BYTES = 64;

export type Compression = 'gzip' | 'zstd' | 'none';

/** RFC 1952 (gzip: 1f 8b) and RFC 8878 (zstd frame magic 0xFD2FB528, little-endian) by their first bytes. */
export function compressionOf(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export function looksLikeElfOrMinidump(head: Uint8Array): boolean {
  const elf = head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  return elf || Buffer.from(head.subarray(0, 8)).toString('latin1') === 'minidump';
}

/**
 * The most a compressed input (or stdin) may grow to: `KVMKIT_MAX_INFLATE` bytes (a plain integer,
 * or with a K/M/G/T suffix), default 64 GiB — larger than any dump kvmkit is likely to see, small
 * enough that a bomb does not fill the disk.
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

/** Progress of a long copy (inflating, spooling stdin): the CLI installs a terminal bar; the library default is silent. */
export interface InputProgress { tick(done: number, total: number): void; end(): void }
let progressFactory: ((label: string) => InputProgress) | undefined;
/** Inputs whose compressed (or spooled) size reaches this show progress. */
export const PROGRESS_MIN_BYTES = 32 << 20;
export function setInputProgress(factory: ((label: string) => InputProgress) | undefined): void {
  progressFactory = factory;
}

/**
 * Open a file (or `-`) for random access. Plain regular files are read in place; compressed ones
 * are inflated as a stream into an unlinked temp file, after the first inflated bytes pass
 * `accept` and never past maxInflateBytes().
 */
export function openSource(file: string, o: OpenOptions = {}): ByteSource {
  const fd = file === STDIN_NAME ? spoolStdin() : openRegular(file);
  let kind: Compression;
  try {
    kind = compressionOf(readAt(fd, 0, 4));
  } catch (e) {
    node.fs.closeSync(fd);
    throw e;
  }
  if (kind === 'none') return new FileSource(file, fd);
  try {
    const out = inflate(fd, file, kind, o);
    return new FileSource(file, out);
  } finally {
    node.fs.closeSync(fd);
  }
}

function openRegular(file: string): number {
  let st;
  try {
    st = node.fs.statSync(file);
  } catch {
    throw new KvmkitError('no such file', { file });
  }
  if (st.isDirectory()) throw new KvmkitError('is a directory, not a file', { file });
  if (st.isFIFO()) throw new KvmkitError('is a FIFO (named pipe): kvmkit needs random access; give it as standard input instead (kvmkit … - < fifo)', { file });
  if (!st.isFile() && !st.isBlockDevice()) throw new KvmkitError('is not a regular file (a socket or character device): kvmkit needs random access', { file });
  try {
    return node.fs.openSync(file, 'r');
  } catch (e) {
    throw new KvmkitError(`cannot open: ${(e as Error).message}`, { file });
  }
}

function readAt(fd: number, pos: number, n: number): Uint8Array {
  const b = Buffer.alloc(n);
  return b.subarray(0, node.fs.readSync(fd, b, 0, n, pos));
}

/**
 * A read-write temp file that is already unlinked: only the descriptor keeps it. Created with
 * O_EXCL under a fresh name (no directory), unlinked on the next line: the name exists for
 * microseconds, never across a read.
 */
export function unlinkedTempFile(): number {
  for (let attempt = 0; ; attempt++) {
    const f = node.path.join(node.os.tmpdir(), `kvmkit-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
    let fd: number;
    try {
      fd = node.fs.openSync(f, 'wx+', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 8) continue;
      throw new KvmkitError(`cannot create a temporary copy: ${(e as Error).message}`, { file: f });
    }
    node.fs.unlinkSync(f);
    return fd;
  }
}

let stdinTaken = false;
const CHUNK = 1 << 20;

/** Standard input copied into an unlinked temp file (a pipe cannot seek); once per run. */
function spoolStdin(): number {
  if (stdinTaken) throw new KvmkitError('standard input (-) can be read only once per run', { file: STDIN_NAME });
  stdinTaken = true;
  if (process.stdin.isTTY) throw new KvmkitError('standard input is a terminal: pipe or redirect a file into it', { file: STDIN_NAME });
  const cap = maxInflateBytes();
  const out = unlinkedTempFile();
  const buf = Buffer.allocUnsafe(CHUNK);
  const bar = progressFactory?.('reading standard input');
  let n = 0;
  try {
    for (;;) {
      let got: number;
      try {
        got = node.fs.readSync(0, buf, 0, CHUNK, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw new KvmkitError(`cannot read: ${(e as Error).message}`, { file: STDIN_NAME, offset: n });
      }
      if (got === 0) break;
      if (n + got > cap) throw new KvmkitError(`standard input is larger than ${cap} bytes (the KVMKIT_MAX_INFLATE limit); stopped there`, { file: STDIN_NAME, offset: n });
      node.fs.writeSync(out, buf, 0, got, n);
      n += got;
      if (n >= PROGRESS_MIN_BYTES) bar?.tick(n >> 20, n >> 20);
    }
  } catch (e) {
    node.fs.closeSync(out);
    throw e;
  } finally {
    bar?.end();
  }
  return out;
}

/** Inflate `fd` (gzip or zstd) into an unlinked temp file; returns its descriptor. */
function inflate(fd: number, file: string, kind: 'gzip' | 'zstd', o: OpenOptions): number {
  const cap = maxInflateBytes();
  const head = kind === 'gzip' ? gzipHead(fd, file) : undefined;
  if (head) checkHead(head, file, kind, o);
  const out = unlinkedTempFile();
  try {
    if (kind === 'gzip') gunzipInto(fd, out, file, cap);
    else unzstdInto(fd, out, file, cap, o);
    return out;
  } catch (e) {
    node.fs.closeSync(out);
    if (e instanceof KvmkitError) throw e;
    throw new KvmkitError(`${kind} data is corrupt or truncated: ${clipText((e as Error).message)}`, { file });
  }
}

function checkHead(head: Uint8Array, file: string, kind: string, o: OpenOptions): void {
  if (!(o.accept ?? looksLikeElfOrMinidump)(head)) {
    throw new KvmkitError(`${kind} content is not ${o.expected ?? 'a dump or kernel (ELF or minidump)'}: it starts ${hexBytes(head.subarray(0, 16))}; not inflating it`, { file, offset: 0 });
  }
}

/**
 * The first HEAD_BYTES inflated bytes, from the first 4 KiB of compressed data only: a sync flush
 * gives what that prefix inflates to without needing the rest (at most ~4 MB even for a bomb).
 */
function gzipHead(fd: number, file: string): Uint8Array {
  const prefix = readAt(fd, 0, 4096);
  try {
    return node.zlib.gunzipSync(prefix, { finishFlush: node.zlib.constants.Z_SYNC_FLUSH }).subarray(0, HEAD_BYTES);
  } catch (e) {
    throw new KvmkitError(`gzip data is corrupt: ${clipText((e as Error).message)}`, { file, offset: 0 });
  }
}

function hexBytes(b: Uint8Array): string {
  return b.length ? Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ') : '(nothing)';
}

/**
 * Streaming gunzip, synchronous so that openSource stays synchronous. zlib has no synchronous
 * streaming API and gunzipSync would hold the whole dump in memory, so a child Node process pipes
 * its stdin (the compressed descriptor, read from offset 0) through a zlib stream to its stdout
 * (the unlinked temp file): memory stays flat however large the dump, and it stops (status 3) once
 * the output passes the cap. Multi-member gzip files (concatenated) are handled by zlib.
 */
const GUNZIP_SCRIPT = `
const fs = require('node:fs'), zlib = require('node:zlib'), { pipeline, Transform } = require('node:stream');
const cap = Number(process.argv[1]); let n = 0;
const count = new Transform({ transform(c, _e, cb) { n += c.length; if (n > cap) process.exit(3); else cb(null, c); } });
pipeline(fs.createReadStream('', { fd: 0, start: 0 }), zlib.createGunzip(), count, fs.createWriteStream('', { fd: 1, start: 0 }), (e) => {
  if (e) { process.stderr.write(String(e && e.message || e)); process.exit(1); }
});`;

function gunzipInto(inFd: number, outFd: number, file: string, cap: number): void {
  const r = node.childProcess.spawnSync(process.execPath, ['-e', GUNZIP_SCRIPT, String(cap)], { encoding: 'utf8', stdio: [inFd, outFd, 'pipe'], maxBuffer: 1 << 20 });
  if (r.error) throw r.error;
  if (r.status === 3) throw new KvmkitError(`gzip data inflates to more than ${cap} bytes (the KVMKIT_MAX_INFLATE limit); stopped there`, { file });
  if (r.status !== 0) throw new Error(r.stderr.trim() || `inflater exited with status ${r.status}`);
}

/** Streaming zstd (fzstd, in process and synchronous): compressed chunks in, each inflated block written at once. */
function unzstdInto(inFd: number, outFd: number, file: string, cap: number, o: OpenOptions): void {
  const size = node.fs.fstatSync(inFd).size;
  const bar = size >= PROGRESS_MIN_BYTES ? progressFactory?.(`inflating ${file}`) : undefined;
  let written = 0;
  let head: Uint8Array | undefined = new Uint8Array(0);
  const emit = (b: Uint8Array) => {
    if (written + b.length > cap) throw new KvmkitError(`zstd data inflates to more than ${cap} bytes (the KVMKIT_MAX_INFLATE limit); stopped there`, { file });
    node.fs.writeSync(outFd, b, 0, b.length, written);
    written += b.length;
  };
  const d = new Decompress((chunk) => {
    if (head) {
      // Hold the first bytes back until the content check has seen them.
      head = Buffer.concat([head, chunk]);
      if (head.length < HEAD_BYTES) return;
      checkHead(head, file, 'zstd', o);
      const h = head;
      head = undefined;
      emit(h);
    } else emit(chunk);
  });
  try {
    for (let pos = 0; ;) {
      // A fresh buffer per chunk: the decompressor may keep a reference to an incomplete block.
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = node.fs.readSync(inFd, buf, 0, CHUNK, pos);
      pos += n;
      d.push(buf.subarray(0, n), n === 0 || pos >= size);
      bar?.tick(pos >> 20, size >> 20);
      if (n === 0 || pos >= size) break;
    }
  } finally {
    bar?.end();
  }
  if (head) {
    checkHead(head, file, 'zstd', o);
    emit(head);
  }
}
