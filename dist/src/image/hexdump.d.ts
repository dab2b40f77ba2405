/**
 * `hexdump -C` layout with the kernel virtual address in the offset column: 16 bytes a line, an
 * extra space after the eighth, then the printable characters between bars.
 */
export declare function hexdumpC(bytes: Uint8Array, base: bigint, addrDigits?: number): string;
