import { hex } from "../../base/errors.js";
import { openImage } from "../../image/open.js";
import { printJson } from "../output.js";
export const command = {
    command: 'info <vmcore>',
    describe: 'Identify a kernel crash dump and print its container header',
    builder: (y) => y
        .positional('vmcore', { type: 'string', demandOption: true, describe: 'crash dump (gzip accepted)' })
        .option('kernel', { alias: 'k', type: 'string', describe: 'the kernel ELF: selects the back-end as libkvm does (needed for full-dump page tables)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the header as JSON (64-bit values as decimal strings)' })
        .example('$0 info vmcore.0', 'format, version, page count and header fields, recognised by content')
        .example('$0 info vmcore.0.gz -k kernel --json', 'the same, probing with the kernel, as JSON'),
    handler: (a) => {
        const img = openImage(a.vmcore, a.kernel);
        try {
            const i = img.info();
            if (a.json) {
                printJson(i);
                return;
            }
            const lines = [`file: ${i.file}`, `format: ${i.format}`, `arch: ${i.arch}`];
            if (i.version !== undefined)
                lines.push(`version: ${i.version}`);
            lines.push(`page size: ${i.pageSize}`, `pages in dump: ${i.pageCount}`);
            for (const [k, v] of Object.entries(i.header)) {
                if (k === 'version')
                    continue;
                lines.push(`${k}: ${typeof v === 'bigint' ? hex(v) : typeof v === 'number' && /off|size|Off/.test(k) ? `${v} (${hex(v)})` : v}`);
            }
            process.stdout.write(lines.join('\n') + '\n');
        }
        finally {
            img.close();
        }
    },
};
