import type { KernelModel } from './model.ts';
import { type Scenario } from './scenario.ts';
/**
 * A seeded random-system generator. It writes an ordinary scenario (so any generated system can
 * be saved, replayed and shrunk by hand) while driving the simulator step by step, so that every
 * step it emits is valid in the state reached so far. Systems have hundreds of processes,
 * sessions with terminals and process groups, nested jails, zombies (orphaned or not), reapers
 * with nested subtrees (acquire, release, exits of sub-reapers), RFNOWAIT forks, traced processes,
 * multithreaded processes with long thread names, the TDP_ALTSTACK/ki_uerrmsg quirk, pending cpu
 * time, group-overflowing credentials and hash-colliding pids (small maxproc).
 */
export interface RandomOptions {
    seed: number;
    /** @internal Test hook: after every step, check the generator's incremental views against full scans of the model. */
    verifyViews?: boolean;
    /** Number of forks (default 300). */
    processes?: number;
    /** Max threads per process (default 12). */
    maxThreads?: number;
    /** Number of jails (default 4, some nested). */
    jails?: number;
    /** kern.maxproc (default: drawn from 400 … 40000). */
    maxproc?: number;
}
/** mulberry32. */
export declare class Rng {
    private s;
    constructor(seed: number);
    next(): number;
    int(lo: number, hi: number): number;
    chance(p: number): boolean;
    pick<T>(a: readonly T[]): T;
}
export declare function randomScenario(opts: RandomOptions): Scenario;
/** A random system as a model for one arch (the scenario is rebuilt for that arch's addresses). */
export declare function randomModel(opts: RandomOptions, arch?: string): {
    scenario: Scenario;
    model: KernelModel;
};
