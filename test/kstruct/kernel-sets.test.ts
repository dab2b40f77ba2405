import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CType, TypeGraph, TypeId } from '../../src/debuginfo/model.ts';
import { buildModel } from '../../src/kernel/scenario.ts';
import { openImage } from '../../src/image/open.ts';
import { aliasedLeaf, buildImage, graphSource, kernelLayouts, kernelSetForOsreldate, type KernelLayouts } from '../../src/kstruct/index.ts';
import { chooseKernelLayouts } from '../../src/kvm/index.ts';
import { computeLayout, type StructLayout } from '../../src/layout/engine.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvmkit-ksets-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('declarative engine: what the real kernel headers need', () => {
  const rev = { revision: 't', constants: {}, structs: {}, asserted: {}, kernel: 'fbsd15.0' };
  it('amd64 struct pcb, pmap_invl_gen (__aligned(16)) and mdthread, derived by hand from machine/pcb.h and machine/proc.h', () => {
    // pcb: 21 register_t (168), three 10-byte __packed region_descriptors (198), uint16_t pcb_tr (200),
    // u_int pcb_flags (204), uint16_t pcb_initial_fpucw (206), pcb_onfault on 8 (208) … pcb_pad[4] ends at 320.
    const pcb = computeLayout(rev, 'pcb', 'amd64');
    expect([pcb.field('pcb_gdt').offset, pcb.field('pcb_tr').offset, pcb.field('pcb_flags').offset, pcb.field('pcb_onfault').offset, pcb.size]).toEqual([168, 198, 200, 208, 320]);
    // pmap_invl_gen: u_long gen (8) + a union of a LIST_ENTRY (16) and {ptr, u_char} (16) = 24, __aligned(16) → 32.
    const g = computeLayout(rev, 'pmap_invl_gen', 'amd64');
    expect([g.size, g.align, g.leaf('link.qe_next').offset, g.leaf('saved_pri').offset]).toEqual([32, 16, 8, 16]);
    // mdthread: int (0), two register_t (8, 16), md_invl_gen on 16 → 32..64, md_efirt_tmp 64, md_efirt_dis_pf 72,
    // md_pcb 80..400, md_stack_base 400, md_usr_fpu_save 408: 416 bytes, 16-aligned.
    const md = computeLayout(rev, 'mdthread', 'amd64');
    expect([md.field('md_invl_gen').offset, md.field('md_pcb').offset, md.field('md_usr_fpu_save').offset, md.size, md.align]).toEqual([32, 80, 408, 416, 16]);
  });
  it('an anonymous union member names its members as the parent\'s (td_slpq / td_zombie share 48)', () => {
    const kl = kernelLayouts('amd64', 'fbsd15');
    expect(kl.off('thread', 'td_slpq.tqe_next')).toBe(48);
    expect(kl.off('thread', 'td_zombie')).toBe(48);
    expect(kl.off('thread', 'td_lockq')).toBe(64);
  });
  it('a set names its release, osreldate range and unverified structs; revisions choose their set', () => {
    expect(kernelSetForOsreldate(1500000)).toBe('fbsd15.0');
    expect(kernelSetForOsreldate(1301000)).toBe('fbsd13');
    expect(kernelSetForOsreldate(1200000)).toBeUndefined();
    const k15 = kernelLayouts('amd64', 'fbsd15');
    expect(k15.set).toBe('fbsd15.0');
    expect(Object.keys(k15.unverified)).toContain('ucred');
    expect(Object.keys(k15.unverified)).not.toContain('thread');
    expect(Object.keys(k15.unverified)).not.toContain('mdthread');
    expect(Object.keys(kernelLayouts('i386', 'fbsd15').unverified)).not.toContain('mdthread');
    expect(Object.keys(kernelLayouts('armv7', 'fbsd15').unverified)).toContain('mdthread');
    expect(kernelLayouts('amd64', 'fbsd14').set).toBe('fbsd13');
  });
});

