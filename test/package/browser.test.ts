import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../corpus.ts';

/**
 * The browser-safe core (`kvmkit/core`, src/core.ts) bundled for the browser platform — esbuild
 * refuses any Node built-in it meets — and run in headless Chromium, once plainly and once under a
 * CSP without 'unsafe-eval' (the generated codec then falls back to the interpreted one). The page
 * decodes the repository's golden amd64 record: the values must be dumps/golden/record.json's.
 * Skipped, saying so, where no Chromium is installed (CHROMIUM_PATH, else /usr/bin/chromium).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[kvmkit tests] no Chromium at ${CHROMIUM}: the browser-bundle test is SKIPPED (apt-get install chromium)`);

const PAGE_SCRIPT = `
import * as k from './core.js';
const bytes = new Uint8Array(await (await fetch('./golden.bin')).arrayBuffer());
const layout = k.getLayout('kinfo_proc', 'amd64', 'fbsd15');
const r = k.decodeRecords(layout, bytes).records[0];
const json = k.recordToJson(layout, r);
const report = k.abiDiff({ struct: 'kinfo_proc32', from: 'fbsd15', to: 'main-a48e98c9' });
const map = k.abi.renderDiffHtml(report, 'fbsd15', 'main-a48e98c9');
const out = { codegen: k.codegenAvailable(), size: layout.size, pid: r.ki_pid, comm: r.ki_comm, login: r.ki_login, vsz: String(r.ki_size), files: k.hasFileSystem(), jsonPid: json.ki_pid, abiExit: report.exitCode, mapNamesKiPd: map.includes('ki_pd') };
document.body.innerHTML = '<h1>kvmkit core in a browser</h1><pre id="out"></pre><div id="map"></div>';
document.getElementById('map').innerHTML = map; // scripts inserted through innerHTML do not run
document.getElementById('out').textContent = JSON.stringify(out, null, 2);
window.__result = out;
`;

let server: http.Server;
let base = '';
let dir = '';
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-browser-'));
  await build({ entryPoints: [path.join(REPO, 'src', 'core.ts')], bundle: true, format: 'esm', platform: 'browser', outfile: path.join(dir, 'core.js'), logLevel: 'silent' });
  fs.writeFileSync(path.join(dir, 'page.js'), PAGE_SCRIPT);
  fs.copyFileSync(path.join(REPO, 'dumps', 'golden', 'kinfo_proc.amd64.fbsd15.bin'), path.join(dir, 'golden.bin'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/' || url.pathname === '/csp') {
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (url.pathname === '/csp') headers['content-security-policy'] = "default-src 'self'; script-src 'self'";
      res.writeHead(200, headers).end('<!doctype html><html><body><script type="module" src="/page.js"></script></body></html>');
      return;
    }
    const f = path.join(dir, path.basename(url.pathname));
    if (!fs.existsSync(f)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' }).end(fs.readFileSync(f));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kvmkit/core in headless Chromium', () => {
  it('bundles for the browser platform with no Node built-in', () => {
    const js = fs.readFileSync(path.join(dir, 'core.js'), 'utf8');
    expect(js).not.toMatch(/from\s*["']node:/);
    expect(js).not.toMatch(/require\(["'](node:)?(fs|os|path|child_process)["']\)/);
  });
  it.skipIf(!HAVE_CHROMIUM)('decodes a golden record, with and without a CSP that forbids eval', async () => {
    const { launch } = await import('puppeteer-core');
    const browser = await launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`],
    });
    try {
      for (const [route, codegen] of [['/', true], ['/csp', false]] as const) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(base + route);
        await page.waitForFunction('window.__result !== undefined', { timeout: 60_000 }).catch((e: Error) => {
          throw new Error(`${route}: the page did not finish: ${errors.join('; ') || e.message}`);
        });
        const r = await page.evaluate('window.__result');
        // dumps/golden/record.json: pid 4242, comm "nginx", login "www", ki_size 14163968; KINFO_PROC_SIZE 1088 on amd64.
        // The byte map: kinfo_proc32 fbsd15 → main-a48e98c9 inserts ki_pd and moves what follows (issue 10: incompatible, exit bits 4|8).
        expect(r).toEqual({ codegen, size: 1088, pid: 4242, comm: 'nginx', login: 'www', vsz: '14163968', files: false, jsonPid: 4242, abiExit: 12, mapNamesKiPd: true });
        expect(errors).toEqual([]);
        await page.screenshot({ fullPage: false, path: process.env.KVMKIT_SCREENSHOT_DIR ? path.join(process.env.KVMKIT_SCREENSHOT_DIR, `browser${route === '/' ? '' : '-csp'}.png`) : path.join(dir, 'shot.png') });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
