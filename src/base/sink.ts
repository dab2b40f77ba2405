import * as fs from 'node:fs';
import { KvmkitError } from './errors.ts';

/** Progress of a long write: units done out of total (pages, for the image writers). */
export type Progress = (done: number, total: number) => void;

/**
 * A file written front to back in pieces, never held whole in memory. Runs of zero pages can be
 * skipped as holes (the file stays sparse on filesystems that support it).
 */
export class FileSink {
  private fd: number;
  pos = 0;
  constructor(readonly path: string) {
    try {
      this.fd = fs.openSync(path, 'w');
    } catch (e) {
      throw new KvmkitError(`cannot create: ${(e as Error).message}`, { file: path });
    }
  }

  write(b: Uint8Array): void {
    let done = 0;
    try {
      while (done < b.length) done += fs.writeSync(this.fd, b, done, b.length - done, this.pos + done);
    } catch (e) {
      throw new KvmkitError(`cannot write: ${(e as Error).message}`, { file: this.path, offset: this.pos + done });
    }
    this.pos += b.length;
  }

  /** Leave `n` zero bytes without writing them. */
  skip(n: number): void {
    this.pos += n;
  }

  /** Pad with zeros (as a hole) up to a multiple of `p`. */
  padTo(p: number): void {
    this.pos = Math.ceil(this.pos / p) * p;
  }

  /** Set the final length (so trailing holes count) and close. */
  finish(): void {
    fs.ftruncateSync(this.fd, this.pos);
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Close after a failure and remove the partial file. */
  abort(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    fs.rmSync(this.path, { force: true });
  }
}
