import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvmkitError, UsageError } from '../../src/base/errors.ts';
import { previewValue } from '../../src/base/preview.ts';
import { reportError, MAX_MESSAGE_CHARS } from '../../src/cli/error-policy.ts';
import { checkOptions } from '../../src/cli/options.ts';
import { prepareOutput, writeOutput } from '../../src/cli/output-file.ts';
import { decodeRecords } from '../../src/codec/index.ts';
import { ReaperView } from '../../src/analysis/reaper/index.ts';
import { abiDiff } from '../../src/analysis/abi/index.ts';
import { buildModel, loadScenarioFile, randomModel } from '../../src/kernel/index.ts';
import { KERN_PROC_PROC } from '../../src/kernel/constants.ts';
import { buildImage } from '../../src/kstruct/index.ts';
import { openKvm } from '../../src/kvm/index.ts';
import { getLayout, LAYOUT_LIMITS } from '../../src/layout/index.ts';

/** Issue 14 items 3–6: cycles and depth, work caps, output paths, the one error policy. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-rel-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function kvmkit(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kvmkit'), ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FBSD15 = JSON.parse(fs.readFileSync(path.join(ROOT, 'layouts/revisions/fbsd15.json'), 'utf8'));
function revisionFile(name: string, edit: (r: typeof FBSD15) => void): string {
  const r = structuredClone(FBSD15);
  edit(r);
  const f = path.join(tmp, name);
  fs.writeFileSync(f, JSON.stringify(r));
  return f;
}

describe('error policy (src/cli/error-policy.ts)', () => {
  it('expected failures are one line with their context; usage errors exit 2, data errors 1', () => {
    expect(reportError(new UsageError('bad flag', { field: 'rev' }))).toEqual({ line: 'kvmkit: bad flag [field rev]', exitCode: 2 });
    expect(reportError(new KvmkitError('bad byte', { file: 'x.bin', offset: 16 }))).toEqual({ line: 'kvmkit: bad byte [file x.bin, offset 16 (0x10)]', exitCode: 1 });
  });
  it('a path errno error names the path; anything else is an internal error asking for a report, stack only with debug', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/no/such', syscall: 'open' });
    expect(reportError(enoent).line).toBe('kvmkit: cannot open /no/such: no such file or directory (ENOENT) [file /no/such]');
    const bug = new TypeError("Cannot read properties of null (reading 'p_pptr')");
    const plain = reportError(bug, false);
    expect(plain.line).toMatch(/^kvmkit: internal error: TypeError: Cannot read properties of null \(reading 'p_pptr'\) — this is a bug in kvmkit, please report it/);
    expect(plain.line).not.toMatch(/\n\s+at /);
    expect(reportError(bug, true).line).toMatch(/\n\s+at /);
  });
  it('a message is clipped: an error never echoes megabytes of input', () => {
    const r = reportError(new KvmkitError('x'.repeat(19 << 20)));
    expect(r.line.length).toBeLessThan(MAX_MESSAGE_CHARS + 100);
    expect(r.line).toMatch(/more characters\)$/);
  });
  it('previewValue never recurses nor echoes a large value', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(previewValue(deep)).toBe('an array of 1 item');
    expect(previewValue('a'.repeat(1000))).toBe(`"${'a'.repeat(60)}…" (1000 characters)`);
    expect(previewValue({ a: 1, b: 2 })).toBe('an object with keys a, b');
  });
});

describe('flags (src/cli/options.ts)', () => {
  const declared = { array: ['arch'], number: ['pid', 'procs'], alias: {} };
  it('a flag given twice is refused unless declared an array', () => {
    expect(() => checkOptions({ _: [], $0: 'k', rev: ['fbsd15', '../revisions/fbsd15'] }, declared)).toThrow(/--rev was given 2 times \(fbsd15, \.\.\/revisions\/fbsd15\); give it once/);
    expect(() => checkOptions({ _: [], $0: 'k', arch: ['amd64', 'i386'] }, declared)).not.toThrow();
  });
  it('number flags are integers inside their documented range', () => {
    expect(() => checkOptions({ _: [], $0: 'k', pid: NaN }, declared)).toThrow(UsageError);
    expect(() => checkOptions({ _: [], $0: 'k', pid: 1.5 }, declared)).toThrow(/--pid takes an integer/);
    expect(() => checkOptions({ _: [], $0: 'k', pid: 2 ** 31 }, declared)).toThrow(/--pid 2147483648 is outside -2147483648 … 2147483647/);
    expect(() => checkOptions({ _: [], $0: 'k', procs: 1e9 }, declared)).toThrow(/--procs 1000000000 is outside 1 … 10000/);
    expect(() => checkOptions({ _: [], $0: 'k', pid: 812 }, declared)).not.toThrow();
  });
  it('the CLI refuses them before doing any work (exit 2)', () => {
    const rep = kvmkit(['layout', 'show', 'kinfo_proc', '--arch', 'amd64', '--rev', 'fbsd15', '--rev', 'fbsd14']);
    expect(rep.code).toBe(2);
    expect(rep.err).toBe('kvmkit: --rev was given 2 times (fbsd15, fbsd14); give it once [field rev]\n');
    const pid = kvmkit(['ps', '--scenario', 'dumps/scenarios/login-session.json', '--pid', 'abc']);
    expect(pid.code).toBe(2);
    expect(pid.out).toBe('');
    const procs = kvmkit(['image', 'build', '--random-seed', '1', '--procs', '1e9', '--format', 'amd64-minidump', '-o', path.join(tmp, 'v'), '--kernel-out', path.join(tmp, 'k')]);
    expect(procs.code).toBe(2);
    expect(procs.err).toMatch(/--procs 1000000000 is outside 1 … 10000/);
    expect(fs.existsSync(path.join(tmp, 'v'))).toBe(false);
  });
  it('the library refuses a random system past the cap too', () => {
    expect(() => randomModel({ seed: 1, processes: 10001 }, 'amd64')).toThrow(/1 … 10000 processes, not 10001/);
  });
});

describe('output paths (src/cli/output-file.ts)', () => {
  it('empty, directory, missing directory: refused before any work', () => {
    expect(() => prepareOutput('', 'o')).toThrow(/-o: the output path is empty/);
    expect(() => prepareOutput(tmp, 'raw')).toThrow(/--raw: .* is a directory, not a file/);
    expect(() => prepareOutput(path.join(tmp, 'no/such/dir/out.bin'), 'o')).toThrow(/-o: the directory .*no\/such\/dir does not exist/);
  });
  it('bytes go to a temporary beside the target and appear under its name only on commit', () => {
    const target = path.join(tmp, 'out.bin');
    const p = prepareOutput(target, 'o');
    expect(path.dirname(p.temp)).toBe(tmp);
    fs.writeFileSync(p.temp, 'partial');
    expect(fs.existsSync(target)).toBe(false);
    p.discard();
    expect(fs.readdirSync(tmp).filter((f) => f.includes('partial'))).toEqual([]);
    writeOutput(prepareOutput(target, 'o'), 'done');
    expect(fs.readFileSync(target, 'utf8')).toBe('done');
  });
  it('the CLI: one line, nothing written, for -o "" / a directory / a missing directory; a failed build leaves nothing', () => {
    const S = 'dumps/scenarios/login-session.json';
    const cases: [string, number, RegExp][] = [
      ['', 2, /^kvmkit: -o: the output path is empty \[field o\]\n$/],
      ['.', 1, /^kvmkit: -o: \. is a directory, not a file/],
      [path.join(tmp, 'missing/dir/out.bin'), 1, /^kvmkit: -o: the directory .*missing\/dir does not exist/],
    ];
    for (const [o, code, msg] of cases) {
      const r = kvmkit(['sysctl', S, '--arch', 'amd64', '--rev', 'fbsd15', '-o', o]);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(msg);
      expect(r.err.split('\n').length).toBe(2);
    }
    const dir = fs.mkdtempSync(path.join(tmp, 'build-'));
    const bad = path.join(dir, '..', 'bad-scenario.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'x', steps: [{ fork: 1, from: 0 }, { fork: 1, from: 0 }] }));
    const r = kvmkit(['image', 'build', bad, '--format', 'amd64-minidump', '-o', 'vmcore', '--kernel-out', 'kernel'], dir);
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(/internal error/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('work caps and depth (layouts, scenarios)', () => {
  it('KI_NSPARE_LONG 10^9 and struct timeval ki_x[100000000]: usage errors naming the member, before any expansion', () => {
    expect(LAYOUT_LIMITS.arrayCount).toBe(65536);
    const huge = revisionFile('huge-spare.json', (r) => (r.constants.KI_NSPARE_LONG = 1e9));
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: huge, arches: ['amd64'] })).toThrow(UsageError);
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: huge, arches: ['amd64'] })).toThrow(/"KI_NSPARE_LONG" is 1000000000, more than the 65536 elements .*ki_sparelongs/);
    const member = revisionFile('huge-member.json', (r) => r.structs.kinfo_proc.push('struct timeval ki_x[100000000]'));
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: member, arches: ['amd64'] })).toThrow(/"100000000" is 100000000, more than the 65536 .*kinfo_proc\.ki_x/);
    const cli = kvmkit(['abi-diff', '--struct', 'kinfo_proc', '--from', 'fbsd15', '--to', member, '--html', path.join(tmp, 'd.html')]);
    expect(cli.code).toBe(2);
    expect(fs.existsSync(path.join(tmp, 'd.html'))).toBe(false);
  });
  it('structs nested deeper than the cap, and a wrong type in a revision file, are errors naming where', () => {
    const deep = revisionFile('deep.json', (r) => {
      r.structs.kinfo_proc.push('struct s0 ki_deep');
      for (let i = 0; i < 5000; i++) r.structs[`s${i}`] = [`struct s${i + 1} x`];
      r.structs.s5000 = ['int y'];
    });
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: deep, arches: ['amd64'] })).toThrow(/structs nest more than 32 deep \(kinfo_proc → s0 → s1/);
    const wrong = revisionFile('wrong.json', (r) => (r.structs.kinfo_proc = 5));
    expect(() => abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: wrong, arches: ['amd64'] })).toThrow(/struct kinfo_proc must be an array of C member declarations.*field structs\.kinfo_proc/);
  });
  it('a scenario nested 200000 deep is refused by the schema without recursing into it', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(() => buildModel({ name: 'x', system: deep, steps: [] }, { arch: 'amd64' })).toThrow(/expected an object, got an array of 1 item.*field system/);
    expect(() => buildModel({ name: 'x', steps: [deep] }, { arch: 'amd64' })).toThrow(/expected a step object, got an array of 1 item.*field steps\[0\]/);
  });
});

describe('cycles (reaper links)', () => {
  it('ki_reaper links that loop (500 → 520 → 500): PROC_REAP_KILL reports the cycle where it closes', () => {
    const layout = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
    const { records } = decodeRecords(layout, new Uint8Array(fs.readFileSync(path.join(ROOT, 'dumps/live/reaper-service.amd64.fbsd15-reaper.kern.proc.all.bin'))));
    // In the scenario (dumps/scenarios/reaper-service.json) 520 is a reaper under 500: make 500's reaper 520.
    expect(records.filter((r) => r.ki_pid === 520).every((r) => r.ki_reaper === 500)).toBe(true);
    for (const r of records) if (r.ki_pid === 500) r.ki_reaper = 520;
    const view = ReaperView.fromRecords(records);
    expect(() => view.kill(500)).toThrow(KvmkitError);
    expect(() => view.kill(500)).toThrow(/the reaper chain of pid 520 is a cycle: it comes back to 520 after 2 step\(s\) \(520 -> 500 -> 520\)/);
    expect(view.check().join('\n')).toMatch(/cycle/);
  });
});

describe('cycles and NULLs (process group walks over a dump)', () => {
  it('every p_pgrp pointing at its own proc: a KvmkitError naming the field, not a TypeError (issue 14)', async () => {
    const m = loadScenarioFile(path.join(ROOT, 'dumps/scenarios/login-session.json'), 'amd64');
    for (const p of m.allproc) (p as unknown as { p_pgrp: unknown }).p_pgrp = p;
    const vmcore = path.join(tmp, 'pgrp-self.core');
    const kernel = path.join(tmp, 'pgrp-self.kernel');
    buildImage(m, { format: 'amd64-minidump', vmcore, kernel, revision: 'fbsd15-reaper' });
    for (const mode of ['exact', 'libkvm'] as const) {
      const kd = await openKvm(vmcore, kernel);
      try {
        expect(() => kd.getProcs(KERN_PROC_PROC, 0, { mode, strict: true })).toThrow(KvmkitError);
        // What the pgrp bytes read as pointers depends on the kernel set's offsets: either a NULL parent or a wild one, named either way.
        expect(() => kd.getProcs(KERN_PROC_PROC, 0, { mode, strict: true })).toThrow(/is NULL where the kernel always has a process \[field p_(reaper|pptr), address 0x|field p_(reaper|pptr): cannot read struct proc at 0x[0-9a-f]+: .*address 0x/);
      } finally {
        kd.close();
      }
    }
  });
});
