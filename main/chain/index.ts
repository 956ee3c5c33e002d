/** The ledger's public API (pure). See each module for details. */
export * from './types';
export * from './errors';
export * from './bytes';
export * from './keys';
export * from './encoding';
export * from './cache';
export * from './params';
export * from './vote';
export * from './tx';
export * from './block';
export * from './smt';
export * from './state';
export * from './genesis';
