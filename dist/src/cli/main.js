var __rewriteRelativeImportExtension = (this && this.__rewriteRelativeImportExtension) || function (path, preserveJsx) {
    if (typeof path === "string" && /^\.\.?\//.test(path)) {
        return path.replace(/\.(tsx)$|((?:\.d)?)((?:\.[^./]+?)?)\.([cm]?)ts$/i, function (m, tsx, d, ext, cm) {
            return tsx ? preserveJsx ? ".jsx" : ".js" : d && (!ext || !cm) ? m : (d + ext + "." + cm.toLowerCase() + "js");
        });
    }
    return path;
};
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { KvmkitError, UsageError } from "../base/errors.js";
import { EXIT_ERROR, EXIT_USAGE } from "./exit.js";
/**
 * The CLI is a thin shell: each file in ./commands exports `command` (a yargs CommandModule) that
 * parses flags, calls the typed library API and prints. Commands are discovered from the folder so
 * that adding one touches no shared file.
 */
// `kvmkit ps … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
        if (e.code === 'EPIPE')
            process.exit(0);
        throw e;
    });
}
const here = path.dirname(fileURLToPath(import.meta.url));
const files = fs.readdirSync(path.join(here, 'commands')).filter((f) => f.endsWith('.ts')).sort();
const commands = [];
for (const f of files) {
    const mod = (await import(__rewriteRelativeImportExtension(path.join(here, 'commands', f))));
    if (mod.command)
        commands.push(mod.command);
    if (mod.commands)
        commands.push(...mod.commands);
}
let cli = yargs(hideBin(process.argv))
    .scriptName('kvmkit')
    .usage('$0 <command> [options]\n\nDecode, produce and check FreeBSD kinfo_proc records and kernel crash-dump images.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
    if (err)
        throw err;
    process.stderr.write(`kvmkit: ${msg}\nRun 'kvmkit --help' for usage.\n`);
    process.exit(EXIT_USAGE);
});
for (const c of commands)
    cli = cli.command(c);
try {
    await cli.help().alias('h', 'help').version(false).parseAsync();
}
catch (e) {
    if (e instanceof UsageError) {
        process.stderr.write(`kvmkit: ${e.message}\n`);
        process.exit(EXIT_USAGE);
    }
    if (e instanceof KvmkitError) {
        process.stderr.write(`kvmkit: ${e.message}\n`);
        process.exit(EXIT_ERROR);
    }
    if (e && typeof e === 'object' && 'code' in e && e.code === 'EPIPE')
        process.exit(0);
    process.stderr.write(`kvmkit: internal error: ${e?.stack ?? String(e)}\n`);
    process.exit(EXIT_ERROR);
}
