/**
 * The handshake messages of a suite for the sequence chart. firmware/ owns the wire sizes
 * (messageSizes(suite)); until it exports them this returns null and the chart says so.
 * @module
 */
import type { HandshakeMessage } from '../dashboards/index.ts';

export function handshakeMessagesFor(_suite: string): HandshakeMessage[] | null {
  return null;
}
