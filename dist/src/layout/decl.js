import { KvmkitError } from "../base/errors.js";
const DECL = /^\s*(?:(?:const|volatile)\s+)*((?:struct|union)\s+\w+|(?:(?:unsigned|signed)\s+)?(?:long\s+long|long|short|int|char)(?:\s+int)?|\w+)\s*(\*+)?\s*(\w+)\s*(?:\[\s*([^\]]*?)\s*\])?\s*;?\s*$/;
export function parseDecl(text, where) {
    const m = DECL.exec(text);
    if (!m)
        throw new KvmkitError(`cannot parse member declaration "${text}"`, { object: where });
    const type = m[1].replace(/\s+/g, ' ').replace(/ int$/, (s) => (/(long|short)/.test(m[1]) ? '' : s));
    return { type, pointer: !!m[2], name: m[3], countExpr: m[4], text };
}
/**
 * Array lengths in headers are small constant expressions over #defines: `NAME`, `NAME+1`,
 * `MAXCOMLEN-TDNAMLEN+1`, integers. Only + and - (and parentheses-free) are needed; anything else
 * is refused rather than guessed.
 */
export function evalCount(expr, constants, where) {
    const tokens = expr.replace(/\s+/g, '').match(/[A-Za-z_]\w*|\d+|[+-]/g);
    if (!tokens || tokens.join('') !== expr.replace(/\s+/g, ''))
        throw new KvmkitError(`unsupported array length expression "${expr}"`, { object: where });
    let total = 0;
    let sign = 1;
    let expectOperand = true;
    for (const t of tokens) {
        if (t === '+' || t === '-') {
            if (expectOperand)
                throw new KvmkitError(`malformed array length "${expr}"`, { object: where });
            sign = t === '+' ? 1 : -1;
            expectOperand = true;
            continue;
        }
        let v;
        if (/^\d+$/.test(t))
            v = Number(t);
        else if (t in constants)
            v = constants[t];
        else
            throw new KvmkitError(`array length "${expr}" names unknown constant ${t}`, { object: where });
        total += sign * v;
        expectOperand = false;
    }
    if (expectOperand || total < 0)
        throw new KvmkitError(`array length "${expr}" is not a valid count (${total})`, { object: where });
    return total;
}
