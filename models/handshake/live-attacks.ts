/**
 * What each attack of the catalogue (firmware/attacks.ts) ends in when the two handshake
 * machines run live (`keytwin handshake --attack`, runLive). The catalogue's `expect` is the
 * firmware driver's outcome; the machines agree with it except where they add their own timeouts,
 * and those differences are stated here with why, not hidden in a test (issue 15: the listing said
 * `replay.seq` for reorder-records while the live run showed `timeout.result`).
 *
 * Per docs/protocol.md both outcomes are right for their runner: with replay window 1 a record
 * delivered after a later one fails `replay.seq` at the receiver, which the firmware driver shows
 * because it sends both unlock requests at once; the phone machine keeps one request outstanding
 * (it sends the next only after the result), so an attacker holding the first request never
 * gets a second one to swap it with, and the phone fails `timeout.result` (protocol.md, phone
 * table: "awaiting result | no record within 5 s"). test/models/handshake-live.test.ts runs every
 * attack live and requires exactly these outcomes.
 * @module
 */
import { ATTACKS, type Attack, type Role } from '../../firmware/index.ts';
import type { HandshakeReason } from './handshake-types.ts';

export interface LiveExpectation {
  readonly check: HandshakeReason;
  readonly by: Role;
  /** Why the live run differs from the firmware driver; absent when they agree. */
  readonly why?: string;
}

const DIFFERENT: Readonly<Record<string, LiveExpectation>> = {
  'reorder-records': {
    check: 'timeout.result', by: 'phone',
    why: 'the phone machine sends one unlock request at a time, so the held first request is never followed by a second to swap it with',
  },
  'drop-serverhello': {
    check: 'timeout.serverHello', by: 'phone',
    why: 'the phone machine fails with its own timeout after one fresh retry (the firmware driver has no machine timeouts)',
  },
};

for (const kind of Object.keys(DIFFERENT)) {
  if (!ATTACKS.some((a) => a.kind === kind)) throw new Error(`models/handshake/live-attacks.ts: '${kind}' is not an attack of firmware/attacks.ts`);
}

/** The rejection a live run of `attack` ends in (its first rejection). */
export function liveExpectation(attack: Attack): LiveExpectation {
  return DIFFERENT[attack.kind] ?? attack.expect;
}
