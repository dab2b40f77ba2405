export * from './source.ts';
export * from './rules.ts';
export * from './walk.ts';
export * from './kvm.ts';
export * from './threads.ts';
export * from './layout-choice.ts';
export * from './msgbuf.ts';
