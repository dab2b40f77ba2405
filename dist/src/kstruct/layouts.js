// The kernel-struct layouts are computed by the layout stage (src/layout/kernel.ts) so that the
// kernel model's address assignment can size its zones from them; kstruct re-exports them.
export * from "../layout/kernel.js";
