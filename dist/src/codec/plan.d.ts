import { type StructLayout } from '../layout/index.ts';
/**
 * A codec plan: the layout reduced to what encoding and decoding need. Both the generated codec
 * and its CSP-safe interpreter are driven by the same plan, so they cannot disagree on layout.
 */
export type PlanNode = {
    t: 'int';
    name: string;
    path: string;
    off: number;
    size: number;
    signed: boolean;
    ptr: boolean;
    count?: number;
} | {
    t: 'str';
    name: string;
    path: string;
    off: number;
    n: number;
} | {
    t: 'struct';
    name: string;
    path: string;
    off: number;
    size: number;
    fields: PlanNode[];
    count?: number;
};
export interface Plan {
    layout: StructLayout;
    le: boolean;
    fields: PlanNode[];
    /** Padding holes, absolute offsets within the record. */
    pads: {
        off: number;
        size: number;
        key: string;
    }[];
}
export declare function planFor(layout: StructLayout): Plan;
