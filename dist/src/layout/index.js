export * from "./defs.js";
export * from "./decl.js";
export * from "./engine.js";
export * from "./kernel.js";
export * from "./data.js";
