import { UsageError, hex } from "../../base/errors.js";
import { openImage } from "../../image/open.js";
import { symbolAddress } from "../../image/symbols.js";
import { hexdumpC } from "../../image/hexdump.js";
export const command = {
    command: 'kread <vmcore> <target>',
    describe: 'Read kernel virtual memory at a symbol or address and print it like hexdump -C',
    builder: (y) => y
        .positional('vmcore', { type: 'string', demandOption: true, describe: 'crash dump (gzip accepted)' })
        .positional('target', { type: 'string', demandOption: true, describe: 'a kernel symbol (e.g. hz, _allproc) or a virtual address 0x…' })
        .option('kernel', { alias: 'k', type: 'string', demandOption: true, describe: 'the kernel ELF the dump came from' })
        .option('len', { alias: 'n', type: 'number', describe: "bytes to read (default: the symbol's size, else the pointer size)" })
        .example('$0 kread vmcore.0 -k kernel hz', 'the 4 bytes of the kernel variable hz')
        .example('$0 kread vmcore.0 -k kernel 0xfffff80002f13528 --len 64', '64 bytes at a kernel virtual address'),
    handler: (a) => {
        const img = openImage(a.vmcore, a.kernel);
        try {
            let va;
            let len = a.len;
            if (/^0x[0-9a-f]+$/i.test(a.target)) {
                va = BigInt(a.target);
            }
            else {
                va = symbolAddress(img, a.target);
                const size = img.symbols?.lookup(a.target)?.size ?? 0;
                if (len === undefined && size > 0)
                    len = size;
            }
            len ??= img.pointerSize;
            if (!Number.isInteger(len) || len <= 0 || len > 1 << 24)
                throw new UsageError(`--len must be between 1 and ${1 << 24}, got ${len}`);
            process.stdout.write(`${a.target} = ${hex(va)} (${len} bytes):\n`);
            process.stdout.write(hexdumpC(img.read(va, len), va, img.pointerSize * 2));
        }
        finally {
            img.close();
        }
    },
};
