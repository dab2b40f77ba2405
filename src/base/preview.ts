/**
 * A JSON value as an error message shows it: never the whole of a large or deeply nested input
 * (JSON.stringify would recurse as deep as the input goes and echo megabytes back), only its kind,
 * its size and a short prefix. Never recurses.
 */
export const PREVIEW_CHARS = 60;

export function previewValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > PREVIEW_CHARS ? v.slice(0, PREVIEW_CHARS) : v);
    return v.length > PREVIEW_CHARS ? `${s.slice(0, -1)}…" (${v.length} characters)` : s;
  }
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    const shown = keys.slice(0, 5).map((k) => (k.length > 20 ? `${k.slice(0, 20)}…` : k)).join(', ');
    return keys.length ? `an object with key${keys.length === 1 ? '' : 's'} ${shown}${keys.length > 5 ? `, … (${keys.length} keys)` : ''}` : 'an empty object';
  }
  return typeof v;
}
