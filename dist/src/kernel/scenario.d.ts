import { type ArchName } from '../layout/index.ts';
import { type KernelModel } from './model.ts';
import { type Sch } from './schema.ts';
import { KernelBuilder } from './sim.ts';
export declare const SCENARIO_SCHEMA: Sch;
export declare function scenarioJsonSchema(): Record<string, unknown>;
type Obj = Record<string, unknown>;
export interface Scenario {
    name: string;
    description?: string;
    system?: Obj;
    jails?: Obj[];
    ttys?: Obj[];
    proc0?: Obj;
    steps: Obj[];
}
export interface LoadOptions {
    arch: ArchName | string;
    file?: string;
}
/** Load and validate a scenario file, then build the model for one arch. */
export declare function loadScenarioFile(file: string, arch: string): KernelModel;
export declare function validateScenario(json: unknown, file?: string): Scenario;
export interface ScenarioRunner {
    builder: KernelBuilder;
    /** Apply one (already validated) step; `i` is its index, for error messages. */
    apply(step: Record<string, unknown>, i: number): void;
    /** Final checks; the model. */
    finish(): KernelModel;
}
/** A runner over a scenario's header (system, jails, ttys, proc0): steps are applied one by one. */
export declare function scenarioRunner(sc: Scenario, opts: LoadOptions): ScenarioRunner;
/** Validate a scenario object and simulate it into a model for `arch`. */
export declare function buildModel(json: unknown, opts: LoadOptions): KernelModel;
export {};
