import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type Arguments, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_USAGE } from './exit.ts';
import { reportError } from './error-policy.ts';
import { checkOptions, type DeclaredOptions } from './options.ts';

/**
 * The CLI is a thin shell: each file in ./commands exports `command` (a yargs CommandModule) that
 * parses flags, calls the typed library API and prints. Commands are discovered from the folder so
 * that adding one touches no shared file.
 */
// `kvmkit ps … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const here = path.dirname(fileURLToPath(import.meta.url));
const files = fs.readdirSync(path.join(here, 'commands')).filter((f) => f.endsWith('.ts')).sort();
const commands: CommandModule[] = [];
for (const f of files) {
  const mod = (await import(path.join(here, 'commands', f))) as { command?: CommandModule; commands?: CommandModule[] };
  if (mod.command) commands.push(mod.command);
  if (mod.commands) commands.push(...mod.commands);
}

let cli = yargs(hideBin(process.argv))
  .scriptName('kvmkit')
  .usage('$0 <command> [options]\n\nDecode, produce and check FreeBSD kinfo_proc records and kernel crash-dump images.')
  .strict()
  .demandCommand(1, 'Name a command; see the list above.')
  .recommendCommands()
  .wrap(Math.min(110, process.stdout.columns || 110))
  // Repeated flags and number ranges, for every command (src/cli/options.ts).
  .middleware(((argv: Arguments, y: unknown) => checkOptions(argv, (y as { getOptions(): DeclaredOptions }).getOptions())) as never)
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`kvmkit: ${msg}\nRun 'kvmkit --help' for usage.\n`);
    process.exit(EXIT_USAGE);
  });
for (const c of commands) cli = cli.command(c);

try {
  await cli.help().alias('h', 'help').version(false).parseAsync();
} catch (e) {
  if (e && typeof e === 'object' && 'code' in e && (e as { code: string }).code === 'EPIPE') process.exit(0);
  // One policy for every failure (src/cli/error-policy.ts): one line, the stack only with KVMKIT_DEBUG.
  const r = reportError(e);
  process.stderr.write(`${r.line}\n`);
  process.exit(r.exitCode);
}
