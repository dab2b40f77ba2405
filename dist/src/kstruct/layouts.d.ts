export * from '../layout/kernel.ts';
