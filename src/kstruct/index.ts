/**
 * kstruct: FreeBSD kernel structs in simulated kernel memory — layouts, model → image, image → model.
 *
 * Layouts (./layouts.ts). `kernelLayouts(arch, revision?)` gives the kernel-struct layouts
 * (layouts/kernel/<set>.json, named by the revision's "kernel" key; all revisions use "fbsd") on
 * one arch: proc, thread (+ td_sched, which follows it: td_get_sched(td) = &td[1]), pgrp, session,
 * ucred, prison, loginclass, tty, cdev / cdev_priv (udev = cdp_inode), sigacts, vmspace, pstats,
 * sysentvec, ktr_io_params, list heads. `kl.off(struct, 'p_list.le_next')` is a leaf offset;
 * `exportedOffsets(kl)` the kernel's `proc_off_*` / `thread_off_*` values.
 *
 * Writer (./write.ts).
 *   buildImage(model, { format, vmcore, kernel, revision?, version?, pae?, dumptid?, onProgress? })
 *   — or builderForModel(model) + writeModel(model, builder, opts) + builder.writeImage(...).
 *   Symbols defined: allproc, nprocs, ticks, hz, cpu_tick_frequency, boottime (struct timeval),
 *   maxproc, pidhashtbl, pidhash, pidhashlock, dumptid, proc0, thread0, prison0, vmspace0,
 *   initproc, kernbase, KPML4phys (amd64) / IdlePTD (i386), proc_off_* and thread_off_*. There is
 *   no zombproc (modern kernel: zombies are only in the pid hash) and no VNET/DPCPU set symbols.
 *
 * Reader (./read.ts) — the API a dump walker uses:
 *
 *   const r = new KernelReader(img, { revision?, cacheLimit?, maxListLength?, maxString? });
 *   r.globals(): KernelGlobals                      // ticks, hz, boottime, cpu_tick_frequency, maxproc, pidhash, pidhashlock
 *   r.allprocAddrs(): bigint[]                      // allproc, head first (libkvm's order)
 *   r.pidHashOrder(): Generator<bigint>             // the live sysctl's stripe/bucket order (spec §2.2), PRS_NEW included
 *   r.proc(addr): Proc                              // struct proc; pointers and lists resolve lazily on first access
 *   r.thread(addr, owner?) / ucred / prison / loginclass / sigacts / vmspace / pstats / sysentvec / pgrp / session / tty / cdev
 *   r.raw(struct, addr): RecordView                 // the raw struct (libkvm mode reads fields itself, with its own messages)
 *   r.pointerAt(va, struct, field), r.string(va, struct, field), r.list(first, nextOff, struct, field)
 *   r.modelShell(): KernelModel                     // the `model` of a FillContext while walking
 *   r.checkpoint()                                  // call between processes: drops the cache above cacheLimit
 *   readProc(img, addr), readGlobals(img)           // one-shot helpers over readerFor(img)
 *   readModel(img): { model, unavailable }          // whole model (small images; unbounded cache)
 *
 * Exact mode (what the live path would have answered, from memory):
 *
 *   const r = new KernelReader(img); const model = r.modelShell();
 *   const ctx = { model, rules: liveRules(rev), viewer: hostRootViewer(model) };
 *   for (const a of r.pidHashOrder()) {
 *     r.checkpoint();
 *     const p = r.proc(a); if (p.p_state === PRS_NEW) continue;
 *     kernProcOut(ctx, p, flags, layouts, emit);    // src/kernel/sysctl.ts, unchanged
 *   }
 *
 * Objects: class instances. Plain members are own properties; pointer and list members (p_ucred,
 * p_threads, pg_session …) are accessors on the class prototype that resolve on first read and
 * remember the result (assignment replaces it). A spread ({ ...p }) therefore drops them: copy with
 * Object.create(p), which reads through and shadows what is assigned.
 *
 * Cost (amd64 minidump, 2 cores): memory goes through ./mem.ts (pages translated once into a
 * direct-mapped table, 16 KiB file chunks in a 32 MiB CLOCK cache indexed by typed arrays, no copy
 * per struct); structs are decoded by constant-offset readers made once per layout (./decode.ts)
 * from the bytes their fields span; objects are cached in one open-addressing table keyed by
 * (kind, address), emptied in place at a checkpoint (never a Map.clear(): V8 then keeps each
 * cleared table pointing to its successor, and once one is promoted every later cache generation
 * survives the scavenges). p_threads and pg_members follow the links decoded with each element.
 * About 9 loads per process; the 100k-process walk reads every 16 KiB of its 945 MB dump once.
 * r.mem.stats counts loads, chunk reads and translations.
 *
 * Identity: within one cache generation an address always gives the same JS object (the fill
 * code compares prisons, pgrps, sessions and procs with ===). checkpoint() starts a new
 * generation, so call it only between processes. prison0, proc0 and vmspace0 are pinned.
 *
 * Errors: every failed read is a KstructReadError (a KvmkitError) with `address` (what could not
 * be read), `struct` and, when reached through a pointer, `field` ("proc.p_ucred"). Lists with
 * cycles or more than maxListLength entries are errors, never silent truncation. Lazy fields
 * throw at the access that needs them, so a walker catches per process.
 *
 * Unavailable: `MODEL_UNAVAILABLE` / `reader.unavailable` list what memory cannot give back (the
 * allocation list, unreachable ttys/prisons, contents of opaque objects); nothing is invented.
 */
export * from './layouts.ts';
export * from './write.ts';
export * from './read.ts';
export * from './source.ts';
