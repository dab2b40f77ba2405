import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OUT } from '../../dumps/record-types.ts';

describe('generated record types (src/codec/record-types.ts)', () => {
  it('are up to date with layouts/ (regenerate with `npx tsx dumps/record-types.ts`)', () => {
    expect(fs.readFileSync(OUT, 'utf8')).toBe(generate());
  });
  it('spell the integer rule per arch where the C type size differs (derived by hand from the typedefs)', () => {
    const text = fs.readFileSync(OUT, 'utf8');
    const body = text.slice(text.indexOf('export type KinfoProc_fbsd15<'), text.indexOf('};', text.indexOf('export type KinfoProc_fbsd15<')));
    // pid_t: int32_t everywhere → number. ki_paddr: a pointer → bigint everywhere.
    expect(body).toMatch(/\n  ki_pid: number;/);
    expect(body).toMatch(/\n  ki_paddr: bigint;/);
    // segsz_t is a long-sized type: 4 bytes on the four ILP32 arches, 8 on the four LP64 ones.
    expect(body).toMatch(/\n  ki_ssize: ByArch<A, 'amd64' \| 'arm64' \| 'powerpc64' \| 'powerpc64le' \| 'riscv64', bigint, number>;|\n  ki_ssize: ByArch<A, 'i386' \| 'armv7' \| 'powerpc', number, bigint>;/);
    expect(body).toMatch(/\n  ki_comm: string;/);
    expect(body).toMatch(/\n  ki_start: Timeval_fbsd15<A>;/);
  });
});
