export * from './defs.ts';
export * from './decl.ts';
export * from './engine.ts';
export * from './kernel.ts';
export * from './data.ts';
export * from './msgbuf.ts';
