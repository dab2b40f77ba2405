import { KvmkitError, clipText } from '../base/errors.ts';
import type { ByteSource } from '../base/source.ts';

/** The most one element of a records array may take (a kinfo_proc record in JSON is ~6 KB). */
export const MAX_JSON_ITEM_BYTES = 1 << 20;

export interface JsonItem { index: number; offset: number; value: unknown }

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, OPEN_SQ = 0x5b, CLOSE_SQ = 0x5d, OPEN_CU = 0x7b, CLOSE_CU = 0x7d;

/**
 * The elements of a top-level JSON array, one at a time, read through 1 MiB windows: a records
 * file of any length is encoded in flat memory. Each element's text is cut out by a byte scanner
 * (brackets and strings; UTF-8 never puts these ASCII bytes inside a multi-byte character) and
 * handed to JSON.parse; an element over `maxItem` bytes, a file that is not an array, or text
 * after the array is an error naming the file and the offset.
 */
export function* jsonArrayItems(src: ByteSource, maxItem = MAX_JSON_ITEM_BYTES): Generator<JsonItem> {
  const file = src.name;
  const W = 1 << 20;
  type State = 'before' | 'between' | 'item' | 'after';
  let state = 'before' as State;
  let depth = 0, inStr = false, esc = false;
  let parts: Uint8Array[] = [], partStart = 0, itemStart = 0, index = 0, sawAny = false;
  const finish = (buf: Uint8Array, end: number): JsonItem => {
    parts.push(buf.subarray(partStart, end));
    const text = Buffer.concat(parts).toString('utf8');
    parts = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new KvmkitError(`record ${index} is not valid JSON: ${clipText((e as Error).message)}`, { file, offset: itemStart, record: index });
    }
    return { index: index++, offset: itemStart, value };
  };
  for (let base = 0; base < src.size; base += W) {
    const buf = src.read(base, Math.min(W, src.size - base));
    partStart = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (state === 'item') {
        if (base + i - itemStart >= maxItem) throw new KvmkitError(`record ${index} is more than ${maxItem} bytes of JSON; not a kinfo_proc record`, { file, offset: itemStart, record: index });
        if (inStr) {
          if (esc) esc = false;
          else if (c === BACKSLASH) esc = true;
          else if (c === QUOTE) inStr = false;
          continue;
        }
        if (c === QUOTE) inStr = true;
        else if (c === OPEN_CU || c === OPEN_SQ) depth++;
        else if (c === CLOSE_CU || (c === CLOSE_SQ && depth > 0)) depth--;
        else if (depth === 0 && (c === COMMA || c === CLOSE_SQ)) {
          yield finish(buf, i);
          state = c === COMMA ? 'between' : 'after';
          continue;
        }
        continue;
      }
      if (WS[c]) continue;
      if (state === 'before') {
        if (c !== OPEN_SQ) throw new KvmkitError(`expected a JSON array of records; the file starts with ${JSON.stringify(String.fromCharCode(c))}`, { file, offset: base + i });
        state = 'between';
        continue;
      }
      if (state === 'after') throw new KvmkitError('text after the end of the JSON array', { file, offset: base + i });
      // between elements
      if (c === CLOSE_SQ && !sawAny) /* [] */ { state = 'after'; continue; }
      if (c === COMMA || c === CLOSE_SQ) throw new KvmkitError(`expected a record, found ${JSON.stringify(String.fromCharCode(c))}`, { file, offset: base + i, record: index });
      state = 'item';
      sawAny = true;
      itemStart = base + i;
      partStart = i;
      depth = 0;
      inStr = false;
      esc = false;
      i--; // rescan this byte as part of the element
    }
    if (state === 'item') parts.push(buf.subarray(partStart));
  }
  if (state === 'before') throw new KvmkitError('expected a JSON array of records; the file is empty', { file, offset: 0 });
  if (state !== 'after') throw new KvmkitError(`the JSON array is not closed: the file ends inside record ${index}`, { file, offset: src.size, record: index });
}
