import { msgbufConstants } from '../layout/msgbuf.ts';

/**
 * The kernel message buffer's ring, by subr_msgbuf.c's rules: a byte written at sequence number
 * `seq` lands at `seq % msg_size`; sequence numbers run modulo `msg_size * 16` (SEQMOD); the
 * checksum is the byte sum of the ring. Text is appended as msgbuf_addstr does for priority -1
 * (the kernel's printf): no `<pri>` prefix, one byte per character.
 */
export interface MsgbufRing {
  ring: Uint8Array;
  wseq: number;
  rseq: number;
  cksum: number;
  seqmod: number;
  /** MSGBUF_NEEDNL: the last byte written was not a newline. */
  needNewline: boolean;
}

export function msgbufRing(text: string, size: number): MsgbufRing {
  const seqmod = size * msgbufConstants().SEQMOD_FACTOR;
  const ring = new Uint8Array(size);
  let wseq = 0;
  let cksum = 0;
  const bytes = Buffer.from(text, 'latin1');
  for (const c of bytes) {
    const pos = wseq % size;
    cksum = (cksum + c - ring[pos]) >>> 0;
    ring[pos] = c;
    wseq = (wseq + 1) % seqmod;
  }
  // Everything written has been read (syslogd keeps up); dmesg reads the whole ring regardless.
  return { ring, wseq, rseq: wseq, cksum, seqmod, needNewline: bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a };
}

/**
 * What dmesg(8) prints from a ring (sbin/dmesg/dmesg.c): the whole ring from the write position
 * (the oldest byte once wrapped; NULs before the data otherwise), NULs ignored, a `<…>` syslog
 * priority right after a newline skipped, each byte through vis(3), and a newline added when the
 * text does not end with one.
 */
export function msgbufText(ring: Uint8Array, wseq: number): string {
  const size = ring.length;
  const start = size ? wseq % size : 0;
  let out = '';
  let newl = false;
  let skip = false;
  for (let i = 0; i < size; i++) {
    const ch = ring[(start + i) % size];
    if (skip) {
      if (ch === 0x3e) newl = skip = false;
      continue;
    }
    if (newl && ch === 0x3c) {
      skip = true;
      continue;
    }
    if (ch === 0) continue;
    newl = ch === 0x0a;
    out += visChar(ch);
  }
  return newl || out === '' ? out : out + '\n';
}

/**
 * vis(3) with no flags, as dmesg calls it: graphic characters, space, tab and newline as they are;
 * a backslash doubled; a control character as \^X (\^? for DEL); a byte ≥ 0x80 as \M- (\M^X for a
 * meta control). From vis(3)'s documented encoding (the C file was not read).
 */
export function visChar(c: number): string {
  if (c === 0x5c) return '\\\\';
  if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a) return String.fromCharCode(c);
  if (c >= 0x80) {
    const l = c & 0x7f;
    if (l < 0x20) return `\\M^${String.fromCharCode(l + 0x40)}`;
    if (l === 0x7f) return '\\M^?';
    return `\\M-${String.fromCharCode(l)}`;
  }
  return c === 0x7f ? '\\^?' : `\\^${String.fromCharCode(c + 0x40)}`;
}
