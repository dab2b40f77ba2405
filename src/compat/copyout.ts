import { KvmkitError } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';
import { RecordView } from '../codec/index.ts';
import { archDef, getLayout, type Leaf, type StructLayout } from '../layout/index.ts';
import { copyoutRules, type Conversion } from './rules.ts';

/**
 * freebsd32_kinfo_proc_out (spec §2.6): struct kinfo_proc → struct kinfo_proc32 for a 64-bit
 * kernel and a 32-bit caller. The 32-bit record is zeroed, ki_structsize is set to its size, then
 * each field is converted by its revision's rule (./rules.ts): CP (C assignment, low bits kept),
 * PTRTRIM (> 0xffffffff → 0), TV (timeval → timeval32), RU (freebsd32_rusage_out), FU64 (64-bit
 * value into freebsd32_uint64_t), BYTES (whole char arrays, stale bytes included). Fields without a
 * rule stay 0.
 */

interface Op { conv: Conversion; field: string; dst: Leaf[]; src: Leaf[]; dstOff: number; dstSize: number; srcOff: number; srcSize: number }

export interface CopyoutPlan {
  arch: string;
  revision: string;
  native: StructLayout;
  compat: StructLayout;
  ops: Op[];
  /** kinfo_proc32 fields the copyout never writes (0 in every compat record). */
  uncopied: { field: string; spare: boolean; note?: string }[];
  /** Native kinfo_proc fields whose value never reaches a 32-bit caller. */
  dropped: { field: string; spare: boolean; note?: string }[];
}

const SPARE = /^ki_spare/;
const plans = new Map<string, CopyoutPlan>();

function leavesUnder(l: StructLayout, field: string): Leaf[] {
  return l.leaves().filter((x) => x.path === field || x.path.startsWith(field + '.') || x.path.startsWith(field + '['));
}

/** The compat copyout for a 64-bit arch (amd64, arm64, powerpc64, powerpc64le) and a revision. */
export function copyoutPlan(arch: string, revision: string): CopyoutPlan {
  const key = `${arch}/${revision}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const a = archDef(arch);
  if (!a.compat32) throw new KvmkitError(`arch ${arch} has no COMPAT_FREEBSD32 (no kinfo_proc32)`, { arch, revision });
  const native = getLayout('kinfo_proc', arch, revision);
  const compat = getLayout('kinfo_proc32', arch, revision);
  const rules = copyoutRules(revision);
  const ops: Op[] = [];
  for (const [field, conv] of rules.fields) {
    const ctx = { arch, revision, field, struct: 'kinfo_proc32' };
    const df = compat.fields.find((f) => f.name === field);
    if (!df) throw new KvmkitError(`the copyout rule names ${field}, which this revision's kinfo_proc32 does not have`, ctx);
    const sf = native.fields.find((f) => f.name === field);
    if (!sf && conv !== 'SET') throw new KvmkitError(`the copyout rule names ${field}, which this revision's kinfo_proc does not have`, { ...ctx, struct: 'kinfo_proc' });
    const dst = leavesUnder(compat, field);
    const src = sf ? leavesUnder(native, field) : [];
    if (conv === 'CP' || conv === 'TV' || conv === 'RU') {
      const sp = src.map((l) => l.path).join(',');
      const dp = dst.map((l) => l.path).join(',');
      if (sp !== dp) throw new KvmkitError(`${conv} needs the same members on both sides (native ${sp}; compat ${dp})`, ctx);
    }
    if (conv === 'BYTES' && sf && sf.size !== df.size) throw new KvmkitError(`byte copy of ${sf.size} bytes into ${df.size}`, ctx);
    ops.push({ conv, field, dst, src, dstOff: df.offset, dstSize: df.size, srcOff: sf?.offset ?? 0, srcSize: sf?.size ?? 0 });
  }
  const uncopied = compat.fields.filter((f) => !rules.fields.has(f.name)).map((f) => ({ field: f.name, spare: SPARE.test(f.name), note: rules.notes[f.name] }));
  const dropped = native.fields.filter((f) => !rules.fields.has(f.name)).map((f) => ({ field: f.name, spare: SPARE.test(f.name), note: rules.notes[f.name] }));
  const plan: CopyoutPlan = { arch, revision, native, compat, ops, uncopied, dropped };
  plans.set(key, plan);
  return plan;
}

/** C assignment of a value into a leaf's element type. */
function cconv(leaf: Leaf, v: number | bigint): number | bigint {
  const bits = leaf.elemSize * 8;
  let x = BigInt.asUintN(bits, BigInt(v));
  if (leaf.signed && leaf.kind !== 'pointer') x = BigInt.asIntN(bits, x);
  return leaf.elemSize === 8 || leaf.kind === 'pointer' ? x : Number(x);
}

function readLeaf(v: RecordView, l: Leaf, i: number): number | bigint {
  return l.count !== undefined ? v.getAt(l, i) : (v.get(l) as number | bigint);
}

