/**
 * Scalar reads and writes by (size, signedness, pointer) under the integer rule. Writes check the
 * value fits the C type: a value that would be truncated is an error naming the field.
 */
export declare function readScalar(dv: DataView, off: number, size: number, signed: boolean, ptr: boolean, le: boolean): number | bigint;
/**
 * Check that a value fits the C type and normalise it (bigint for 8-byte and pointer leaves).
 * The error context is built only on failure: this runs for every field of every record written.
 */
export declare function checkScalar(v: unknown, size: number, signed: boolean, ptr: boolean, field: string, record?: number, struct?: string): number | bigint;
export declare function writeScalar(dv: DataView, off: number, size: number, signed: boolean, ptr: boolean, le: boolean, v: number | bigint): void;
