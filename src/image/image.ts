import { KvmkitError, hex } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import type { KernelSymbols } from './symbols.ts';

/** The dump containers kvmkit reads, named after libkvm's back-ends. */
export type ImageFormat = 'amd64-minidump' | 'amd64-elf' | 'i386-minidump' | 'arm64-minidump';
export type ImageArch = 'amd64' | 'i386' | 'arm64';

/** Where a virtual address lives: its physical address, the file offset, and how many bytes are contiguous there. */
export interface Translation {
  pa: bigint;
  fileOffset: number;
  /** Bytes readable from fileOffset without another translation (libkvm's returned length). */
  length: number;
}

export interface ImageInfo {
  file: string;
  format: ImageFormat;
  arch: ImageArch;
  version?: number;
  pageSize: number;
  /** Physical pages stored in the dump (bitmap bits set, or PT_LOAD bytes / page size). */
  pageCount: number;
  /** Raw header fields, by their FreeBSD names. */
  header: Record<string, number | bigint | string>;
}

export interface PresentPage {
  pa: bigint;
  fileOffset: number;
}

/**
 * A kernel crash dump opened for reading. Translation follows libkvm's back-end for the format;
 * reads never cross a page without translating again, because adjacent virtual pages are
 * rarely adjacent in the file.
 */
export interface KernelImage {
  readonly format: ImageFormat;
  readonly arch: ImageArch;
  readonly littleEndian: boolean;
  readonly pointerSize: 4 | 8;
  readonly pageSize: number;
  readonly source: ByteSource;
  /** The kernel's symbol table, when a kernel was given at open. */
  readonly symbols?: KernelSymbols;
  info(): ImageInfo;
  translate(va: bigint): Translation;
  /** File offset of a physical address, or undefined when the page is not in the dump. */
  physOffset(pa: bigint): number | undefined;
  read(va: bigint, len: number): Uint8Array;
  readPhys(pa: bigint, len: number): Uint8Array;
  presentPages(): Iterable<PresentPage>;
  close(): void;
}

/**
 * A failed translation. `reason` is libkvm's specific message (e.g.
 * "_amd64_minidump_vatop: pde not valid"); the message also carries libkvm's final
 * "invalid address (0x…)" so an analyst sees both, as kvm_geterr would after the specific one.
 */
export class TranslationError extends KvmkitError {
  constructor(readonly reason: string, readonly va: bigint, file: string, offset?: number) {
    super(`${reason}: invalid address (${hex(va)})`, { file, address: va, ...(offset !== undefined ? { offset } : {}) });
    this.name = 'TranslationError';
  }
}

export const MASK64 = (1n << 64n) - 1n;

/** read/readPhys/presentPages shared by every format; subclasses supply translate and physOffset. */
export abstract class BaseImage implements KernelImage {
  abstract readonly format: ImageFormat;
  abstract readonly arch: ImageArch;
  readonly littleEndian: boolean = true;
  abstract readonly pointerSize: 4 | 8;
  pageSize = 4096;
  symbols?: KernelSymbols;

  constructor(readonly source: ByteSource) {}

  abstract info(): ImageInfo;
  abstract translate(va: bigint): Translation;
  abstract physOffset(pa: bigint): number | undefined;
  abstract presentPages(): Iterable<PresentPage>;

  protected fail(reason: string, va: bigint, offset?: number): never {
    throw new TranslationError(reason, va, this.source.name, offset);
  }

  read(va: bigint, len: number): Uint8Array {
    checkLen(len, this.source.name, va);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const cur = (va + BigInt(done)) & MASK64;
      const t = this.translate(cur);
      const inPage = this.pageSize - Number(cur & BigInt(this.pageSize - 1));
      const n = Math.min(len - done, t.length, inPage);
      // libkvm treats a zero length as failure; never loop on it.
      if (n <= 0) this.fail('translation returned no readable bytes', cur, t.fileOffset);
      out.set(this.fileBytes(t.fileOffset, n, cur), done);
      done += n;
    }
    return out;
  }

  readPhys(pa: bigint, len: number): Uint8Array {
    checkLen(len, this.source.name, pa);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const cur = pa + BigInt(done);
      const off = this.physOffset(cur);
      if (off === undefined) throw new KvmkitError(`physical address ${hex(cur)} is not in the dump`, { file: this.source.name, address: cur });
      const n = Math.min(len - done, this.pageSize - Number(cur & BigInt(this.pageSize - 1)));
      out.set(this.fileBytes(off, n, cur), done);
      done += n;
    }
    return out;
  }

  /** Bytes at a file offset; a dump cut short (savecore ran out of space, or a minimised test dump) is named as such. */
  protected fileBytes(offset: number, n: number, addr: bigint): Uint8Array {
    if (offset + n > this.source.size) {
      throw new KvmkitError(`page lies beyond the end of the file (size ${this.source.size}): the dump is truncated`, { file: this.source.name, offset, address: addr });
    }
    return this.source.read(offset, n);
  }

  close(): void {
    this.source.close();
  }
}

function checkLen(len: number, file: string, addr: bigint): void {
  if (!Number.isSafeInteger(len) || len < 0 || len > 1 << 30) throw new KvmkitError(`bad read length ${len}`, { file, address: addr });
}

/** Little-endian or big-endian fixed-width reads of a small buffer. */
export function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function roundUp(n: number, p: number): number {
  return Math.ceil(n / p) * p;
}
