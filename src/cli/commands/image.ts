import type { CommandModule } from 'yargs';
import { progress } from '../progress.ts';
import { UsageError } from '../../base/errors.ts';
import type { ImageFormat } from '../../image/image.ts';
import { loadScenarioFile } from '../../kernel/scenario.ts';
import { randomModel } from '../../kernel/random.ts';
import { liveRevisions } from '../../kernel/rules.ts';
import type { KernelModel } from '../../kernel/model.ts';
import { buildImage, DEFAULT_KERNEL_REVISION, kernelSetNames } from '../../kstruct/index.ts';
import { printJson } from '../output.ts';
import { prepareOutput } from '../output-file.ts';

/** CLI format names → image formats (`amd64-full` is the ELF full dump). */
const FORMATS: Record<string, { format: ImageFormat; arch: string }> = {
  'amd64-minidump': { format: 'amd64-minidump', arch: 'amd64' },
  'amd64-full': { format: 'amd64-elf', arch: 'amd64' },
  'amd64-elf': { format: 'amd64-elf', arch: 'amd64' },
  'i386-minidump': { format: 'i386-minidump', arch: 'i386' },
  'arm64-minidump': { format: 'arm64-minidump', arch: 'arm64' },
};

interface BuildArgs {
  scenario?: string; format: string; rev: string; 'kernel-set'?: string; o: string; 'kernel-out': string; 'random-seed'?: number; procs?: number;
  'minidump-version'?: number; dumptid?: number; 'no-pae': boolean; json: boolean;
}


const build: CommandModule<object, BuildArgs> = {
  command: 'build [scenario]',
  describe: 'Build a kernel crash dump (and its kernel ELF) from a scenario or a random system',
  builder: (y) => y
    .positional('scenario', { type: 'string', describe: 'scenario JSON (dumps/scenarios/…); omit with --random-seed' })
    .option('format', { type: 'string', demandOption: true, choices: Object.keys(FORMATS), describe: 'dump container (amd64-full = ELF full dump)' })
    .option('kernel-set', { type: 'string', choices: kernelSetNames(), describe: 'kernel struct layout set (layouts/kernel/<set>.json; default: the revision\'s: fbsd14 → fbsd13, fbsd15* → fbsd15.0); the image\'s osreldate names it to readers' })
    .option('rev', { type: 'string', default: DEFAULT_KERNEL_REVISION, choices: liveRevisions(), describe: 'layout revision (selects the kernel layout set)' })
    .option('o', { alias: 'output', type: 'string', demandOption: true, describe: 'vmcore to write' })
    .option('kernel-out', { type: 'string', demandOption: true, describe: 'kernel ELF (symbol table) to write' })
    .option('random-seed', { type: 'number', describe: 'build from the random system generator with this seed' })
    .option('procs', { type: 'number', describe: 'random system: number of forks (default 300)' })
    .option('minidump-version', { type: 'number', describe: 'minidump version (amd64 1–3, i386 1–2, arm64 1–3; writer default otherwise)' })
    .option('dumptid', { type: 'number', describe: 'the crashing thread id (default: a running thread, else the newest process\'s first)' })
    .option('no-pae', { type: 'boolean', default: false, describe: 'i386: non-PAE page tables' })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
    .example('$0 image build dumps/scenarios/traced.json --format amd64-minidump -o vmcore.0 --kernel-out kernel', 'a minidump of a scenario')
    .example('$0 image build --random-seed 7 --procs 500 --format arm64-minidump -o vmcore.1 --kernel-out kernel.arm64', 'a random system') as never,
  handler: (a) => {
    const f = FORMATS[a.format];
    if ((a.scenario === undefined) === (a['random-seed'] === undefined)) throw new UsageError('give a scenario file or --random-seed (one of them)');
    const vmcore = prepareOutput(a.o, 'o');
    const kernel = prepareOutput(a['kernel-out'], 'kernel-out');
    let model: KernelModel;
    if (a.scenario !== undefined) model = loadScenarioFile(a.scenario, f.arch);
    else model = randomModel({ seed: a['random-seed']!, processes: a.procs }, f.arch).model;
    const bar = progress(`writing ${a.o}`, 'pages');
    const t0 = performance.now();
    const r = buildImage(model, {
      format: f.format, vmcore: vmcore.temp, kernel: kernel.temp, revision: a.rev, kernelSet: a['kernel-set'], version: a['minidump-version'],
      dumptid: a.dumptid, pae: !a['no-pae'], onProgress: bar.tick,
    });
    bar.end();
    vmcore.commit();
    kernel.commit();
    const ms = Math.round(performance.now() - t0);
    if (a.json) printJson({ ...r, vmcore: a.o, kernel: a['kernel-out'], ms });
    else process.stdout.write(`${a.o}: ${r.format} (${model.arch}, revision ${r.revision}, kernel set ${r.kernelSet}), ${r.procs} procs, ${r.threads} threads, ${r.objects} kernel objects, ${r.pages} pages, dumptid ${r.dumptid}; kernel ${a['kernel-out']} (${r.symbols} symbols); ${ms} ms\n`);
  },
};

export const command: CommandModule = {
  command: 'image <command>',
  describe: 'Kernel memory images built from the kernel object model',
  builder: (y) => y.command(build as CommandModule).demandCommand(1, 'Name an image subcommand (build).') as never,
  handler: () => {},
};
