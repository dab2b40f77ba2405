/**
 * The one place layouts/ enters the program. The declarative files are imported as JSON modules
 * rather than read with `fs` at run time, so the same code runs from a checkout (tsx, vitest), from
 * the compiled package (tsc copies the JSON beside the JS) and in a browser bundle (no `node:fs`).
 * A new file under layouts/ is registered here; test/layout/data.test.ts fails when the directory
 * and this registry disagree.
 */
import arches from '../../layouts/arches.json' with { type: 'json' };
import typedefs from '../../layouts/typedefs.json' with { type: 'json' };
import structs from '../../layouts/structs.json' with { type: 'json' };
import compatCopyout from '../../layouts/compat-copyout.json' with { type: 'json' };
import fbsd14 from '../../layouts/revisions/fbsd14.json' with { type: 'json' };
import fbsd15 from '../../layouts/revisions/fbsd15.json' with { type: 'json' };
import fbsd15Reaper from '../../layouts/revisions/fbsd15-reaper.json' with { type: 'json' };
import mainA48e98c9 from '../../layouts/revisions/main-a48e98c9.json' with { type: 'json' };
import kernelFbsd13 from '../../layouts/kernel/fbsd13.json' with { type: 'json' };
import kernelFbsd150 from '../../layouts/kernel/fbsd15.0.json' with { type: 'json' };
import kernelAliases from '../../layouts/kernel-aliases.json' with { type: 'json' };
import kernelMsgbuf from '../../layouts/kernel-msgbuf.json' with { type: 'json' };

/** A layouts/ file as data, with the path it is known by in errors and notes. */
export interface LayoutFile { path: string; data: unknown }

const file = (p: string, data: unknown): LayoutFile => ({ path: `layouts/${p}`, data });

export const LAYOUT_FILES = {
  arches: file('arches.json', arches),
  typedefs: file('typedefs.json', typedefs),
  structs: file('structs.json', structs),
  compatCopyout: file('compat-copyout.json', compatCopyout),
  kernelAliases: file('kernel-aliases.json', kernelAliases),
  kernelMsgbuf: file('kernel-msgbuf.json', kernelMsgbuf),
};

/** layouts/revisions/<name>.json, by name. */
export const REVISION_FILES: Readonly<Record<string, LayoutFile>> = {
  fbsd14: file('revisions/fbsd14.json', fbsd14),
  fbsd15: file('revisions/fbsd15.json', fbsd15),
  'fbsd15-reaper': file('revisions/fbsd15-reaper.json', fbsd15Reaper),
  'main-a48e98c9': file('revisions/main-a48e98c9.json', mainA48e98c9),
};

/** layouts/kernel/<name>.json, by name. */
export const KERNEL_FILES: Readonly<Record<string, LayoutFile>> = {
  fbsd13: file('kernel/fbsd13.json', kernelFbsd13),
  'fbsd15.0': file('kernel/fbsd15.0.json', kernelFbsd150),
};
