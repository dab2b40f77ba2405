import { describe, expect, it } from 'vitest';
import { KvmkitError } from '../../src/base/errors.ts';
import { BufferSource } from '../../src/base/source.ts';
import { buildKernelElf } from '../../src/image/kernel-elf.ts';
import { KernelSymbols } from '../../src/image/symbols.ts';

const SYMS = [
  { name: 'allproc', value: 0xffffffff81c9a2f0n, size: 8 },
  { name: 'hz', value: 0xffffffff81cd4c0cn, size: 4 },
  { name: '_underscored', value: 0x1234n },
  { name: 'kernbase', value: 0xffffffff80000000n, type: 'notype' as const },
  { name: 'local_thing', value: 0x42n, bind: 'local' as const },
];

describe('kernel symbol tables', () => {
  for (const [cls, le] of [[64, true], [64, false], [32, true], [32, false]] as const) {
    it(`ELF${cls} ${le ? 'little' : 'big'}-endian: nlist like __fdnlist`, () => {
      const syms = cls === 32 ? SYMS.map((s) => ({ ...s, value: s.value & 0xffffffffn })) : SYMS;
      const k = new KernelSymbols(new BufferSource(buildKernelElf({ arch: cls === 32 ? 'i386' : 'amd64', symbols: syms, littleEndian: le }), 'k'));
      expect(k.elfClass).toBe(cls);
      expect(k.littleEndian).toBe(le);
      expect(k.arch).toBe(cls === 32 ? 'i386' : 'amd64');
      const nl = k.nlist(['_allproc', 'hz', '_hz', '_underscored', 'underscored', 'nosuch', 'local_thing']);
      expect(nl.map((e) => [e.name, e.found, e.value])).toEqual([
        ['_allproc', true, syms[0].value],
        ['hz', true, syms[1].value],
        ['_hz', true, syms[1].value],
        ['_underscored', true, 0x1234n],
        ['underscored', false, 0n], // only a leading underscore is removed, never added
        ['nosuch', false, 0n],
        ['local_thing', true, 0x42n],
      ]);
      expect(nl[1].size).toBe(4);
      expect(() => k.value('nosuch')).toThrow(KvmkitError);
      expect(() => k.value('nosuch')).toThrow(/symbol nosuch not found .*file k/);
    });
  }

  it('kernels for each arch carry the right class and machine', () => {
    for (const [arch, machine, cls] of [['amd64', 62, 64], ['i386', 3, 32], ['arm64', 183, 64]] as const) {
      const k = new KernelSymbols(new BufferSource(buildKernelElf({ arch, symbols: [] })));
      expect([k.machine, k.elfClass, k.arch]).toEqual([machine, cls, arch]);
      expect(k.elf.header.type).toBe(2);
    }
  });

  it('rejects 64-bit values in a 32-bit kernel', () => {
    expect(() => buildKernelElf({ arch: 'i386', symbols: [{ name: 'x', value: 1n << 40n }] })).toThrow(KvmkitError);
  });
});