/** A TypeGraph built by hand from layouts (what a CTF/DWARF reader would give for the same C). */
function graphOf(kl: KernelLayouts, drop: string[] = [], rename: Record<string, string> = {}): TypeGraph {
  const types: CType[] = [];
  const ids = new Map<string, TypeId>();
  const add = (t: CType) => (types.push(t), types.length - 1);
  const intId = (size: number, signed: boolean) => add({ kind: 'int', name: `${signed ? '' : 'u'}int${size * 8}`, size, signed, char: size === 1, bool: false, bits: size * 8, bitOffset: 0 });
  const voidId = add({ kind: 'void' });
  const ptrId = add({ kind: 'pointer', name: '', target: voidId });
  const structId = (l: StructLayout): TypeId => {
    const hit = ids.get(l.struct);
    if (hit !== undefined) return hit;
    const id = add({ kind: l.isUnion ? 'union' : 'struct', name: l.struct, size: l.size, members: [] });
    ids.set(l.struct, id);
    const members = l.fields.map((f) => {
      let t = f.type.kind === 'struct' ? structId(f.type.struct!) : f.type.kind === 'pointer' ? ptrId : intId(f.type.size, f.type.signed);
      if (f.count !== undefined) t = add({ kind: 'array', element: t, count: f.count });
      return { name: rename[f.name] ?? f.name, type: t, bitOffset: f.offset * 8 };
    });
    (types[id] as { members: unknown }).members = members;
    return id;
  };
  for (const l of Object.values(kl.structs)) structId(l);
  return {
    source: { format: 'ctf', file: 'hand-built', detail: '.SUNW_ctf (test)' },
    pointerSize: kl.pointerSize, littleEndian: kl.littleEndian,
    type: (id) => types[id],
    findStruct: (name) => (drop.includes(name) ? undefined : ids.get(name)),
    structNames: () => [...ids].map(([name, id]) => ({ name, kind: 'struct' as const, id })),
  };
}

describe('kernel layout sources: a kernel\'s own types, or a bundled set', () => {
  const kl = kernelLayouts('amd64', 'fbsd15');
  it('a complete type graph is used: its offsets (td_pcb 1152 for 15.0 types)', () => {
    const s = graphSource(graphOf(kl), 'amd64');
    expect(s.missing).toEqual([]);
    expect(s.layouts!.off('thread', 'td_pcb')).toBe(1152);
    expect(s.layouts!.off('proc', 'p_comm')).toBe(992);
  });
  it('a struct the types lack is named, and the source is not used (never read as zero)', () => {
    const s = graphSource(graphOf(kl, ['pstats']), 'amd64');
    expect(s.layouts).toBeUndefined();
    expect(s.missing).toEqual(['struct pstats']);
  });
  it('a member the types lack is named; a member known by its header alias is found under the other name', () => {
    const s = graphSource(graphOf(kl, [], { p_treeflag: 'p_treeflags_renamed' }), 'amd64');
    expect(s.layouts).toBeUndefined();
    expect(s.missing).toContain('proc.p_treeflag');
    // #define td_retval td_uretoff.tdu_retval (sys/sys/proc.h): td_pcb 1152 + 8 = td_state 1160, + 4, up to the union's 8-byte alignment: 1168.
    const l = aliasedLeaf(kl.structs.thread, 'thread', 'td_retval');
    expect(l?.offset).toBe(kl.off('thread', 'td_uretoff.tdu_retval'));
    expect(l?.offset).toBe(1168);
    expect(aliasedLeaf(kl.structs.thread, 'thread', 'td_nosuch')).toBeUndefined();
  });
  it('images carry their set\'s osreldate; the reader picks the set by it, and prefers a usable type graph', () => {
    const scen = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../dumps/scenarios/login-session.json'), 'utf8'));
    for (const set of ['fbsd13', 'fbsd15.0']) {
      const core = path.join(tmp, `${set}.core`), kernel = path.join(tmp, `${set}.kernel`);
      buildImage(buildModel(scen, { arch: 'amd64' }), { format: 'amd64-minidump', vmcore: core, kernel, revision: 'fbsd15', kernelSet: set });
      const img = openImage(core, kernel);
      try {
        const c = chooseKernelLayouts(img, 'fbsd15');
        expect(c.chosen.layouts!.set).toBe(set);
        expect(c.note).toContain(`bundled layouts ${set}`);
        const withTypes = chooseKernelLayouts(img, 'fbsd15', [graphOf(kernelLayouts('amd64', 'fbsd15', set), ['pstats']), graphOf(kernelLayouts('amd64', 'fbsd15', set))]);
        expect(withTypes.chosen.kind).toBe('ctf');
        expect(withTypes.skipped[0].missing).toEqual(['struct pstats']);
        expect(withTypes.note).toContain('lacks struct pstats');
      } finally {
        img.close();
      }
    }
  });
});
