import { layoutData } from './defs.ts';
import { LAYOUT_FILES } from './data.ts';
import { computeLayout, type StructLayout } from './engine.ts';

/** layouts/kernel-msgbuf.json: struct msgbuf's body, its constants and where they were read. */
interface MsgbufFile { constants: { MSG_MAGIC: number; SEQMOD_FACTOR: number; MSGBUF_NEEDNL: number }; structs: Record<string, string[]>; unverified: Record<string, string> }

const data = (): MsgbufFile => layoutData<MsgbufFile>(LAYOUT_FILES.kernelMsgbuf);

/** sys/sys/msgbuf.h MSG_MAGIC, subr_msgbuf.c SEQMOD's factor, MSGBUF_NEEDNL. */
export const msgbufConstants = (): MsgbufFile['constants'] => data().constants;
export const msgbufUnverified = (): Record<string, string> => data().unverified;

const cache = new Map<string, StructLayout>();
/** struct msgbuf on an arch, laid out over a kernel set (its struct mtx and typedefs). */
export function msgbufLayout(arch: string, kernelSet = 'fbsd15.0'): StructLayout {
  const key = `${arch}/${kernelSet}`;
  let l = cache.get(key);
  if (!l) {
    l = computeLayout({ revision: `msgbuf/${kernelSet}`, constants: {}, structs: data().structs, asserted: {}, kernel: kernelSet }, 'msgbuf', arch);
    cache.set(key, l);
  }
  return l;
}
