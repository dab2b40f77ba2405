import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root and the shared corpus beside it (read in place, never copied). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = path.resolve(REPO, '../shared/corpus');
export const REFERENCE = path.resolve(REPO, '../shared/reference');
export const HAVE_CORPUS = fs.existsSync(path.join(CORPUS, 'README.md'));
export const HAVE_REFERENCE = fs.existsSync(path.join(REFERENCE, 'freebsd-spec.md'));
if (!HAVE_CORPUS) console.warn(`[kvmkit tests] ${CORPUS} is absent: tests on real FreeBSD data are SKIPPED`);

export function corpusFile(...p: string[]): string {
  return path.join(CORPUS, ...p);
}
