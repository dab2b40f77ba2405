export * from "./rules.js";
export * from "./copyout.js";
