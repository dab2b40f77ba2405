import { RecordView } from '../../src/codec/index.ts';
import { cputick2usec } from '../../src/kernel/calcru.ts';
import { KERN_PROC_ALL, KERN_PROC_PROC, NODEV, P_CONTROLT, PRS_ZOMBIE, TDI_LOCK, TDS_INACTIVE, TDS_INHIBITED, type KernelModel, type Proc, type Thread } from '../../src/kernel/index.ts';
import { sysctlKernProc } from '../../src/kernel/sysctl.ts';
import { FIELD_RULES, type GetProcsResult, type Kd } from '../../src/kvm/index.ts';
import type { StructLayout } from '../../src/layout/index.ts';

/**
 * Checks shared by the equivalence suites (in-memory and images): exact-mode byte equality with
 * the live path, and libkvm-mode differences confined to the rules' fields, with each rule's
 * expected value derived here from the model (independently of src/kvm/rules.ts).
 */

/** Top-level fields whose bytes differ between two records of one layout. */
export function differingFields(layout: StructLayout, a: Uint8Array, b: Uint8Array): string[] {
  const out: string[] = [];
  for (const f of layout.fields) {
    for (let i = f.offset; i < f.offset + f.size; i++) {
      if (a[i] !== b[i]) {
        out.push(f.name);
        break;
      }
    }
  }
  return out;
}

export function ruleFieldOwners(): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of FIELD_RULES) for (const f of r.fields) m.set(f, r.id);
  return m;
}

export interface ExactCounts { records: number; compared: number }

/** kern.proc.all, kern.proc.proc (and their compat32 forms where the arch has one): identical bytes. */
export function checkExact(kd: Kd, model: KernelModel, revision: string, compat32: boolean): { ok: boolean; records: number; why?: string } {
  let n = 0;
  for (const [op, threads] of [[KERN_PROC_ALL, true], [KERN_PROC_PROC, false]] as const) {
    for (const c32 of compat32 ? [false, true] : [false]) {
      const live = sysctlKernProc(model, { op, revision, compat32: c32, threads });
      const r = kd.getProcs(op, 0, { compat32: c32, threads });
      const got = r.concat();
      n += r.count;
      if (r.errors.length) return { ok: false, records: n, why: `errors: ${r.errors.map((e) => e.message).join('; ')}` };
      if (got.length !== live.bytes.length) return { ok: false, records: n, why: `op ${op} compat32 ${c32}: ${r.count} records vs live ${live.records.length}` };
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== live.bytes[i]) {
          const rec = Math.floor(i / r.layout.size);
          return { ok: false, records: n, why: `op ${op} compat32 ${c32}: record ${rec} (pid ${r.records[rec].pid}) differs at byte ${i % r.layout.size}: ${differingFields(r.layout, got.subarray(rec * r.layout.size, (rec + 1) * r.layout.size), live.bytes.subarray(rec * r.layout.size, (rec + 1) * r.layout.size)).join(',')}` };
        }
      }
    }
  }
  return { ok: true, records: n };
}

const bytesOf = (s: string, n: number) => {
  const b = new Uint8Array(n);
  b.set(Buffer.from(s, 'latin1').subarray(0, n));
  return b;
};

/**
 * libkvm mode against the live path for kern.proc.all: the listed processes are allproc's, in its
 * order; every differing field is owned by a rule; and each rule's value is what the spec says.
 * Returns the list of violations (empty = pass) and how many fields differed per rule.
 */
export type RawOf = (which: 'td_wmesg' | 'td_lockname' | 's_login', owner: { addr: bigint }, n: number, s: string) => Uint8Array;
/** In-memory model: strings lie NUL-padded. */
export const zeroPadded: RawOf = (_w, _o, n, s) => bytesOf(s, n);

export function checkLibkvm(r: GetProcsResult, model: KernelModel, revision: string, raw: RawOf = zeroPadded): { violations: string[]; hits: Map<string, number> } {
  const v: string[] = [];
  const hits = new Map<string, number>();
  const owners = ruleFieldOwners();
  const live = sysctlKernProc(model, { op: KERN_PROC_ALL, revision });
  const liveBy = new Map<string, Uint8Array>();
  for (const x of live.records) liveBy.set(`${x.pid}/${x.tid}`, live.bytes.subarray(x.offset, x.offset + x.size));
  // which records: allproc order, every thread, no zombies (no zombproc)
  const expect: string[] = [];
  for (const p of model.allproc) if (p.p_state !== 0) for (const td of p.p_threads) expect.push(`${p.p_pid}/${td.td_tid}`);
  const got = r.records.map((x) => `${x.pid}/${x.tid}`);
  if (got.join(' ') !== expect.join(' ')) v.push(`records/order: got ${got.length}, expected ${expect.length} (first mismatch at ${got.findIndex((g, i) => g !== expect[i])})`);
  const layout = r.layout;
  const K = new RecordView(layout);
  let prevPid = -1;
  let prev: RecordView | null = null;
  for (const rec of r.records) {
    const key = `${rec.pid}/${rec.tid}`;
    const lb = liveBy.get(key);
    if (!lb) {
      v.push(`${key}: not in the live listing`);
      continue;
    }
    for (const f of differingFields(layout, rec.bytes, lb)) {
      const o = owners.get(f);
      if (!o) v.push(`${key}: field ${f} differs from the live path but no rule owns it`);
      else hits.set(o, (hits.get(o) ?? 0) + 1);
    }
    const p = model.procs.get(rec.pid)!;
    const td = p.p_threads.find((t) => t.td_tid === rec.tid)!;
    K.bytes.set(rec.bytes);
    const samePrev = prevPid === rec.pid ? prev : null;
    for (const bad of expectRules(K, p, td, model, samePrev, raw)) v.push(`${key}: ${bad}`);
    prev = new RecordView(layout, rec.bytes.slice());
    prevPid = rec.pid;
    if (v.length > 20) break;
  }
  return { violations: v, hits };
}

