import { codecFor } from "./generated.js";
export * from "./values.js";
export * from "./cstring.js";
export * from "./view.js";
export * from "./json.js";
export * from "./records.js";
export * from "./core.js";
export * from "./detect.js";
export { codecFor, compiledCodec, interpretedCodec, codegenAvailable } from "./generated.js";
export { restructureCodec } from "./restructure-codec.js";
/** Decode one record at `offset` with the fastest codec available. */
export function decodeRecord(layout, bytes, offset = 0) {
    return codecFor(layout).decode(bytes, offset);
}
/** Encode one record (into `out` at `offset`, or a new buffer). */
export function encodeRecord(layout, record, out, offset = 0) {
    return codecFor(layout).encode(record, out, offset);
}
export * from "./input.js";
