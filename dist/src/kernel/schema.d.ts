import { KvmkitError } from '../base/errors.ts';
/**
 * A small declarative schema for scenario files: one description drives both the hand-written
 * validation (errors name the object and the field) and the JSON Schema file
 * dumps/scenarios/scenario.schema.json (`jsonSchema()`), so the two cannot drift apart.
 */
export type Sch = {
    t: 'int';
    min?: number;
    max?: number;
    doc?: string;
} | {
    t: 'u64';
    doc?: string;
} | {
    t: 'i64';
    doc?: string;
} | {
    t: 'num';
    min?: number;
    doc?: string;
} | {
    t: 'str';
    maxLen?: number;
    pattern?: string;
    doc?: string;
} | {
    t: 'bool';
    doc?: string;
} | {
    t: 'null';
    doc?: string;
} | {
    t: 'enum';
    values: string[];
    doc?: string;
} | {
    t: 'arr';
    items: Sch;
    maxItems?: number;
    doc?: string;
} | {
    t: 'obj';
    props: Record<string, Sch>;
    required?: string[];
    doc?: string;
} | {
    t: 'any';
    of: Sch[];
    doc?: string;
}
/** An object with exactly one of `verbs` as a key, plus the props allowed with that verb. */
 | {
    t: 'step';
    verbs: Record<string, {
        value: Sch;
        props: Record<string, Sch>;
        required?: string[];
        doc: string;
    }>;
    doc?: string;
};
export declare class ScenarioError extends KvmkitError {
}
/** Validate `x` against `s`; `where` is the object ("proc 42", "tty pts/0"), `path` the field. */
export declare function validate(s: Sch, x: unknown, where: string, path: string, file?: string): void;
/** The JSON Schema (draft 2020-12) equivalent of a description. */
export declare function jsonSchema(s: Sch): Record<string, unknown>;
