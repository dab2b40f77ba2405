import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exportLayout } from '../../src/analysis/export/index.ts';
import { archesFor, getLayout, revisionNames } from '../../src/layout/index.ts';
import { REPO } from '../corpus.ts';

/**
 * `layout export`: each definition is handed to the language's own compiler or interpreter, whose
 * static assertions check every offset and the size; then the definition decodes the repository's
 * golden record bytes, and the values must be the documented ones of dumps/golden/record.json
 * (pid 4242, ppid 1, uid 80, comm "nginx", login "www", groups 80 and 5) — a check that owes
 * nothing to kvmkit's own decoder.
 */
const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg], { encoding: 'utf8' }).status === 0;
const HAVE_GCC = has('gcc');
const HAVE_PY = has('python3');
const HAVE_RUSTC = has('rustc');
const HAVE_GO = has('go', 'version');
if (!HAVE_GO) console.warn('[kvmkit tests] no Go toolchain here: the Go export is checked for shape only, not compiled');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const golden = (s: string, a: string, r: string) => path.join(REPO, 'dumps', 'golden', `${s}.${a}.${r}.bin`);
const all = revisionNames().flatMap((rev) => ['kinfo_proc', 'kinfo_proc32'].flatMap((s) => archesFor(rev, s).map((arch) => ({ s, arch, rev }))));

describe('layout export --lang c', () => {
  it('puts the first members of amd64 kinfo_proc where sys/user.h puts them (derived by hand)', () => {
    // int ki_structsize, int ki_layout, then eight pointers (8 bytes each on amd64), then pid_t ki_pid.
    const c = exportLayout(getLayout('kinfo_proc', 'amd64', 'fbsd15'), 'c');
    expect(c).toContain('_Static_assert(offsetof(struct kvmkit_kinfo_proc, ki_args) == 8, "ki_args");');
    expect(c).toContain('_Static_assert(offsetof(struct kvmkit_kinfo_proc, ki_wchan) == 64, "ki_wchan");');
    expect(c).toContain('_Static_assert(offsetof(struct kvmkit_kinfo_proc, ki_pid) == 72, "ki_pid");');
    expect(c).toContain('_Static_assert(sizeof(struct kvmkit_kinfo_proc) == 1088, "sizeof(struct kinfo_proc)");'); // KINFO_PROC_SIZE, amd64
  });
  it.skipIf(!HAVE_GCC)('compiles under gcc -std=c11 with every assertion holding, for every struct, arch and revision', () => {
    const bad: string[] = [];
    for (const { s, arch, rev } of all) {
      const f = path.join(tmp, `${s}.${arch}.${rev}.c`);
      fs.writeFileSync(f, exportLayout(getLayout(s, arch, rev), 'c') + '\nint kvmkit_export_check;\n');
      const r = spawnSync('gcc', ['-std=c11', '-Wall', '-Werror', '-fsyntax-only', f], { encoding: 'utf8' });
      if (r.status !== 0) bad.push(`${s} ${arch} ${rev}: ${r.stderr.split('\n')[0]}`);
    }
    expect(bad).toEqual([]);
  });
  it.skipIf(!HAVE_GCC)('decodes the golden record bytes of the little-endian arches to the documented values', () => {
    for (const { s, arch, rev } of all.filter((x) => !['powerpc', 'powerpc64'].includes(x.arch))) {
      const src = path.join(tmp, `read.${s}.${arch}.${rev}.c`);
      fs.writeFileSync(src, [
        exportLayout(getLayout(s, arch, rev), 'c'),
        '#include <stdio.h>', '#include <string.h>',
        'int main(int argc, char **argv) {',
        `  struct kvmkit_${s} k; FILE *f = fopen(argv[1], "rb");`,
        '  if (!f || fread(&k, sizeof k, 1, f) != 1) return 2;',
        '  printf("%d %d %u %s %s %d %u %u\\n", (int)k.ki_pid, (int)k.ki_ppid, (unsigned)k.ki_uid, k.ki_comm, k.ki_login, (int)k.ki_ngroups, (unsigned)k.ki_groups[0], (unsigned)k.ki_groups[1]);',
        '  return 0;', '}',
      ].join('\n'));
      const exe = src.replace(/\.c$/, '');
      const cc = spawnSync('gcc', ['-std=c11', '-o', exe, src], { encoding: 'utf8' });
      expect(cc.stderr, `${s} ${arch} ${rev}`).toBe('');
      const r = spawnSync(exe, [golden(s, arch, rev)], { encoding: 'utf8' });
      expect(r.stdout, `${s} ${arch} ${rev}`).toBe('4242 1 80 nginx www 2 80 5\n');
    }
  });
});

