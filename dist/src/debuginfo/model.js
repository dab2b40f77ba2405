/**
 * One type model for a kernel's own type information. The CTF reader (`.SUNW_ctf`, sys/sys/ctf.h)
 * and the DWARF reader (`.debug_info`) both produce a `TypeGraph`; one converter turns a struct of
 * the graph into the layout engine's `StructLayout`, so `layout show --types`, the walker and the
 * ABI tools see a kernel's types exactly as they see the declarative layouts of layouts/.
 *
 * The kinds are CTF's (every DWARF type tag kvmkit needs maps onto one of them). Sizes are in
 * bytes, member positions in bits from the start of the enclosing struct or union, as both formats
 * store them.
 */
export {};
