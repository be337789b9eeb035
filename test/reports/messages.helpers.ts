/**
 * Handshake messages for the fixture suite, as data (the shape firmware's messageSizes gives):
 * sizes of ML-KEM-768 / ML-DSA-44 hybrid messages, BLE fragments at ATT MTU 247 (244 B per write).
 * @module
 */
import type { HandshakeMessage } from '../../charts/index.ts';

const frag = (bytes: number) => Math.ceil(bytes / 244);

export function fixtureMessages(): HandshakeMessage[] {
  const m = (name: string, from: 'phone' | 'keychain', bytes: number): HandshakeMessage => ({ name, from, bytes, fragments: frag(bytes) });
  return [m('ClientHello', 'phone', 1190), m('ServerHello', 'keychain', 2553), m('ClientFinished', 'phone', 75), m('UnlockRequest', 'phone', 58), m('UnlockAck', 'keychain', 42)];
}
