/**
 * The wire codec: every message encoded and decoded byte by byte with strict checks.
 * @module
 */
export * from './layout.ts';
export * from './messages.ts';
export * from './provisioning.ts';
