import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, REPO } from '../corpus.ts';

/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack), the tarball
 * installed into a fresh project, then used from plain Node (.mjs), from the installed bin, and
 * from a strict TypeScript consumer under moduleResolution node16 and bundler — with neither
 * allowImportingTsExtensions nor skipLibCheck.
 */
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
let dir = '';
let tarball = '';
const run = (cmd: string, args: string[], cwd = dir) => spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[]; unpackedSize: number }[];
  tarball = path.join(dir, info[0].filename);
  fs.writeFileSync(path.join(dir, 'files.json'), JSON.stringify(info[0].files.map((f) => f.path)));
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
  const r = run('npm', ['install', '--prefer-offline', '--no-package-lock', tarball], app);
  if (r.status !== 0) throw new Error(`npm install of the tarball failed: ${r.stderr}`);
  dir = app;
}, 600_000);
afterAll(() => {
  if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the compiled library, its types, the CLI, the LICENSE and the README sample, and no tests or goldens', () => {
    const files = JSON.parse(fs.readFileSync(path.join(path.dirname(dir), 'files.json'), 'utf8')) as string[];
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/kvmkit', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/core.js', 'dist/src/cli/main.js', 'dist/layouts/arches.json', 'dumps/sample/login-session.amd64.kernel']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('dumps/golden') || f.startsWith('dumps/live') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });
  it('installs without tsx, esbuild or TypeScript', () => {
    const installed = fs.readdirSync(path.join(dir, 'node_modules'));
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(installed).not.toContain(dev);
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
  });
  it('runs the installed bin: --version and a real command on the bundled sample', () => {
    const v = run('npx', ['--no-install', 'kvmkit', '--version']);
    expect(v.stdout).toBe(`kvmkit ${pkg.version}\n`);
    const sample = path.join(dir, 'node_modules', 'kvmkit', 'dumps', 'sample');
    const info = run('npx', ['--no-install', 'kvmkit', 'info', path.join(sample, 'login-session.amd64-minidump.vmcore.gz'), '--json']);
    expect(info.stderr).toBe('');
    // The sample is the login-session scenario written as an amd64 minidump (dumps/sample.ts).
    expect(JSON.parse(info.stdout)).toMatchObject({ format: 'amd64-minidump', arch: 'amd64' });
  });
  it.skipIf(!HAVE_CORPUS)('imports from plain Node (.mjs) and decodes a real user core', () => {
    fs.writeFileSync(path.join(dir, 'decode.mjs'), [
      "import * as k from 'kvmkit';",
      "import { getLayout } from 'kvmkit/core';",
      'const f = k.readRecordsFile(process.argv[2]);',
      'const r = f.records[0];',
      "console.log(JSON.stringify({ n: f.records.length, pid: r.ki_pid, comm: r.ki_comm, size: getLayout('kinfo_proc', 'amd64', 'fbsd14').size }));",
    ].join('\n'));
    const r = run('node', ['decode.mjs', path.join(CORPUS, 'user-cores', 'x86-64-freebsd.core')]);
    expect(r.stderr).toBe('');
    // ../shared/corpus/README.md: one amd64 record, pid 786, comm a.out; KINFO_PROC_SIZE on amd64 is 1088.
    expect(JSON.parse(r.stdout)).toEqual({ n: 1, pid: 786, comm: 'a.out', size: 1088 });
  });
  for (const resolution of ['node16', 'bundler'] as const) {
    it(`type-checks a strict TypeScript consumer under moduleResolution ${resolution}`, () => {
      const sub = path.join(dir, `ts-${resolution}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, 'consumer.ts'), [
        "import { readRecordsFile, getLayout, KvmkitError, type KRecord, type KinfoProc_fbsd15 } from 'kvmkit';",
        "import { decodeRecords } from 'kvmkit/core';",
        // Expected types, by the integer rule applied to the C types by hand: pid_t is int32_t (number);
        // vm_size_t and time_t are 8 bytes on amd64 (bigint) and 4 bytes on i386 (number); ki_paddr is a
        // pointer (bigint on every arch); ki_comm is char[COMMLEN + 1] (string).
        "const amd = readRecordsFile('x.core', { struct: 'kinfo_proc', arch: 'amd64', rev: 'fbsd15' }).records[0];",
        'const pid: number = amd.ki_pid;',
        'const vsz: bigint = amd.ki_size;',
        'const start: bigint = amd.ki_start.tv_sec;',
        'const comm: string = amd.ki_comm;',
        'const paddr: bigint = amd.ki_paddr;',
        '// @ts-expect-error a pointer is never a number',
        'const wrong: number = amd.ki_paddr;',
        "const i386 = decodeRecords(getLayout('kinfo_proc', 'i386', 'fbsd15'), new Uint8Array(768)).records[0];",
        'const vsz32: number = i386.ki_size;',
        'const start32: number = i386.ki_start.tv_sec;',
        "const typed: KinfoProc_fbsd15<'amd64'> = amd;",
        "const untyped: KRecord[] = readRecordsFile('y.bin').records;",
        'const asRecord: KRecord = amd;',
        'const e: Error = new KvmkitError("x");',
        'export { pid, vsz, start, comm, paddr, wrong, vsz32, start32, typed, untyped, asRecord, e };',
      ].join('\n'));
      fs.writeFileSync(path.join(sub, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, target: 'ES2022',
          module: resolution === 'node16' ? 'node16' : 'esnext', moduleResolution: resolution,
          types: ['node'], typeRoots: [path.join(REPO, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }));
      fs.writeFileSync(path.join(sub, 'package.json'), JSON.stringify({ type: 'module' }));
      const r = run(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', sub]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
