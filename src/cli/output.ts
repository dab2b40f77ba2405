/** JSON as the CLI prints it: bigint values become decimal strings (the contract of `--json`). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(toJson(value) + '\n');
}
