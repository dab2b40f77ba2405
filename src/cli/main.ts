import { setInputProgress, STDIN_NAME } from '../base/input.ts';
import { progress } from './progress.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
const ext = path.extname(fileURLToPath(import.meta.url)); // .ts in a checkout, .js in the package
const argv = hideBin(process.argv);

/** `--version` needs no command module: answered from package.json before anything else loads. */
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(fs.readFileSync(path.join(here, ...(ext === '.js' ? ['..', '..', '..'] : ['..', '..']), 'package.json'), 'utf8')) as { version: string };
  process.stdout.write(`kvmkit ${pkg.version}\n`);
  process.exit(0);
}

/**
 * Commands load lazily: a command lives in commands/<its first word>.<ext>, so `kvmkit ps …` imports
 * only ps and what it uses. With no command, `--help`, or a word no file is named after, every
 * command is loaded so yargs can list them (or suggest the nearest one).
 */
const all = fs.readdirSync(path.join(here, 'commands')).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
const first = argv.find((a) => !a.startsWith('-'));
// The compiled CLI has a manifest (`npm run build`, src/cli/build-manifest.ts) naming each command's
// file, so a command that shares a file (encode, detect in decode) loads alone too, and the
// top-level help lists commands without importing every command and the whole library with them.
const manifestFile = path.join(here, 'commands.json');
const manifest = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { file: string; command: string; describe: string }[]) : undefined;
const fileOf = (word: string) => (all.includes(word + ext) ? word + ext : manifest?.find((m) => m.command.split(' ')[0] === word)?.file);
const own = first !== undefined ? fileOf(first) : undefined;
const chosen = own ? [own] : all;
const commands: CommandModule[] = [];
const topHelp = first === undefined && argv.every((a) => a === '--help' || a === '-h');
if (topHelp && argv.length && manifest) {
  for (const m of manifest) {
    commands.push({ command: m.command, describe: m.describe, handler: () => undefined });
  }
} else {
  for (const f of chosen) {
    const mod = (await import(pathToFileURL(path.join(here, 'commands', f)).href)) as { command?: CommandModule; commands?: CommandModule[] };
    if (mod.command) commands.push(mod.command);
    if (mod.commands) commands.push(...mod.commands);
  }
}

// Inflating a large .gz/.zst or spooling stdin shows a bar on a terminal, nothing when piped.
setInputProgress((label) => progress(label, 'MiB', { quietWhenPiped: true }));

let cli = yargs(argv)
  .scriptName('kvmkit')
  .usage('$0 <command> [options]\n\nDecode, produce and check FreeBSD kinfo_proc records and kernel crash-dump images.')
  .strict()
  .demandCommand(1, 'Name a command; see the list above.')
  .recommendCommands()
  .wrap(Math.min(110, process.stdout.columns || 110))
  // Repeated flags and number ranges, for every command (src/cli/options.ts).
  .middleware(((argv: Arguments, y: unknown) => checkOptions(argv, (y as { getOptions(): DeclaredOptions }).getOptions())) as never)
  // yargs turns a bare `-` positional into '': give it back, it names standard input (src/base/input.ts).
  .middleware(((parsed: Arguments) => {
    if (!argv.includes(STDIN_NAME)) return;
    for (const [k, v] of Object.entries(parsed)) if (v === '' && k !== '$0') parsed[k] = STDIN_NAME;
  }) as never)
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
