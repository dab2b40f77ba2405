import { describe, expect, it } from 'vitest';
import { buildModel, KERN_PROC_ALL, KERN_PROC_PID, KERN_PROC_PROC, KERN_PROC_TTY, NODEV } from '../../src/kernel/index.ts';
import { FIELD_RULES, kvmFromModel, LIBKVM_RULES } from '../../src/kvm/index.ts';
import { T } from '../kernel/fixture.ts';

type R = Record<string, any>;

/**
 * libkvm mode on the hand-checked system of the live-path tests (test/kernel/fixture.ts). Values
 * come from spec §3.2/§3.3 applied by hand to the fixture's inputs.
 */
describe('libkvm rules (spec §3.3), hand-derived on the unit fixture', () => {
  const model = buildModel(T, { arch: 'amd64' });
  const kd = kvmFromModel(model, 'fbsd15-reaper');
  const r = kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm' });
  const recs = r.records.map((x) => x.value as R);
  const rec = (pid: number, tid?: number) => recs.find((d) => d.ki_pid === pid && (tid === undefined || d.ki_tid === tid))!;

  it('the rule table: unique ids, each field owned by one rule, every §3.3 row covered', () => {
    const ids = LIBKVM_RULES.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const owner = new Map<string, string>();
    for (const fr of FIELD_RULES) for (const f of fr.fields) {
      expect(owner.get(f), `${f} owned twice`).toBeUndefined();
      owner.set(f, fr.id);
    }
    const rows = new Set<number>();
    for (const x of LIBKVM_RULES) for (const m of x.spec.matchAll(/#(\d+)/g)) rows.add(Number(m[1]));
    for (let i = 1; i <= 30; i++) expect(rows.has(i), `§3.3 row ${i}`).toBe(true);
  });

  it('allproc order (newest first, pid 0 last), no zombies, every thread', () => {
    // fork order 1, 65, 10, 11, 12 (exited: zombie), 13, 14, 15, 16, 17 → allproc head = 17
    expect([...new Set(r.records.map((x) => x.pid))]).toEqual([17, 16, 15, 14, 13, 11, 10, 65, 1, 0]);
    expect(r.records.filter((x) => x.pid === 11).map((x) => x.tid)).toEqual([100100, 100101]);
    expect(r.walked).toBe('allproc');
    expect(r.libkvm?.returnsNull).toBe(false);
  });

  it('pid 11 (sh): the differing fields, thread by thread', () => {
    const a = rec(11, 100100);
    const b = rec(11, 100101);
    expect(a.ki_structsize).toBe(0); // #3
    expect(a.ki_jobc).toBe(-1); // #10
    expect(a.ki_tdev).toBe(NODEV); // #12: pts/0 has a cdev → NODEV (live: 139)
    expect(a.ki_tdev_freebsd11).toBe(0xffffffff);
    expect(a.ki_tpgid).toBe(11); // foreground pgrp 11
    expect(a.ki_sflag).toBe(0n); // #9
    expect(a.ki_flag2).toBe(0); // #6
    expect(a.ki_fibnum).toBe(0);
    expect(a.ki_start).toEqual({ tv_sec: 0n, tv_usec: 0n }); // #7
    expect(a.ki_loginclass).toBe(''); // #8
    expect(a.ki_moretdname).toBe('');
    expect(a.ki_uerrmsg).toBe(0n);
    // #14: rss 100 resident pages, no kstack pages (live: 100 + 4 + 2)
    expect(a.ki_rssize).toBe(100n);
    // #16: p_siglist {2} | td_siglist {4}: bits (1<<1)|(1<<3)
    expect(a.ki_siglist.__bits[0]).toBe(0b1010);
    // #17: p_rux runtime 3 000 000 ticks at 1 MHz, pending not folded → 3 s for both threads
    expect(a.ki_runtime).toBe(3000000n);
    expect(b.ki_runtime).toBe(3000000n);
    // #18: level/native only
    expect(a.ki_pri).toEqual({ pri_class: 0, pri_level: 152, pri_native: 120, pri_user: 0 });
    // #22 wmesg raw; #20 lock: thread 2 is on a turnstile (TDI_LOCK ↔ td_blocked)
    expect(a.ki_wmesg).toBe('pause');
    expect(b.ki_lockname).toBe('umtx');
    expect(Number(b.ki_kiflag) & 4).toBe(4);
    expect(Number(a.ki_kiflag) & 4).toBe(0);
    // #21 raw login of session 10 (login alice)
    expect(a.ki_login).toBe('alice');
    // #6: thread fields never filled
    expect(a.ki_tdaddr).toBe(0n);
    expect(a.ki_pctcpu).toBe(0);
    expect(a.ki_cow).toBe(0);
    expect(a.ki_slptime).toBe(0);
    expect(a.ki_rusage.ru_minflt).toBe(0n);
    // tdname: 16 chars kept, no moretdname
    expect(a.ki_tdname).toBe('abcdefghijklmnop');
    // identical to the live path
    expect(a.ki_uid).toBe(1001);
    expect(a.ki_groups.slice(0, 3)).toEqual([20, 0, 5]);
    expect(a.ki_nice).toBe(-5);
    expect(a.ki_reaper).toBe(1); // #30 read from init's struct proc
  });

  it('#13 ki_jid is pr_id always; #5 no P_JAILED; #25 kiflag from the session variable', () => {
    const j = rec(13);
    expect(j.ki_jid).toBe(2);
    expect(Number(j.ki_flag) & 0x01000000).toBe(0);
    const s = rec(10);
    expect(Number(s.ki_kiflag) & 3).toBe(3); // session leader with a controlling terminal
  });

  it('#12/#11 tty without cdev: ki_tdev 0; #23 comm; pid 0', () => {
    const n = rec(17);
    expect(n.ki_tdev).toBe(0n); // pts/9 has no cdev
    expect(rec(0).ki_comm).toBe('kernel');
  });

  it('selectors: #26 TTY only matches -1/0, #27 PID with a tid matches nothing, #28 no validation', () => {
    expect(kd.getProcs(KERN_PROC_TTY, 139, { mode: 'libkvm' }).count).toBe(0);
    expect(kd.getProcs(KERN_PROC_TTY, -1, { mode: 'libkvm' }).records.map((x) => x.pid)).toEqual([13, 11, 10]); // P_CONTROLT with a cdev tty; pid 17's tty has none (0)
    expect(kd.getProcs(KERN_PROC_PID, 100100, { mode: 'libkvm' }).count).toBe(0);
    expect(kd.getProcs(KERN_PROC_PID, 100100).records.map((x) => x.pid)).toEqual([11]); // exact: pget by tid
    expect(kd.getProcs(KERN_PROC_PROC, 5, { mode: 'libkvm' }).count).toBe(10);
  });

  it('#29 / no-compat32: libkvm refuses a kinfo_proc32 listing', () => {
    expect(() => kd.getProcs(KERN_PROC_ALL, 0, { mode: 'libkvm', compat32: true })).toThrow(/cannot read procs from non-native core/);
  });
});
