export * from "./source.js";
export * from "./rules.js";
export * from "./walk.js";
export * from "./kvm.js";
export * from "./threads.js";
