/**
 * The handshake messages of a suite for the sequence chart, from firmware/: exact wire sizes
 * (messageSizes, encoded by the codec) and BLE fragments (ATT PDUs at ATT MTU 247, one LL PDU
 * each with Data Length Extension). Order and direction follow the protocol: hello, hello,
 * finished, then the session's ready / unlock request / result records.
 * @module
 */
import { bleFragments, messageSizes } from '../firmware/index.ts';
import type { HandshakeMessage } from '../charts/index.ts';

/** ATT MTU the charts assume (the common negotiated value with DLE; DESIGN.md: 247 or 517). */
export const CHART_ATT_MTU = 247;

const SEQUENCE = [
  ['ClientHello', 'phone'],
  ['ServerHello', 'keychain'],
  ['ClientFinished', 'phone'],
  ['SessionReady', 'keychain'],
  ['UnlockRequest', 'phone'],
  ['UnlockResult', 'keychain'],
] as const;

/** Messages of `suite` in protocol order, or null when firmware does not know the suite id. */
export function handshakeMessagesFor(suite: string, attMtu = CHART_ATT_MTU): HandshakeMessage[] | null {
  let sizes: ReturnType<typeof messageSizes>;
  try {
    sizes = messageSizes(suite);
  } catch {
    return null;
  }
  return SEQUENCE.map(([name, from]) => ({ name, from, bytes: sizes[name], fragments: bleFragments(sizes[name], attMtu).attPdus }));
}