describe('layout export --lang python', () => {
  it.skipIf(!HAVE_PY)('runs its own assertions and decodes golden bytes in the target byte order (big-endian powerpc64 too)', () => {
    for (const { s, arch, rev } of all.filter((x) => x.rev === 'fbsd15' || x.arch === 'powerpc64')) {
      const py = path.join(tmp, `k_${s}_${arch}_${rev.replace(/-/g, '_')}.py`);
      fs.writeFileSync(py, exportLayout(getLayout(s, arch, rev), 'python') + [
        'import sys',
        `k = ${s}.from_buffer_copy(open(sys.argv[1], 'rb').read())`,
        "print(k.ki_pid, k.ki_ppid, k.ki_uid, k.ki_comm.decode(), k.ki_login.decode(), k.ki_ngroups, k.ki_groups[0], k.ki_groups[1])",
      ].join('\n') + '\n');
      const r = spawnSync('python3', [py, golden(s, arch, rev)], { encoding: 'utf8' });
      expect(r.stderr, `${s} ${arch} ${rev}`).toBe('');
      expect(r.stdout, `${s} ${arch} ${rev}`).toBe('4242 1 80 nginx www 2 80 5\n');
    }
  });
});

describe('layout export --lang rust', () => {
  it.skipIf(!HAVE_RUSTC)('compiles with every const assertion holding (amd64, i386, powerpc64; fbsd15)', () => {
    for (const arch of ['amd64', 'i386', 'powerpc64']) {
      const f = path.join(tmp, `k_${arch}.rs`);
      fs.writeFileSync(f, exportLayout(getLayout('kinfo_proc', arch, 'fbsd15'), 'rust'));
      const r = spawnSync('rustc', ['--edition', '2021', '--crate-type', 'lib', '--emit', 'metadata', '-o', f + '.rmeta', f], { encoding: 'utf8' });
      expect(r.stderr, arch).toBe('');
    }
  });
});

describe('layout export --lang go', () => {
  it('is a build-constrained file with a size and offset assertion per member', () => {
    const g = exportLayout(getLayout('kinfo_proc', 'i386', 'fbsd15'), 'go');
    expect(g).toContain('//go:build 386');
    expect(g).toContain('var _ = [1]int{}[unsafe.Sizeof(KinfoProc{})-768] + [1]int{}[768-unsafe.Sizeof(KinfoProc{})]'); // KINFO_PROC_SIZE, i386
    expect(g).toMatch(/\n\tKi_pid int32 \/\/ 40: pid_t\n/); // i386: two ints then eight 4-byte pointers
  });
  it.skipIf(!HAVE_GO)('compiles for its GOARCH', () => {
    const d = path.join(tmp, 'go');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'go.mod'), 'module kvmkit\n\ngo 1.21\n');
    fs.writeFileSync(path.join(d, 'kp.go'), exportLayout(getLayout('kinfo_proc', 'amd64', 'fbsd15'), 'go'));
    const r = spawnSync('go', ['vet', '.'], { cwd: d, encoding: 'utf8', env: { ...process.env, GOARCH: 'amd64', GOOS: 'freebsd' } });
    expect(r.stderr).toBe('');
  });
});
