import { describe, expect, it } from 'vitest';
import { NODEV } from '../../src/kernel/constants.ts';
import { kvmFromModel } from '../../src/kvm/index.ts';
import { buildModel, KERN_PROC_PROC } from '../../src/kernel/index.ts';
import { tableLine, ttyShort } from '../../src/cli/table.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../corpus.ts';

/** The TT column follows tname() of FreeBSD's bin/ps/print.c. */
describe('ps table: TT', () => {
  it('drops "tty"/"cua", then "pts/"; appends "-" when the session lost its terminal (no KI_CTTY)', () => {
    expect(ttyShort('pts/0', 1)).toBe('0');
    expect(ttyShort('ttyv0', 1)).toBe('v0');
    expect(ttyShort('cuau0', 1)).toBe('u0');
    expect(ttyShort('console', 1)).toBe('console');
    expect(ttyShort('pts/12', 0)).toBe('12-');
  });

  it('a walk names each record\'s terminal; without a name the udev number is printed; NODEV is -', () => {
    const model = buildModel(JSON.parse(fs.readFileSync(path.join(REPO, 'dumps/scenarios/login-session.json'), 'utf8')), { arch: 'amd64' });
    const r = kvmFromModel(model, 'fbsd15').getProcs(KERN_PROC_PROC, 0);
    const byPid = new Map(r.records.map((x) => [x.pid, x]));
    expect([byPid.get(1531)!.tty, byPid.get(1044)!.tty, byPid.get(812)!.tty]).toEqual(['pts/0', 'ttyv0', undefined]);
    const d = { ki_pid: 1531, ki_ppid: 1530, ki_pgid: 1531, ki_sid: 1530, ki_tdev: 139n, ki_kiflag: 1, ki_stat: 3, ki_uid: 1001, ki_comm: 'tcsh', ki_flag: 0n, ki_tpgid: 1640 };
    expect(tableLine(d, false, [], 'pts/0').split(/\s+/)[5]).toBe('0');
    expect(tableLine(d, false).split(/\s+/)[5]).toBe('139');
    expect(tableLine({ ...d, ki_tdev: NODEV }, false, [], 'pts/0').split(/\s+/)[5]).toBe('-');
  });
});
