/**
 * The cloud statecharts: the per-device record (lifecycle, attestation, policy) and the staged
 * OTA rollout (see cloud-machine.ts, rollout-machine.ts, docs/models.md).
 * @module
 */
export { cloudMachine, type CloudMachine } from './cloud-machine.ts';
export { rolloutMachine, type RolloutMachine } from './rollout-machine.ts';
export * from './cloud-types.ts';
