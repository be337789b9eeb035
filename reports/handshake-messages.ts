/**
 * The handshake messages of a suite for the sequence chart, from firmware/: exact wire sizes
 * (messageSizes, encoded by the codec) and BLE fragments (ATT PDUs at ATT MTU 247, one LL PDU
 * each with Data Length Extension). Order and direction follow the protocol: hello, hello,
 * finished, then the session's ready / unlock request / result records.
 * @module
 */
import { bleFragments, messageSizes } from '../firmware/index.ts';
import { runLive, type LiveStep } from '../models/handshake/index.ts';
import type { HandshakeMessage, HandshakeTraceItem } from '../charts/index.ts';

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

/**
 * One handshake and unlock of `suite` as both statecharts run it (models/handshake runLive, real
 * crypto, a fixed seed so the chart is the same every time): each side's operations in the order
 * the machines perform them, and the messages between them. A transfer is two steps (the
 * sender's, then the receiver's); they are paired into one message, named in the order the
 * live run sent them. Null when the suite is unknown; cached per suite (a run costs ~0.1 s).
 */
export function handshakeTraceFor(suite: string): HandshakeTraceItem[] | null {
  if (traces.has(suite)) return traces.get(suite)!;
  let live: ReturnType<typeof runLive>;
  try {
    live = runLive({ suite, seed: 'keytwin/sequence-chart' });
  } catch {
    traces.set(suite, null);
    return null;
  }
  if (!live.established) throw new Error(`handshake trace of ${suite}: the live handshake did not establish (${live.rejection?.check ?? 'no rejection'})`);
  const items: HandshakeTraceItem[] = [];
  let sent = 0;
  let pending: LiveStep | null = null;
  for (const st of live.steps) {
    const role = st.role === 'device' ? 'keychain' : 'phone';
    if (st.op !== 'ble.transfer') {
      items.push({ kind: 'work', role, op: st.op, state: st.state });
      continue;
    }
    if (!pending) {
      pending = st;
      continue;
    }
    const m = live.messages[sent++];
    if (!m || (m.from === 'device' ? 'keychain' : 'phone') !== (pending.role === 'device' ? 'keychain' : 'phone')) {
      throw new Error(`handshake trace of ${suite}: transfer ${sent} (${pending.state} → ${st.state}) does not match the live run's message ${m?.name ?? '(none)'}`);
    }
    items.push({ kind: 'message', from: pending.role === 'device' ? 'keychain' : 'phone', name: m.name, senderState: pending.state, receiverState: st.state });
    pending = null;
  }
  traces.set(suite, items);
  return items;
}

const traces = new Map<string, HandshakeTraceItem[] | null>();