/** Each rule's value, from spec §3.2/§3.3 and the model. */
function expectRules(k: RecordView, p: Proc, td: Thread, m: KernelModel, prev: RecordView | null, raw: RawOf): string[] {
  const bad: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => {
    if (String(got) !== String(want)) bad.push(`${what}: got ${String(got)}, expected ${String(want)}`);
  };
  const zeroBytes = (f: string) => {
    const fl = k.layout.fields.find((x) => x.name === f);
    if (fl && k.bytes.subarray(fl.offset, fl.offset + fl.size).some((b) => b !== 0)) bad.push(`${f} not all zero`);
  };
  eq('structsize-zero', k.get('ki_structsize'), 0);
  eq('tracep-null', k.get('ki_tracep'), 0n);
  eq('flag-no-jailed', k.get('ki_flag'), p.p_flag);
  for (const f of ['ki_flag2', 'ki_fibnum', 'ki_tracer', 'ki_tdflags', 'ki_pcb', 'ki_kstack', 'ki_tdaddr', 'ki_slptime', 'ki_cow', 'ki_estcpu', 'ki_pctcpu', 'ki_start', 'ki_childtime', 'ki_rusage', 'ki_rusage_ch', 'ki_loginclass', 'ki_moretdname', 'ki_uerrmsg', 'ki_sflag']) zeroBytes(f);
  eq('jobc-minus-one', k.get('ki_jobc'), p.p_pgrp ? -1 : 0);
  const sess = p.p_pgrp?.pg_session ?? null;
  const tp = sess?.s_ttyp ?? null;
  const ctty = !!(p.p_flag & P_CONTROLT) && tp !== null;
  eq('tpgid-minus-one', k.get('ki_tpgid'), ctty ? (tp!.t_pgrp ? tp!.t_pgrp.pg_id : -1) : 0);
  const tdev = ctty ? (tp!.t_dev ? NODEV : 0n) : NODEV;
  eq('tdev-nodev', k.get('ki_tdev'), tdev);
  eq('tdev-nodev (freebsd11)', k.get('ki_tdev_freebsd11'), Number(tdev & 0xffffffffn));
  eq('jid-pr-id', k.get('ki_jid'), p.p_ucred.cr_prison.pr_id);
  eq('rssize-no-kstack', k.get('ki_rssize'), p.p_vmspace ? p.p_vmspace.pm_resident_count : 0n);
  for (let i = 0; i < 4; i++) eq(`siglist-or[${i}]`, k.getAt('ki_siglist.__bits', i), (p.p_siglist[i] | td.td_siglist[i]) >>> 0);
  eq('runtime-p-rux', k.get('ki_runtime'), cputick2usec(p.p_rux.rux_runtime, m.globals.cpu_tick_frequency));
  eq('pri class', k.get('ki_pri.pri_class'), 0);
  eq('pri user', k.get('ki_pri.pri_user'), 0);
  eq('pri level', k.get('ki_pri.pri_level'), td.td_priority);
  eq('pri native', k.get('ki_pri.pri_native'), td.td_base_pri);
  if (td.td_state === TDS_INACTIVE) eq('stat-inactive', k.get('ki_stat'), prev ? prev.get('ki_stat') : 0);
  else if (td.td_state !== TDS_INHIBITED) eq('stat run', k.get('ki_stat'), 2);
  const lock = k.getBytes('ki_lockname');
  if (td.td_inhibitors & TDI_LOCK) eq('lockname raw', Buffer.from(lock).toString('hex'), Buffer.from([...(td.td_lockname === null ? new Uint8Array(8) : raw('td_lockname', td, 8, td.td_lockname)), 0]).toString('hex'));
  else eq('lockname kept', Buffer.from(lock).toString('hex'), Buffer.from(prev ? prev.getBytes('ki_lockname') : new Uint8Array(9)).toString('hex'));
  eq('wmesg raw', Buffer.from(k.getBytes('ki_wmesg')).toString('hex'), Buffer.from([...(td.td_wmesg === null ? new Uint8Array(8) : raw('td_wmesg', td, 8, td.td_wmesg)), 0]).toString('hex'));
  if (sess) eq('login raw', Buffer.from(k.getBytes('ki_login')).toString('hex'), Buffer.from(raw('s_login', sess, 18, sess.s_login)).toString('hex'));
  eq('comm-maxcomlen', k.get('ki_comm'), p.p_comm.slice(0, 18));
  if (p.p_sysent) eq('emul-15', k.get('ki_emul'), p.p_sysent.sv_name.slice(0, 15));
  let kf = 0;
  if (sess) {
    const s = ctty && tp!.t_session ? tp!.t_session : sess;
    if (s.s_ttyvp !== 0n) kf |= 1;
    if (s.s_leader === p) kf |= 2;
  }
  if (td.td_inhibitors & TDI_LOCK) kf |= 4;
  eq('kiflag-last-session', k.get('ki_kiflag'), kf);
  if (td.td_name === '') eq('tdname-empty-zeroed', Buffer.from(k.getBytes('ki_tdname')).toString('hex'), '00'.repeat(17));
  else eq('tdname', k.get('ki_tdname'), td.td_name.slice(0, 16));
  if (k.has('ki_reaper')) eq('reaper-read', k.get('ki_reaper'), p.p_reaper.p_pid);
  eq('tid', k.get('ki_tid'), td.td_tid);
  if (p.p_state === PRS_ZOMBIE) bad.push('a zombie is listed');
  return bad;
}
