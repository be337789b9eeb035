/**
 * firmware/: the keychain protocol in bytes. Pure and synchronous (noble crypto, no I/O, no
 * clock): suites, the codec, the secure-element model, provisioning, both handshake roles as
 * steps, the AEAD session, message sizes and BLE fragmentation, and attacks.
 * @module
 */
export * from './errors.ts';
export { bytesToHex, concatBytes, equalBytes, wipe } from './bytes.ts';
export * from './random.ts';
export * from './suites.ts';
export * from './codec/index.ts';
export { SecureElement, PHONE_AUTH_LABEL, type DevicePublicKeys } from './secure-element.ts';
export * from './key-schedule.ts';
export { Session, ReplayWindow, MAX_REPLAY_WINDOW, type Role } from './session.ts';
export * from './app.ts';
export * from './provisioning.ts';
export { DeviceHandshake, NonceCache, deviceSteps, type DeviceOptions, type DevicePhase } from './device.ts';
export { PhoneHandshake, phoneSteps, type PhoneOptions, type PhonePairing, type PhonePhase } from './phone.ts';
export * from './handshake.ts';
export * from './sizes.ts';
export * from './attacks.ts';
export * from './public-keys.ts';
export { WRAP_OVERHEAD_BYTES, wrappedKeySizes } from './key-store.ts';
