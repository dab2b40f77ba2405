export function progress(label, unit, opts = {}) {
    const tty = !!process.stderr.isTTY;
    let lastPct = -1;
    let lastDraw = 0;
    return {
        tick(done, total) {
            const pct = total ? Math.floor((done * 100) / total) : 100;
            if (tty) {
                const now = Date.now();
                if (pct === lastPct && now - lastDraw < 100 && done !== total)
                    return;
                lastDraw = now;
                lastPct = pct;
                const w = 30;
                const fill = Math.round((pct / 100) * w);
                process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${String(pct).padStart(3)}% ${done}/${total} ${unit}`);
            }
            else if (!opts.quietWhenPiped && (pct >= lastPct + 10 || (done === total && pct !== lastPct))) {
                lastPct = pct - (pct % 10);
                process.stderr.write(`${label}: ${pct}% (${done}/${total} ${unit})\n`);
            }
        },
        end() {
            if (tty && lastPct >= 0)
                process.stderr.write('\n');
        },
    };
}
