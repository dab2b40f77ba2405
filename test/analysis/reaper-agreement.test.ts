import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, randomModel } from '../../src/kernel/index.ts';
import { compareSystem, liveView, newTally, summary, type Tally } from './reaper-compare.ts';

/**
 * Userland rebuild (records from the live path, revision fbsd15-reaper, decoded) against the
 * kernel model's own procctl answers (src/kernel/procctl.ts), for every pid. Exact fields must be
 * equal; the documented limitations are asserted to be exactly what differs; the order
 * approximations are measured and held above a floor.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCEN = path.join(ROOT, 'dumps/scenarios');
const scenarios = fs.readdirSync(SCEN).filter((f) => f.endsWith('.json') && !f.includes('schema')).sort();

function assertClean(t: Tally) {
  expect(t.bugs).toEqual([]);
  // Claimed-exact answers are exact.
  expect(t.rsPid.exactClaimedOk).toBe(t.rsPid.exactClaimed - t.anomalies.filter((a) => a.includes('claimed exact')).length);
  expect(t.getpids.orderExactClaimedOk).toBe(t.getpids.orderExactClaimed);
  // Everything else that is not a documented limitation matches exactly.
  expect(t.status.exact + t.anomalies.filter((a) => a.includes(': status kernel')).length).toBe(t.status.compared - t.status.emptyReaperLimit);
  expect(t.getpids.setOk).toBe(t.getpids.compared - t.getpids.emptyReaperLimit);
  expect(t.kill.ok + t.anomalies.filter((a) => a.includes(': kill ')).length).toBe(t.kill.compared - t.kill.emptyReaperLimit);
}

describe('reaper agreement: userland rebuild vs kernel procctl', () => {
  for (const arch of ['amd64', 'i386', 'powerpc64']) {
    it(`sample scenarios (${arch}): every pid agrees`, () => {
      const t = newTally();
      for (const f of scenarios) compareSystem(loadScenarioFile(path.join(SCEN, f), arch), f, t);
      assertClean(t);
      expect(t.anomalies).toEqual([]);
      expect(t.status.compared).toBeGreaterThan(40);
      expect(t.status.exact).toBe(t.status.compared);
    });
  }

  it('sample scenarios through kinfo_proc32 (amd64 compat32 copyout): same answers', () => {
    const t = newTally();
    for (const f of scenarios) {
      const model = loadScenarioFile(path.join(SCEN, f), 'amd64');
      compareSystem(model, `${f} compat32`, t, liveView(model, 'fbsd15-reaper', true));
    }
    assertClean(t);
  });

  it('200 random systems of ~60 processes: exact where exact, limitations exactly as documented, approximations measured', () => {
    const t = newTally();
    for (let seed = 1; seed <= 200; seed++) {
      const { model } = randomModel({ seed, processes: 60, maxThreads: 3 }, 'amd64');
      compareSystem(model, `seed ${seed}`, t);
    }
    // eslint-disable-next-line no-console
    console.log(`reaper agreement, random systems:\n${summary(t)}`);
    assertClean(t);
    expect(t.systems).toBe(200);
    expect(t.pids).toBeGreaterThan(10000);
    // The limitation actually occurs (reapers with empty lists exist) and is classified.
    expect(t.status.emptyReaperLimit).toBeGreaterThan(50);
    expect(t.getpids.ownerFlagLimit).toBeGreaterThan(0);
    // Disagreements traced to simulator anomalies stay rare and each names an anomalous process.
    expect(t.anomalies.length).toBeLessThan(20);
    if (t.anomalies.length) expect(t.anomalousProcs.length).toBeGreaterThan(0);
    // Approximation floors (measured: rs_pid ≈ 78%, GETPIDS order ≈ 35% of lists longer than 1).
    expect(t.rsPid.approxOk / t.rsPid.approx).toBeGreaterThan(0.7);
    expect(t.getpids.orderOk / t.getpids.orderCompared).toBeGreaterThan(0.25);
  });
});
