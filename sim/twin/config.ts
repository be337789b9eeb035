/**
 * FleetConfig: everything a fleet run needs, resolved to numbers and samplers. The scenario file
 * is validated and resolved into it by scenarios/ (resolve.ts), where the types are defined so
 * that scenarios/ need not import the simulator; tests build it directly.
 * @module
 */
export type { FleetBehaviour, FleetConfig, FleetFirmware, FleetRadio } from '../../scenarios/config.ts';
export { DEFAULT_FLEET_FIRMWARE } from '../../scenarios/config.ts';
