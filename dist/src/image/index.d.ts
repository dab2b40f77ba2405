export * from './image.ts';
export * from './open.ts';
export * from './symbols.ts';
export * from './builder.ts';
export { Amd64Minidump } from './amd64-minidump.ts';
export { Amd64ElfDump } from './amd64-elf.ts';
export { I386Minidump } from './i386-minidump.ts';
export { Arm64Minidump } from './arm64-minidump.ts';
