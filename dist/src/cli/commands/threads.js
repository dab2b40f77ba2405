import { openImage } from "../../image/open.js";
import { formatThreadWalk, threadWalkJson, walkThreads } from "../../kvm/threads.js";
import { EXIT_ERROR } from "../exit.js";
import { printJson } from "../output.js";
export const command = {
    command: 'threads <vmcore>',
    describe: 'List the processes on allproc and their threads in a kernel crash dump',
    builder: (y) => y
        .positional('vmcore', { type: 'string', demandOption: true, describe: 'crash dump (minidump or ELF full dump; gzip accepted)' })
        .option('kernel', { alias: 'k', type: 'string', demandOption: true, describe: 'the kernel ELF the dump came from (symbol table)' })
        .option('json', { type: 'boolean', default: false, describe: 'print [{paddr,pid,comm,threads:[{tdaddr,tid,name,oncpu,crashed}]}]' })
        .example('$0 threads vmcore.0 --kernel /boot/kernel/kernel', 'list processes and threads; the thread that panicked is marked (crashed)')
        .example('$0 threads vmcore.1.gz -k kernel.debug --json', 'the same as JSON, addresses as "0x…" strings'),
    handler: (a) => {
        const img = openImage(a.vmcore, a.kernel);
        try {
            const w = walkThreads(img);
            if (a.json)
                printJson(threadWalkJson(w));
            else
                process.stdout.write(formatThreadWalk(w));
            // A list cut short by a bad pointer or a cycle is still printed, but the run is not a success.
            if (w.incomplete)
                process.exitCode = EXIT_ERROR;
        }
        finally {
            img.close();
        }
    },
};
