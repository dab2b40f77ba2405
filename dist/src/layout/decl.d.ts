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
export declare function parseDecl(text: string, where: string): Decl;
/**
 * Array lengths in headers are small constant expressions over #defines: `NAME`, `NAME+1`,
 * `MAXCOMLEN-TDNAMLEN+1`, integers. Only + and - (and parentheses-free) are needed; anything else
 * is refused rather than guessed.
 */
export declare function evalCount(expr: string, constants: Record<string, number>, where: string): number;