/** One CP/TV/RU leaf pair, element by element: read the source, C-assign it to the destination. */
function convertLeaf(src: RecordView, sl: Leaf, dst: RecordView, dl: Leaf): void {
  const n = dl.count ?? 1;
  for (let i = 0; i < n; i++) {
    const val = cconv(dl, readLeaf(src, sl, i));
    if (dl.count !== undefined) dst.setAt(dl, i, val);
    else dst.set(dl, val);
  }
}

/** One rule of freebsd32_kinfo_proc_out, as the C states it (the compiled plan's reference and fallback). */
function convertOp(plan: CopyoutPlan, op: Op, src: RecordView, dst: RecordView): void {
  const le = plan.compat.littleEndian;
  switch (op.conv) {
    case 'SET':
      dst.assign(op.dst[0], plan.compat.size);
      break;
    case 'CP':
    case 'TV':
    case 'RU':
      for (let k = 0; k < op.dst.length; k++) convertLeaf(src, op.src[k], dst, op.dst[k]);
      break;
    case 'PTRTRIM': {
      const l = op.src[0];
      const x = BigInt(src.get(l) as bigint | number);
      const u = BigInt.asUintN(l.elemSize * 8, x);
      dst.assign(op.dst[0], u > 0xffffffffn ? 0n : u);
      break;
    }
    case 'FU64': {
      const x = BigInt.asUintN(64, BigInt(src.get(op.src[0]) as bigint | number));
      const off = dst.offset + op.dstOff;
      if (op.dst.length === 1 && op.dst[0].elemSize === 8) dst.dv.setBigUint64(off, x, le);
      else {
        // freebsd32_uint64_t as two 32-bit words: the low word first [I].
        dst.dv.setUint32(off, Number(x & 0xffffffffn), le);
        dst.dv.setUint32(off + 4, Number(x >> 32n), le);
      }
      break;
    }
    case 'BYTES':
      dst.bytes.set(src.bytes.subarray(src.offset + op.srcOff, src.offset + op.srcOff + op.srcSize), dst.offset + op.dstOff);
      break;
  }
}

/**
 * The plan compiled to byte moves. Both records have the arch's byte order, so a C assignment
 * between integers of the same size is a byte copy, and one into a narrower integer (the 64-bit
 * longs and times into 32-bit ones) copies the low-order bytes: the value modulo 2^(8·size).
 * Adjacent copies are merged (most of kinfo_proc32 is runs of fields copied unchanged), so a
 * record is a few dozen copies instead of a BigInt conversion per field. PTRTRIM of a 64-bit
 * pointer copies the low word when the high word is 0 (else leaves the zeroed field). Anything
 * else (SET, FU64, widening, mismatched arrays) runs convertOp, the rule as written.
 */
interface Compiled {
  /** Byte ranges [src, dst, len] (offsets within the records), merged, in destination order. */
  copies: Int32Array;
  /** 64-bit pointers trimmed to 32 bits: [src, dst] pairs. */
  ptrtrims: Int32Array;
  /** Rules or leaf pairs done the general way. */
  general: { op: Op; sl?: Leaf; dl?: Leaf }[];
}

const compiledPlans = new WeakMap<CopyoutPlan, Compiled>();

function compile(plan: CopyoutPlan): Compiled {
  const le = plan.native.littleEndian;
  if (plan.compat.littleEndian !== le) throw new KvmkitError('native and compat records differ in byte order', { arch: plan.arch, revision: plan.revision });
  const copies: [number, number, number][] = [];
  const ptrtrims: number[] = [];
  const general: Compiled['general'] = [];
  const scalarOrArray = (l: Leaf) => l.kind !== 'string';
  for (const op of plan.ops) {
    switch (op.conv) {
      case 'BYTES':
        copies.push([op.srcOff, op.dstOff, op.srcSize]);
        break;
      case 'CP':
      case 'TV':
      case 'RU':
        for (let k = 0; k < op.dst.length; k++) {
          const sl = op.src[k];
          const dl = op.dst[k];
          const n = dl.count ?? 1;
          if ((sl.count ?? 1) !== n || dl.elemSize > sl.elemSize || !scalarOrArray(sl) || !scalarOrArray(dl)) {
            general.push({ op, sl, dl });
            continue;
          }
          // The low-order dl.elemSize bytes of each source element: at its start (LE) or end (BE).
          const low = le ? 0 : sl.elemSize - dl.elemSize;
          for (let i = 0; i < n; i++) copies.push([sl.offset + i * sl.elemSize + low, dl.offset + i * dl.elemSize, dl.elemSize]);
        }
        break;
      case 'PTRTRIM': {
        const sl = op.src[0];
        const dl = op.dst[0];
        if (op.src.length === 1 && op.dst.length === 1 && sl.count === undefined && dl.count === undefined && sl.elemSize === 8 && dl.elemSize === 4) ptrtrims.push(sl.offset, dl.offset);
        else general.push({ op });
        break;
      }
      default:
        general.push({ op });
    }
  }
  copies.sort((x, y) => x[1] - y[1]);
  const merged: number[] = [];
  for (const [src, dst, len] of copies) {
    const m = merged.length;
    if (m > 0 && merged[m - 3] + merged[m - 1] === src && merged[m - 2] + merged[m - 1] === dst) merged[m - 1] += len;
    else merged.push(src, dst, len);
  }
  return { copies: Int32Array.from(merged), ptrtrims: Int32Array.from(ptrtrims), general };
}

