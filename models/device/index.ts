/**
 * The device statechart: the keychain's firmware loop (see device-machine.ts, docs/models.md).
 * @module
 */
export { deviceMachine, type DeviceMachine, type DeviceStateMeta } from './device-machine.ts';
export * from './device-types.ts';
