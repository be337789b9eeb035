/**
 * NFC tap-to-provision. The phone draws a 32-byte bond key and sends it in a BondRequest; the
 * device has its secure element generate every key pair the provisioned suites need, writes the
 * bond key into a free SE slot (write-only), and answers with a DeviceRegistration (device id,
 * slot, suites, public keys). The phone keeps registration + bond key as its pairing.
 *
 * Trust assumption: NFC's few-centimetre range is the authenticated channel of the tap (the owner
 * holds both devices); nothing on it is encrypted. A phone credential leaked from the phone lets
 * its holder impersonate that phone until `unbond`.
 * @module
 */
import type { RandomSource } from './random.ts';
import type { SecureElement } from './secure-element.ts';
import { SUITES, type Suite } from './suites.ts';
import type { PhonePairing } from './phone.ts';
import { BOND_KEY_BYTES, decodeBondRequest, decodeDeviceRegistration, encodeBondRequest, encodeDeviceRegistration } from './codec/provisioning.ts';

export interface Provisioning {
  readonly pairing: PhonePairing;
  /** The two NFC messages as sent, for sizes and display. */
  readonly bondRequest: Uint8Array;
  readonly registration: Uint8Array;
}

/** Device side of the tap: generate keys in the SE, bond the phone credential, answer. */
export function deviceProvision(se: SecureElement, bondRequest: Uint8Array, suites: readonly Suite[] = SUITES): Uint8Array {
  const { msg } = decodeBondRequest(bondRequest);
  const keys = se.generateKeys(suites);
  const bondSlot = se.bondPhone(msg.bondKey);
  return encodeDeviceRegistration({ deviceId: keys.deviceId, bondSlot, suites, kemKeys: keys.kemKeys, sigKeys: keys.sigKeys });
}

/** The whole tap, both sides: returns the phone's pairing and the bytes exchanged. */
export function provisionOverNfc(se: SecureElement, phoneRandom: RandomSource, suites: readonly Suite[] = SUITES): Provisioning {
  const bondKey = phoneRandom(BOND_KEY_BYTES);
  const bondRequest = encodeBondRequest({ bondKey });
  const registration = deviceProvision(se, bondRequest, suites);
  const { msg } = decodeDeviceRegistration(registration);
  return { pairing: { registration: msg, bondKey }, bondRequest, registration };
}
