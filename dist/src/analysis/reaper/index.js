/**
 * The reaper hierarchy rebuilt in userland from kinfo_proc records (seed 000, spec §5.4): see
 * ./rebuild.ts for the rules and the limits, ./input.ts for where records come from, ./render.ts for
 * the tree, JSON and Graphviz output. The kernel's own answers, for comparison, are in
 * src/kernel/procctl.ts.
 */
export * from "./rebuild.js";
export * from "./input.js";
export * from "./render.js";
