export declare function tableHeader(threads: boolean): string;
/**
 * ps(1)'s TT from the terminal's device name (tname() in bin/ps/print.c): "tty"/"cua" and then
 * "pts/" prefixes dropped, "-" appended when the session has lost the terminal (no KI_CTTY).
 */
export declare function ttyShort(name: string, kiflag: number): string;
/**
 * One line. `tty` is the controlling terminal's device name when the source knows it (a walk of
 * a dump or a model); a bare record has only ki_tdev, printed as the number.
 */
export declare function tableLine(d: Record<string, any>, threads: boolean, unavailable?: readonly string[], tty?: string): string;
