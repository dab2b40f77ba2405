import { workerData } from 'node:worker_threads';
import { openImage } from '../image/open.ts';
import { imageSource } from './image-source.ts';
import { bucketOrder, claim, collectBlock, CONSUMED, POSTED, type WorkerData } from './parallel.ts';
import { exactWalk } from './walk.ts';

/**
 * A worker of the parallel walk (./parallel.ts): its own reader over the same files; it claims
 * blocks of the bucket order and sends each one whole to the main thread, which replays them.
 */

const d = workerData as WorkerData;
const ctl = new Int32Array(d.control);
const img = openImage(d.files.core, d.files.kernel);
try {
  const src = imageSource(img, { revision: d.revision });
  const w = exactWalk(src, d.op, d.arg, d.opts);
  const hash = src.pidhash();
  if (!hash) throw new Error('the worker found no pid hash');
  const order = bucketOrder(hash);
  const nblocks = Math.ceil(order.length / d.blockBuckets);
  for (;;) {
    const consumed = Atomics.load(ctl, CONSUMED);
    const b = claim(ctl, nblocks, d.rank);
    if (b === -1) break;
    if (b === -2) {
      // The window is full: wait for the replay to move on.
      Atomics.wait(ctl, CONSUMED, consumed, 1000);
      continue;
    }
    const msg = collectBlock(w, hash, order, b, d.blockBuckets);
    d.port.postMessage(msg, [msg.bytes.buffer, msg.paddr.buffer, msg.nrec.buffer, msg.pid.buffer, msg.tid.buffer, msg.tdaddr.buffer] as ArrayBuffer[]);
    Atomics.add(ctl, POSTED, 1);
    Atomics.notify(ctl, POSTED);
  }
} finally {
  img.close();
}
