/**
 * One error type for the whole toolkit. Every failure names where it happened — the file, the byte
 * offset, the record index, the field or the kernel address — because a crash-dump analyst needs
 * to go and look at exactly that byte. The CLI prints `message` and the context; it never prints a
 * stack trace for a KvmkitError.
 */
export interface ErrorContext {
  file?: string;
  offset?: number | bigint;
  record?: number;
  field?: string;
  address?: bigint;
  struct?: string;
  arch?: string;
  revision?: string;
  object?: string;
}

export class KvmkitError extends Error {
  readonly context: ErrorContext;
  /** The message without its bracketed context: what to use when wrapping it in another error. */
  readonly text: string;
  constructor(message: string, context: ErrorContext = {}) {
    super(withContext(message, context));
    this.name = 'KvmkitError';
    this.context = context;
    this.text = message;
  }
}

/** Usage errors (bad flags, unknown arch) are told apart so the CLI can set its usage exit code. */
export class UsageError extends KvmkitError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, context);
    this.name = 'UsageError';
  }
}

/** The most of an input's own text an error message quotes: a message never echoes megabytes back. */
export const MAX_QUOTED = 80;

/** `s` cut to MAX_QUOTED characters, saying how much was left out. */
export function clipText(s: string, max = MAX_QUOTED): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more characters)`;
}

export function hex(v: number | bigint): string {
  return '0x' + BigInt(v).toString(16);
}

function withContext(message: string, c: ErrorContext): string {
  const parts: string[] = [];
  if (c.file !== undefined) parts.push(`file ${c.file}`);
  if (c.struct !== undefined) parts.push(`struct ${c.struct}`);
  if (c.arch !== undefined) parts.push(`arch ${c.arch}`);
  if (c.revision !== undefined) parts.push(`revision ${c.revision}`);
  if (c.object !== undefined) parts.push(`object ${c.object}`);
  if (c.record !== undefined) parts.push(`record ${c.record}`);
  if (c.field !== undefined) parts.push(`field ${c.field}`);
  if (c.offset !== undefined) parts.push(`offset ${c.offset} (${hex(c.offset)})`);
  if (c.address !== undefined) parts.push(`address ${hex(c.address)}`);
  return parts.length ? `${message} [${parts.join(', ')}]` : message;
}
