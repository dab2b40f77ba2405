import { type ByteSource } from '../base/source.ts';
import type { ImageFormat, KernelImage } from './image.ts';
import { KernelSymbols } from './symbols.ts';
/**
 * Choose the back-end as libkvm does: the first whose probe accepts, each probe looking at the
 * kernel's ELF class, type and machine and at whether the core starts with "minidump".
 * Probe order follows libkvm's linker set (i386 before amd64 before arm64 is irrelevant here
 * because the kernel tests are disjoint).
 */
export declare function probeFormat(core: ByteSource, kernel: KernelSymbols): ImageFormat;
/** Without a kernel, recognise the container from its own bytes (full magic, or ELF core machine). */
export declare function sniffFormat(core: ByteSource): ImageFormat;
/** Open an already-opened core (and optional kernel symbols) as a KernelImage. */
export declare function openImageSource(core: ByteSource, kernel?: KernelSymbols): KernelImage;
/**
 * Open a dump (plain or gzip) with its kernel, like kvm_open2: the kernel's ELF class and machine
 * select the back-end. Without a kernel the container is recognised by content; symbol reads
 * and full-dump translation then fail with a clear error. close() closes both files.
 */
export declare function openImage(vmcorePath: string, kernelPath?: string): KernelImage;
