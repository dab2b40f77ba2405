export * from "./image.js";
export * from "./open.js";
export * from "./symbols.js";
export * from "./builder.js";
export { Amd64Minidump } from "./amd64-minidump.js";
export { Amd64ElfDump } from "./amd64-elf.js";
export { I386Minidump } from "./i386-minidump.js";
export { Arm64Minidump } from "./arm64-minidump.js";
