import { KvmkitError } from '../base/errors.ts';
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
  return l.count !== undefined ? v.getAt(l.path, i) : (v.get(l.path) as number | bigint);
}

/** freebsd32_kinfo_proc_out(ki, ki32): `src` views a native record, `dst` a kinfo_proc32 buffer. */
export function kinfoProcOut(plan: CopyoutPlan, src: RecordView, dst: RecordView): void {
  dst.zero();
  const le = plan.compat.littleEndian;
  for (const op of plan.ops) {
    switch (op.conv) {
      case 'SET':
        dst.assign(op.field, plan.compat.size);
        break;
      case 'CP':
      case 'TV':
      case 'RU':
        for (let k = 0; k < op.dst.length; k++) {
          const dl = op.dst[k];
          const sl = op.src[k];
          const n = dl.count ?? 1;
          for (let i = 0; i < n; i++) {
            const val = cconv(dl, readLeaf(src, sl, i));
            if (dl.count !== undefined) dst.setAt(dl.path, i, val);
            else dst.set(dl.path, val);
          }
        }
        break;
      case 'PTRTRIM': {
        const l = op.src[0];
        const x = BigInt(src.get(l.path) as bigint | number);
        const u = BigInt.asUintN(l.elemSize * 8, x);
        dst.assign(op.dst[0].path, u > 0xffffffffn ? 0n : u);
        break;
      }
      case 'FU64': {
        const x = BigInt.asUintN(64, BigInt(src.get(op.src[0].path) as bigint | number));
        const b = new DataView(dst.bytes.buffer, dst.bytes.byteOffset + dst.offset + op.dstOff, 8);
        if (op.dst.length === 1 && op.dst[0].elemSize === 8) b.setBigUint64(0, x, le);
        else {
          // freebsd32_uint64_t as two 32-bit words: the low word first [I].
          b.setUint32(0, Number(x & 0xffffffffn), le);
          b.setUint32(4, Number(x >> 32n), le);
        }
        break;
      }
      case 'BYTES':
        dst.bytes.set(src.bytes.subarray(src.offset + op.srcOff, src.offset + op.srcOff + op.srcSize), dst.offset + op.dstOff);
        break;
    }
  }
}

/** Convert a buffer of native records to compat records (the `kvmkit compat` command). */
export function convertRecords(arch: string, revision: string, bytes: Uint8Array, file?: string): Uint8Array {
  const plan = copyoutPlan(arch, revision);
  const n = plan.native.size;
  if (bytes.length % n !== 0) throw new KvmkitError(`${bytes.length} bytes is not a whole number of ${n}-byte kinfo_proc records`, { file, arch, revision, offset: bytes.length - (bytes.length % n) });
  const out = new Uint8Array((bytes.length / n) * plan.compat.size);
  const sv = new RecordView(plan.native, bytes, 0);
  const dv = new RecordView(plan.compat, out, 0);
  for (let i = 0; i < bytes.length / n; i++) {
    sv.at(i * n);
    const ss = sv.get('ki_structsize');
    if (ss !== n && ss !== 0) throw new KvmkitError(`ki_structsize is ${ss}, not ${n}: not a native ${arch} kinfo_proc`, { file, arch, revision, record: i, field: 'ki_structsize', offset: i * n });
    kinfoProcOut(plan, sv, dv.at(i * plan.compat.size));
  }
  return out;
}
