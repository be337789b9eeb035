/**
 * The scenario's `behaviour.phoneScan`: the share of owners whose phone scans in each mode
 * (sim/device/phone-scan.ts holds the modes' windows and their sources). Shares are relative and
 * normalised like fleet.suites. The old `radio.scanDuty` is refused with the mode it meant: a duty
 * cycle alone cannot say how long a phone is deaf between windows.
 * @module
 */
import { DEFAULT_PHONE_SCAN, SCAN_MODE_IDS, SCAN_MODES, type ScanModeId } from '../sim/device/phone-scan.ts';
import { closestName } from '../firmware/profiles/index.ts';
import type { Checker } from './schema.ts';

export type PhoneScanShares = Readonly<Partial<Record<ScanModeId, number>>>;

const EXAMPLE = '{ android-balanced: 0.5, android-screen-off: 0.2, ios-background: 0.3 }';

export function parsePhoneScan(c: Checker, raw: unknown): PhoneScanShares {
  if (raw === undefined) return DEFAULT_PHONE_SCAN;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    c.fail(['behaviour', 'phoneScan'], `a mapping of scan mode to share of owners, e.g. ${EXAMPLE}`, raw);
    return DEFAULT_PHONE_SCAN;
  }
  const out: Partial<Record<ScanModeId, number>> = {};
  let sum = 0;
  let unknown = false;
  for (const [id, w] of Object.entries(raw as Record<string, unknown>)) {
    if (!(SCAN_MODE_IDS as readonly string[]).includes(id)) {
      const near = closestName(id, SCAN_MODE_IDS);
      c.fail(['behaviour', 'phoneScan', id], `a scan mode (${near ? `did you mean "${near}"?` : `one of ${SCAN_MODE_IDS.join(', ')}`})`, 'an unknown mode', 'key', true);
      unknown = true;
      continue;
    }
    const share = c.num(['behaviour', 'phoneScan', id], w, { min: 0, what: 'a share >= 0 (shares are relative)' }, 0);
    out[id as ScanModeId] = share;
    sum += share;
  }
  if (sum <= 0) {
    // An unknown mode is the error to show, not the empty mapping it leaves behind.
    if (!unknown) c.fail(['behaviour', 'phoneScan'], 'at least one scan mode with a share > 0', raw);
    return DEFAULT_PHONE_SCAN;
  }
  if (Math.abs(sum - 1) > 1e-9) for (const id of Object.keys(out) as ScanModeId[]) out[id] = out[id]! / sum;
  return Object.freeze(out);
}

/** The error for the removed radio.scanDuty, naming the mode its value stood for. */
export function failScanDuty(c: Checker, value: unknown): void {
  const modes = SCAN_MODE_IDS.filter((m) => m.startsWith('android-')).map((m) => `${m} ${((SCAN_MODES[m].windowMs / SCAN_MODES[m].intervalMs) * 100).toFixed(0)} %`);
  c.fail(
    ['radio', 'scanDuty'],
    `no such field any more: phones scan in windows, set behaviour.phoneScan instead, e.g. ${EXAMPLE} (duty cycles: ${modes.join(', ')}; 0.25 was android-balanced)`,
    value,
    'key',
  );
}