/** freebsd32_kinfo_proc_out(ki, ki32): `src` views a native record, `dst` a kinfo_proc32 buffer. */
export function kinfoProcOut(plan: CopyoutPlan, src: RecordView, dst: RecordView): void {
  let c = compiledPlans.get(plan);
  if (!c) compiledPlans.set(plan, (c = compile(plan)));
  dst.zero();
  const sb = src.bytes;
  const db = dst.bytes;
  const s0 = src.offset;
  const d0 = dst.offset;
  const { copies, ptrtrims } = c;
  for (let j = 0; j < copies.length; j += 3) {
    const s = s0 + copies[j];
    const d = d0 + copies[j + 1];
    const len = copies[j + 2];
    if (len > 16) db.set(sb.subarray(s, s + len), d);
    else for (let b = 0; b < len; b++) db[d + b] = sb[s + b];
  }
  const hiWord = plan.native.littleEndian ? 4 : 0;
  for (let j = 0; j < ptrtrims.length; j += 2) {
    const s = s0 + ptrtrims[j];
    const d = d0 + ptrtrims[j + 1];
    const h = s + hiWord;
    if ((sb[h] | sb[h + 1] | sb[h + 2] | sb[h + 3]) !== 0) continue; // > 0xffffffff: 0 (already zeroed)
    const lo = s + 4 - hiWord;
    db[d] = sb[lo];
    db[d + 1] = sb[lo + 1];
    db[d + 2] = sb[lo + 2];
    db[d + 3] = sb[lo + 3];
  }
  for (const g of c.general) {
    if (g.sl && g.dl) convertLeaf(src, g.sl, dst, g.dl);
    else convertOp(plan, g.op, src, dst);
  }
}

/**
 * The same copyout, rule by rule as the C states it, without the compiled byte moves: the
 * reference the compiled form is tested against.
 */
export function kinfoProcOutByRule(plan: CopyoutPlan, src: RecordView, dst: RecordView): void {
  dst.zero();
  for (const op of plan.ops) convertOp(plan, op, src, dst);
}

/** Convert a buffer of native records to compat records (the `kvmkit compat` command). */
export function convertRecords(arch: string, revision: string, bytes: Uint8Array, file?: string, firstRecord = 0): Uint8Array {
  const plan = copyoutPlan(arch, revision);
  const n = plan.native.size;
  checkWholeNative(plan, bytes.length, arch, revision, file, firstRecord * n);
  const out = new Uint8Array((bytes.length / n) * plan.compat.size);
  const sv = new RecordView(plan.native, bytes, 0);
  const dv = new RecordView(plan.compat, out, 0);
  for (let i = 0; i < bytes.length / n; i++) {
    sv.at(i * n);
    const ss = sv.get('ki_structsize');
    const rec = firstRecord + i;
    if (ss !== n && ss !== 0) throw new KvmkitError(`ki_structsize is ${ss}, not ${n}: not a native ${arch} kinfo_proc`, { file, arch, revision, record: rec, field: 'ki_structsize', offset: rec * n });
    kinfoProcOut(plan, sv, dv.at(i * plan.compat.size));
  }
  return out;
}

function checkWholeNative(plan: CopyoutPlan, length: number, arch: string, revision: string, file: string | undefined, base: number): void {
  const n = plan.native.size;
  if (length % n !== 0) throw new KvmkitError(`${length} bytes is not a whole number of ${n}-byte kinfo_proc records`, { file, arch, revision, offset: base + length - (length % n) });
}

/**
 * convertRecords over a file a chunk at a time, so memory stays flat however many records it
 * holds: `emit` receives the kinfo_proc32 records of each chunk in order. Returns the record count.
 */
export function convertRecordsSource(arch: string, revision: string, src: ByteSource, emit: (compat: Uint8Array) => void, chunkRecords = 4096): number {
  const plan = copyoutPlan(arch, revision);
  const n = plan.native.size;
  checkWholeNative(plan, src.size, arch, revision, src.name, 0);
  const total = src.size / n;
  for (let first = 0; first < total; first += chunkRecords) {
    const k = Math.min(chunkRecords, total - first);
    emit(convertRecords(arch, revision, src.read(first * n, k * n), src.name, first));
  }
  return total;
}
