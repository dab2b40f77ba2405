import { KvmkitError, UsageError } from '../base/errors.ts';

/** One parsed C member declaration such as `char ki_tdname[TDNAMLEN+1]` or `struct proc *ki_paddr`. */
export interface Decl {
  /** The type as written, without qualifiers and pointer stars: `char`, `pid_t`, `struct timeval`. */
  type: string;
  pointer: boolean;
  name: string;
  /** Array length expression, if any (`TDNAMLEN+1`, `46`, `KI_NSPARE_INT`). */
  countExpr?: string;
  /** The declaration as written, for messages and `layout show`. */
  text: string;
}

const DECL = /^\s*(?:(?:const|volatile)\s+)*((?:struct|union)\s+\w+|(?:(?:unsigned|signed)\s+)?(?:long\s+long|long|short|int|char)(?:\s+int)?|\w+)\s*(\*+)?\s*(\w+)\s*(?:\[\s*([^\]]*?)\s*\])?\s*;?\s*$/;
/** An anonymous struct or union member (`union td_slpq_u`): C names its members as if they were the parent's. */
const ANON = /^\s*((?:struct|union)\s+\w+)\s*;?\s*$/;

export function parseDecl(text: string, where: string): Decl {
  const anon = ANON.exec(text);
  if (anon) return { type: anon[1].replace(/\s+/g, ' '), pointer: false, name: '', text };
  const m = DECL.exec(text);
  if (!m) throw new KvmkitError(`cannot parse member declaration "${text}"`, { object: where });
  const type = m[1].replace(/\s+/g, ' ').replace(/ int$/, (s) => (/(long|short)/.test(m[1]) ? '' : s));
  return { type, pointer: !!m[2], name: m[3], countExpr: m[4], text };
}

/**
 * Work caps on what a revision file may declare. Not FreeBSD limits: the largest real array in
 * layouts/ is char[K_MAXPATHLEN] (1024) and the largest struct a few KB; values far beyond these
 * are typos or hostile input, refused before anything is laid out, expanded or drawn.
 */
export const LAYOUT_LIMITS = {
  /** Elements in one array member (`KI_NSPARE_LONG 1e9` is refused here). */
  arrayCount: 65536,
  /** Bytes in one struct (and in one member). */
  structBytes: 65536,
  /** Members in one struct body. */
  members: 4096,
  /** Structs nested inside structs (struct a contains struct b contains …). */
  nesting: 32,
} as const;

/**
 * Array lengths in headers are small constant expressions over #defines: `NAME`, `NAME+1`,
 * `MAXCOMLEN-TDNAMLEN+1`, integers. Only + and - (and parentheses-free) are needed; anything else
 * is refused rather than guessed.
 */
export function evalCount(expr: string, constants: Record<string, number>, where: string): number {
  const tokens = expr.replace(/\s+/g, '').match(/[A-Za-z_]\w*|\d+|[+-]/g);
  if (!tokens || tokens.join('') !== expr.replace(/\s+/g, '')) throw new KvmkitError(`unsupported array length expression "${expr}"`, { object: where });
  let total = 0;
  let sign = 1;
  let expectOperand = true;
  for (const t of tokens) {
    if (t === '+' || t === '-') {
      if (expectOperand) throw new KvmkitError(`malformed array length "${expr}"`, { object: where });
      sign = t === '+' ? 1 : -1;
      expectOperand = true;
      continue;
    }
    let v: number;
    if (/^\d+$/.test(t)) v = Number(t);
    else if (t in constants) v = constants[t];
    else throw new KvmkitError(`array length "${expr}" names unknown constant ${t}`, { object: where });
    total += sign * v;
    expectOperand = false;
  }
  if (expectOperand || !Number.isSafeInteger(total) || total < 0) throw new KvmkitError(`array length "${expr}" is not a valid count (${total})`, { object: where });
  if (total > LAYOUT_LIMITS.arrayCount) throw new UsageError(`array length "${expr}" is ${total}, more than the ${LAYOUT_LIMITS.arrayCount} elements kvmkit lays out`, { object: where });
  return total;
}
