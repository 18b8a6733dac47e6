export * from './db';
export * from './datasets';
export * from './errors';
export type * from './schema';
