export * from '../base/exit.ts';
