/**
 * Bench section `streaming` (issue 14 item 2): peak RSS and time of the CLI on large inputs, each
 * run in its own process under /usr/bin/time so the peak is that command's alone.
 *  - a 1 GiB records file (amd64 kinfo_proc, fbsd15-reaper; the golden record with distinct pids):
 *    `decode --partial` (table) and `compat`;
 *  - `decode --json` of 20k records and `encode` of that JSON;
 *  - a core whose PT_NOTE is 5 GiB (sparse: three records, then a hole): `decode`.
 * Targets: ≤ 200 MB peak RSS for the 1 GiB file, flat memory for the 5 GiB note.
 * Inputs are built under os.tmpdir() and removed afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenBytes } from '../../dumps/golden.ts';
import { RecordView } from '../../src/codec/index.ts';
import { getLayout } from '../../src/layout/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../../bin/kvmkit');
const GiB = 2 ** 30;

/** `count` records of the golden fbsd15-reaper record, pids 1000…, written 4 MiB at a time. */
function writeRecords(file: string, count: number): void {
  const L = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
  const one = goldenBytes('kinfo_proc', 'amd64', 'fbsd15-reaper');
  const per = Math.floor((4 << 20) / L.size);
  const buf = new Uint8Array(per * L.size);
  const v = new RecordView(L, buf);
  const fd = fs.openSync(file, 'w');
  for (let done = 0; done < count; done += per) {
    const n = Math.min(per, count - done);
    for (let i = 0; i < n; i++) {
      buf.set(one, i * L.size);
      v.at(i * L.size).set('ki_pid', 1000 + ((done + i) % 90000));
    }
    fs.writeSync(fd, buf, 0, n * L.size);
  }
  fs.closeSync(fd);
}

/** A core whose only PT_NOTE is `filesz` bytes: an NT_PROCSTAT_PROC note of `records` records in front, a hole after. */
function writeSparseNoteCore(file: string, filesz: number, records: number): void {
  const L = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
  const one = goldenBytes('kinfo_proc', 'amd64', 'fbsd15-reaper');
  const h = Buffer.alloc(120);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 9]);
  h.writeUInt16LE(4, 16);
  h.writeUInt16LE(62, 18);
  h.writeBigUInt64LE(64n, 32);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(1, 56);
  h.writeUInt32LE(4, 64);
  h.writeBigUInt64LE(120n, 72);
  h.writeBigUInt64LE(BigInt(filesz), 96);
  const desc = Buffer.alloc(4 + records * L.size);
  desc.writeInt32LE(L.size, 0);
  for (let i = 0; i < records; i++) desc.set(one, 4 + i * L.size);
  const nh = Buffer.alloc(20);
  nh.writeUInt32LE(8, 0);
  nh.writeUInt32LE(desc.length, 4);
  nh.writeUInt32LE(8, 8);
  nh.write('FreeBSD', 12, 'latin1');
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, Buffer.concat([h, nh, desc]));
  fs.ftruncateSync(fd, 120 + filesz);
  fs.closeSync(fd);
}

/** Peak RSS (MB) and wall time of one CLI run, stdout discarded. */
function measure(args: string[]): { mb: number; s: number; status: number | null; err: string } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { mb: m ? Math.round(Number(m[1]) / 1024) : NaN, s: (performance.now() - t) / 1000, status: r.status, err: r.stderr.replace(/MAXRSS \d+\n?/, '').trim().slice(0, 300) };
}

export const section = {
  name: 'streaming',
  run: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-bench-stream-'));
    try {
      const L = getLayout('kinfo_proc', 'amd64', 'fbsd15-reaper');
      const big = path.join(dir, 'big.bin');
      const n = Math.floor(GiB / L.size);
      writeRecords(big, n);
      const lay = ['--struct', 'kinfo_proc', '--arch', 'amd64', '--rev', 'fbsd15-reaper'];
      console.log(`\n== streaming: peak RSS of one CLI run (target <= 200 MB for the 1 GiB file) ==`);
      const row = (what: string, m: ReturnType<typeof measure>) =>
        console.log(`${what.padEnd(52)} ${String(m.mb).padStart(5)} MB  ${m.s.toFixed(1).padStart(6)} s${m.status === 0 ? '' : `  exit ${m.status}: ${m.err}`}`);
      row(`decode --partial, ${n} records (${(fs.statSync(big).size / GiB).toFixed(2)} GiB)`, measure(['decode', big, ...lay, '--partial']));
      row('compat -> kinfo_proc32, same file', measure(['compat', big, '--arch', 'amd64', '--rev', 'fbsd15-reaper', '-o', path.join(dir, 'c.bin')]));
      fs.rmSync(path.join(dir, 'c.bin'), { force: true });
      const small = path.join(dir, 'small.bin');
      writeRecords(small, 20_000);
      const json = path.join(dir, 'r.json');
      row('decode --json, 20000 records', measure(['decode', small, ...lay, '--json']));
      execFileSync('sh', ['-c', `"${CLI}" decode "${small}" ${lay.join(' ')} --json > "${json}"`]);
      row(`encode, 20000 records (${(fs.statSync(json).size / 2 ** 20).toFixed(0)} MB of JSON)`, measure(['encode', json, ...lay, '-o', path.join(dir, 'e.bin')]));
      const core = path.join(dir, 'note.core');
      writeSparseNoteCore(core, 5 * GiB, 3);
      row('decode of a core with a 5 GiB sparse PT_NOTE', measure(['decode', core]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
