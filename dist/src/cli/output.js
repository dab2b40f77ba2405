import * as fs from 'node:fs';
/** JSON as the CLI prints it: bigint values become decimal strings (the contract of `--json`). */
export function toJson(value) {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
export function printJson(value) {
    process.stdout.write(toJson(value) + '\n');
}
export function writeOut(file, bytes) {
    fs.writeFileSync(file, bytes);
}
