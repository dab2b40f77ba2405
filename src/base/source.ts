import { node } from './platform.ts';
import { checkRead } from './bounds.ts';
import { KvmkitError } from './errors.ts';

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
  /** `fd`: read this open descriptor (closed on close) instead of opening `name`, e.g. an unlinked temp copy. */
  constructor(readonly name: string, fd?: number) {
    try {
      this.fd = fd ?? node.fs.openSync(name, 'r');
      this.size = node.fs.fstatSync(this.fd).size;
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
        n = node.fs.readSync(this.fd, into, at + done, Math.min(READ_CHUNK, length - done), offset + done);
      } catch (e) {
        throw new KvmkitError(`cannot read: ${(e as Error).message}`, { file: this.name, offset: offset + done });
      }
      if (n === 0) throw new KvmkitError(`short read: ${done} of ${length} bytes (the file shrank?)`, { file: this.name, offset });
      done += n;
    }
  }
  close(): void {
    if (this.fd >= 0) node.fs.closeSync(this.fd);
    this.fd = -1;
  }
}

// Opening a file by name (compression by content, stdin, temp copies) lives in ./input.ts.
export { openSource, maxInflateBytes, looksLikeElfOrMinidump, HEAD_BYTES, type OpenOptions } from './input.ts';
