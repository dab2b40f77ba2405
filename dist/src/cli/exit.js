// The exit-status bits live in base/ because analyses compute them too (abi-diff's verdict).
export * from "../base/exit.js";
