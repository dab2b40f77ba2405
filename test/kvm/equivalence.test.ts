import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archDef } from '../../src/layout/index.ts';
import { buildModel, KERN_PROC_GID, KERN_PROC_PGRP, KERN_PROC_PID, KERN_PROC_RGID, KERN_PROC_RUID, KERN_PROC_SESSION, KERN_PROC_TTY, KERN_PROC_UID, P_CONTROLT, randomModel, sysctlKernProc, ttyUdev } from '../../src/kernel/index.ts';
import { kvmFromModel } from '../../src/kvm/index.ts';
import { REPO } from '../corpus.ts';
import { checkExact, checkLibkvm } from './helpers.ts';

/**
 * The equivalence suite on the in-memory process source: every sample scenario × the arches of
 * the four image formats (amd64 minidump and full dump share a model; i386; arm64) × every
 * revision, then ≥ 200 random systems. Exact mode must equal the live path byte for byte
 * (kern.proc.all per thread, kern.proc.proc, native and compat32); libkvm mode may differ only in
 * fields a named rule owns, each with its spec value. The image-backed run of the same checks is
 * in images.test.ts (once kstruct's writer/reader exist).
 */
const SCEN = path.join(REPO, 'dumps/scenarios');
const scenarios = fs.readdirSync(SCEN).filter((f) => f.endsWith('.json') && !f.includes('schema'));
const ARCHES = ['amd64', 'i386', 'arm64'];
const REVS = ['fbsd14', 'fbsd15', 'fbsd15-reaper'];

describe('exact and libkvm modes on the sample scenarios (in-memory source)', () => {
  for (const file of scenarios) {
    it(file, () => {
      const json = JSON.parse(fs.readFileSync(path.join(SCEN, file), 'utf8'));
      for (const arch of ARCHES) {
        const model = buildModel(json, { arch });
        for (const rev of REVS) {
          const kd = kvmFromModel(model, rev);
          const ex = checkExact(kd, model, rev, !!archDef(arch).compat32);
          expect(ex.why, `${file} ${arch} ${rev}`).toBeUndefined();
          const lk = checkLibkvm(kd.getProcs(0, 0, { mode: 'libkvm' }), model, rev);
          expect(lk.violations, `${file} ${arch} ${rev}`).toEqual([]);
          // every selector, per process and per thread, against the live sysctl
          const procs = [...model.procs.values()];
          const args: [number, number][] = [];
          for (const p of procs.slice(0, 6)) {
            args.push([KERN_PROC_PID, p.p_pid], [KERN_PROC_PID, p.p_threads[0].td_tid], [KERN_PROC_UID, p.p_ucred.cr_uid], [KERN_PROC_RUID, p.p_ucred.cr_ruid], [KERN_PROC_GID, p.p_ucred.cr_gid], [KERN_PROC_RGID, p.p_ucred.cr_rgid]);
            if (p.p_pgrp) args.push([KERN_PROC_PGRP, p.p_pgrp.pg_id], [KERN_PROC_SESSION, p.p_pgrp.pg_session.s_sid]);
            const tp = p.p_pgrp?.pg_session.s_ttyp;
            if (tp && p.p_flag & P_CONTROLT) args.push([KERN_PROC_TTY, Number(BigInt.asIntN(32, ttyUdev(tp)))]);
          }
          for (const [op, arg] of args) {
            for (const threads of [false, true]) {
              const live = sysctlKernProc(model, { op, arg, threads, revision: rev });
              const got = kd.getProcs(op, arg, { threads });
              expect(Buffer.from(got.concat()).equals(Buffer.from(live.bytes)), `${file} ${arch} ${rev} op ${op} arg ${arg} threads ${threads}`).toBe(true);
            }
          }
        }
      }
    });
  }
});

describe('≥ 200 random systems (in-memory source)', () => {
  const N = 200;
  it(`exact = live and libkvm ⊆ rules on ${N} random systems of ~40 processes`, () => {
    let records = 0;
    const ruleHits = new Map<string, number>();
    for (let seed = 1; seed <= N; seed++) {
      const arch = ARCHES[seed % 3];
      const rev = REVS[Math.floor(seed / 3) % 3];
      const { model } = randomModel({ seed, processes: 40, maxThreads: 5, jails: 2 }, arch);
      const kd = kvmFromModel(model, rev);
      const ex = checkExact(kd, model, rev, !!archDef(arch).compat32);
      expect(ex.why, `seed ${seed} ${arch} ${rev}`).toBeUndefined();
      records += ex.records;
      const lk = checkLibkvm(kd.getProcs(0, 0, { mode: 'libkvm' }), model, rev);
      expect(lk.violations, `seed ${seed} ${arch} ${rev}`).toEqual([]);
      for (const [k, n] of lk.hits) ruleHits.set(k, (ruleHits.get(k) ?? 0) + n);
    }
    console.log(`[kvm equivalence] ${N} random systems, ${records} exact-mode records identical; libkvm fields differing per rule: ${[...ruleHits].map(([k, n]) => `${k}=${n}`).join(' ')}`);
    // The random systems exercise most rules (a rule never differing would be untested).
    for (const id of ['structsize-zero', 'jobc-minus-one', 'tdev-nodev', 'rssize-no-kstack', 'pri-level-native', 'wmesg-raw', 'kiflag-last-session', 'pstats-zero', 'unfilled-zero', 'comm-maxcomlen']) expect(ruleHits.get(id) ?? 0, id).toBeGreaterThan(0);
  });
});
