import { describe, expect, it } from 'vitest';
import { abiDiff, renderDiffHtml } from '../../src/analysis/abi/index.ts';
import { ARCHES } from '../../src/layout/index.ts';

/** Structural checks of the HTML byte maps (the rendering itself is checked by test/abi-html-screenshot.sh when Chromium exists). */
describe('abi-diff --html', () => {
  const r = abiDiff({ struct: 'kinfo_proc', from: 'fbsd15', to: 'fbsd15-reaper' });
  const html = renderDiffHtml(r, 'fbsd15', 'fbsd15-reaper');

  it('is self-contained: no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(|@import/i);
    expect(html.match(/<div/g)!.length).toBe(html.match(/<\/div>/g)!.length);
    expect(html.match(/<section/g)!.length).toBe(html.match(/<\/section>/g)!.length);
  });

  it('has one section per arch with the two layouts side by side', () => {
    const sections = [...html.matchAll(/<section class="arch" data-arch="([^"]+)">([\s\S]*?)<\/section>/g)];
    expect(sections.map((m) => m[1])).toEqual([...ARCHES]);
    const size: Record<string, number> = { i386: 768, armv7: 816, powerpc: 816 };
    for (const [, arch, body] of sections) {
      const maps = [...body.matchAll(/<div class="map" data-side="(from|to)" data-size="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
      const n = size[arch] ?? 1088;
      expect(maps).toEqual([['from', n], ['to', n]]);
    }
  });

  it('covers every byte of each layout exactly once (fields, padding and spares)', () => {
    let maps = 0;
    for (const m of html.matchAll(/<div class="map" data-side="(?:from|to)" data-size="(\d+)">([\s\S]*?)<\/h3>((?:<div class="row">[\s\S]*?<\/div><\/div><\/div>)+)/g)) {
      const size = Number(m[1]);
      const covered = new Uint8Array(size);
      maps++;
      // Each piece's bytes, from its row offset and grid column.
      for (const row of m[3].matchAll(/<div class="off">(\d+)<\/div><div class="bytes">([\s\S]*?)<\/div><\/div>(?=<div class="row">|$)/g)) {
        const base = Number(row[1]);
        for (const s of row[2].matchAll(/grid-column:(\d+)\/span (\d+)/g)) {
          for (let i = 0; i < Number(s[2]); i++) covered[base + Number(s[1]) - 1 + i]++;
        }
      }
      expect([...covered].every((c) => c === 1)).toBe(true);
    }
    expect(maps).toBe(16);
  });

  it('colours by kind and highlights the changed bytes on both sides', () => {
    const amd = html.match(/<section class="arch" data-arch="amd64">([\s\S]*?)<\/section>/)![1];
    const [from, to] = amd.split('<div class="map" data-side="to"');
    // Before: the spare ints at 552..560 are spare-coloured and outlined as compatible changes.
    expect(from).toMatch(/class="seg k-spare chg sev-compatible" [^>]*data-field="ki_spareints" data-offset="552" data-size="8"/);
    // After: ki_reaper at 552 and ki_reapsubtree at 556 are integers, outlined.
    expect(to).toMatch(/class="seg k-int chg sev-compatible" [^>]*data-field="ki_reaper" data-offset="552" data-size="4"/);
    expect(to).toMatch(/class="seg k-int chg sev-compatible" [^>]*data-field="ki_reapsubtree" data-offset="556" data-size="4"/);
    expect(to).toMatch(/class="seg k-pointer" [^>]*data-field="ki_paddr" data-offset="16"/);
    expect(to).toMatch(/class="seg k-string" [^>]*data-field="ki_comm"/);
    // armv7: timeval tail padding is visible.
    const armv7 = html.match(/<section class="arch" data-arch="armv7">([\s\S]*?)<\/section>/)![1];
    expect(armv7).toMatch(/class="seg k-tail[^"]*" [^>]*data-field="ki_start\.\(tail\)" data-offset="292" data-size="4"/);
    // The change table lists both reaper fields.
    expect(html.match(/<tr class="sev-compatible" data-kind="spare-consumed">/g)).toHaveLength(2);
  });
});
