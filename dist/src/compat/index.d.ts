export * from './rules.ts';
export * from './copyout.ts';
