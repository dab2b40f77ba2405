/**
 * Progress on stderr for long work: a redrawn bar when stderr is a terminal (at most every 100 ms
 * or per percent), otherwise — `quietWhenPiped` aside — a plain line every 10 %, so logs stay short.
 */
export interface Progress { tick(done: number, total: number): void; end(): void }

export function progress(label: string, unit: string, opts: { quietWhenPiped?: boolean } = {}): Progress {
  const tty = !!process.stderr.isTTY;
  let lastPct = -1;
  let lastDraw = 0;
  return {
    tick(done, total) {
      const pct = total ? Math.floor((done * 100) / total) : 100;
      if (tty) {
        const now = Date.now();
        if (pct === lastPct && now - lastDraw < 100 && done !== total) return;
        lastDraw = now;
        lastPct = pct;
        const w = 30;
        const fill = Math.round((pct / 100) * w);
        process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${String(pct).padStart(3)}% ${done}/${total} ${unit}`);
      } else if (!opts.quietWhenPiped && (pct >= lastPct + 10 || (done === total && pct !== lastPct))) {
        lastPct = pct - (pct % 10);
        process.stderr.write(`${label}: ${pct}% (${done}/${total} ${unit})\n`);
      }
    },
    end() {
      if (tty && lastPct >= 0) process.stderr.write('\n');
    },
  };
}
