import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  defaultProfile,
  flattenProfile,
  parseProfile,
  ProfileError,
  validateProfile,
} from '../../firmware/profiles/index.ts';
import { loadProfile } from '../../scenarios/load-profile.ts';

const FILE = 'firmware/profiles/esp32s3-atecc608b-lis2dh12-200mah.json';
// any: the tests poke at arbitrary fields of raw JSON to break them on purpose
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const raw = (): Record<string, any> => JSON.parse(readFileSync(FILE, 'utf8'));

function issuesOf(json: unknown): string[] {
  try {
    validateProfile(json, 'p.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ProfileError);
    return (err as ProfileError).issues.map((i) => `${i.path}: expected ${i.expected}, got ${i.got}`);
  }
  throw new Error('profile unexpectedly valid');
}

describe('validateProfile', () => {
  it('defaultProfile() validates and normalises units to ms, mA, mC, B/ms', () => {
    const p = defaultProfile();
    expect(p.mcu.lightSleep).toMatchObject({ value: 0.24, unit: 'mA', ref: 'P3.5', conf: 'H' });
    expect(p.mcu.deepSleepWakeToApp).toMatchObject({ value: 320, unit: 'ms', ref: 'P8', conf: 'M', range: [30, 320] });
    expect(p.classical.aesGcm).toMatchObject({ value: 3000, unit: 'B/ms', range: [340, 8000] });
    expect(p.ble.txChargePerByte2M).toMatchObject({ value: 0.0009, unit: 'mC/B' });
    expect(p.ble.advFastDuration.value).toBe(30_000);
    expect(p.battery.selfDischargePerMonth.value).toBe(0.02);
    expect(p.nfc.effectiveThroughput.value).toBe(6);
    expect(p.pqc.mldsa65['mldsa-native'].sign.p.value).toBe(0.1961);
    expect(p.pqc.mlkem768['mlkem-native'].decaps).toMatchObject({ value: 7.987, ref: 'M2', conf: 'H' });
    expect(p.ble.phy.value).toBe('2M');
    expect(p.battery.ocvTable20C.ocvV).toHaveLength(21);
  });

  it('loadProfile(path) of the default file equals defaultProfile()', () => {
    expect(loadProfile(FILE)).toEqual(defaultProfile());
    expect(loadProfile()).toBe(defaultProfile());
  });

  it('a unit of the wrong dimension names the path, the accepted units and what was found', () => {
    const j = raw();
    j.pqc.mlkem768['mlkem-native'].decaps.unit = 'mA';
    expect(() => validateProfile(j, 'profile.json')).toThrow(
      'profile.json: pqc.mlkem768.mlkem-native.decaps.unit: expected a time unit ("us", "ms", "s", "min", "h", "d"), got "mA"',
    );
  });

  it('a convertible unit is normalised: decaps in s becomes ms', () => {
    const j = raw();
    j.pqc.mlkem768['mlkem-native'].decaps = { v: 0.007987, unit: 's', ref: 'M2', conf: 'H' };
    expect(validateProfile(j, 'p.json').pqc.mlkem768['mlkem-native'].decaps.value).toBeCloseTo(7.987, 12);
  });

  it('reports every problem at once, not just the first', () => {
    const j = raw();
    j.mcu.activeOneCore.conf = 'X';
    delete j.battery.capacity;
    j.ble.phy.v = '3M';
    j.nfc.byteTime.v = -1;
    j.secureElement.signMax.ref = 'see datasheet';
    expect(issuesOf(j)).toEqual([
      'mcu.activeOneCore.conf: expected "H", "M" or "L", got "X"',
      'secureElement.signMax.ref: expected a source ID of docs/sources.md such as "P3.4" or "M1" (or "W9.2/W9.4"), "measured:<file>", or "estimate", got "see datasheet"',
      'battery.capacity: expected { v, unit, ref, conf } with a capacity unit ("mAh", "Ah"), got nothing',
      'ble.phy.v: expected one of "1M", "2M", got "3M"',
      'nfc.byteTime.v: expected a value >= 0, got -1',
    ]);
  });

  it('an unknown field suggests the closest known one', () => {
    const j = raw();
    j.mcu.activeOnecore = j.mcu.activeOneCore;
    j.ble.connInterval.uint = 'ms';
    expect(issuesOf(j)).toEqual([
      'mcu.activeOnecore: expected a known field of mcu (did you mean "activeOneCore"?), got an unknown field',
      'ble.connInterval.uint: expected a known field of ble.connInterval (did you mean "unit"?), got an unknown field',
    ]);
  });

  it('an estimate needs conf L and its reasoning in note', () => {
    const j = raw();
    j.flash.pageProgram = { v: 0.7, unit: 'ms', ref: 'estimate', conf: 'M' };
    expect(issuesOf(j)).toEqual([
      'flash.pageProgram.conf: expected "L" for an estimate, got "M"',
      'flash.pageProgram.note: expected the reasoning behind the estimate, got nothing',
    ]);
  });

  it('a value outside its own range, a non-monotone OCV table, and an inconsistent ML-DSA mean or p99 are caught', () => {
    const j = raw();
    j.classical.x25519.optimised.keygen.v = 40;
    j.battery.ocvTable20C.ocvV[3] = 4.2;
    j.pqc.mldsa44['mldsa-native'].sign.mean.v = 80;
    j.pqc.mldsa87.reference.sign.p99.v = 400;
    expect(issuesOf(j)).toEqual([
      'classical.x25519.optimised.keygen.v: expected a value within range [9.1, 13.7], got 40',
      'battery.ocvTable20C.ocvV: expected voltages rising strictly with SoC, got [4.2,4.15,4.11,4.2,4.02,3.98,3.95,3.91,3.87,3.85,3.84,3.82,3.8,3.79,3.77,3.75,3.73,3.71,3.69,3.61,3]',
      'pqc.mldsa44.mldsa-native.sign.mean.v: expected base + iter/p = 104.9 ms (within 2 %), got 80',
      'pqc.mldsa87.reference.sign.p99.v: expected base + 16·iter = 553 ms (within 5 %), got 400',
    ]);
  });

  it('refs accept calibration.md IDs (P3.4) and esp32-measured.md IDs (M1, D1/R1.1), not free text', () => {
    const j = raw();
    j.mcu.powerOff.ref = 'M1/P3.8c';
    j.mcu.lightSleep.ref = 'D1';
    expect(() => validateProfile(j, 'p.json')).not.toThrow();
    j.mcu.lightSleep.ref = 'M';
    j.mcu.powerOff.ref = 'M1,P3.8c';
    expect(issuesOf(j).map((i) => i.split(':')[0])).toEqual(['mcu.lightSleep.ref', 'mcu.powerOff.ref']);
  });

  it('a mode composition must point at currents', () => {
    const j = raw();
    j.power.modes.idle.mcu = ['mcu.idleWaiti', 'mcu.deepSleepWakeToApp'];
    delete j.power.modes.off;
    expect(issuesOf(j)).toEqual([
      'power.modes.off: expected an object with the components mcu, secureElement, accelerometer, radio, powerPath, got nothing',
      'power.modes.idle.mcu[1]: expected the path of a current in this profile (e.g. "mcu.lightSleep") or one of derived:bleConnectionIdle, derived:bleAdvertisingSlow, got "mcu.deepSleepWakeToApp"',
    ]);
  });

  it('parseProfile reports a JSON syntax error with the file name', () => {
    expect(() => parseProfile('{ "mcu": ', 'broken.json')).toThrow(/^broken.json: \(file\): expected valid JSON, got /);
  });

  it('flattenProfile lists every quantity with unit, conf and ref', () => {
    const rows = flattenProfile(defaultProfile());
    expect(rows.find((r) => r.key === 'mlkem768.mlkem-native.decaps')).toEqual({
      section: 'pqc', key: 'mlkem768.mlkem-native.decaps', value: '7.987', unit: 'ms', conf: 'H', ref: 'M2',
    });
    expect(rows.find((r) => r.key === 'kemImplementation')?.value).toBe('mlkem-native');
    expect(rows.find((r) => r.key === 'deepSleepWakeToApp')?.value).toBe('320 [30-320]');
  });
});

describe('default profile provenance', () => {
  // Source IDs are the bold first cell of a docs/sources.md table row: | **M1** | ...
  const listed = new Set([...readFileSync('docs/sources.md', 'utf8').matchAll(/^\| \*\*([A-Z]\d+(?:\.\d+[a-z]?)?)\*\* \|/gm)].map((m) => m[1]!));
  const refs = [
    ...new Set(
      flattenProfile(defaultProfile())
        .map((r) => r.ref)
        .filter((r) => r && r !== 'estimate')
        .flatMap((r) => r.split('/')),
    ),
  ];

  it('every ref in the default profile is listed in docs/sources.md', () => {
    expect(refs.length).toBeGreaterThan(40);
    expect(refs.filter((r) => !listed.has(r))).toEqual([]);
  });

  const CODE_WITH_SOURCES = ['sim/device/phone-scan.ts', 'scenarios/firmware-schema.ts'];
  it('docs/sources.md lists nothing the profile (or a sourced default in code) does not cite (no stale entries)', () => {
    // Sourced defaults that live in code rather than in the profile cite the same page.
    const prose = JSON.stringify(raw()) + CODE_WITH_SOURCES.map((f) => readFileSync(f, 'utf8')).join('\n');
    const mentioned = (id: string) => new RegExp(`(?<![-\\w.])${id.replace('.', '\\.')}(?![\\w.]\\d)`).test(prose);
    expect([...listed].filter((id) => !refs.includes(id) && !mentioned(id))).toEqual([]);
  });

  const research = '/work/shared/research';
  it.skipIf(!existsSync(`${research}/calibration.md`))('each listed ID is a row of the research file it names', () => {
    const rows = (file: string) => new Set([...readFileSync(`${research}/${file}`, 'utf8').matchAll(/^\| ([A-Z]\d+(?:\.\d+[a-z]?)?) \|/gm)].map((m) => m[1]!));
    const calibration = rows('calibration.md');
    const measured = rows('esp32-measured.md');
    // Dotted IDs come from calibration.md, dot-less ones from esp32-measured.md.
    const missing = [...listed].filter((id) => !(id.includes('.') ? calibration : measured).has(id));
    expect(missing).toEqual([]);
  });
});

describe('keytwin profile', () => {
  const cli = (...args: string[]) => spawnSync('node', ['cli/keytwin.mjs', 'profile', ...args], { encoding: 'utf8' });
  it('profile validate <bad file> exits 1 and lists the problems with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-profile-'));
    const j = raw();
    j.battery.capacity.unit = 'mWh';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(j));
    const r = cli('validate', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: battery.capacity.unit: expected a capacity unit ("mAh", "Ah"), got "mWh"`);
  });
  it('profile show prints an aligned table', () => {
    const r = cli('show');
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.includes('mlkem768.mlkem-native.decaps'));
    expect(line).toMatch(/^pqc\s+mlkem768\.mlkem-native\.decaps\s+7\.987\s+ms\s+H\s+M2$/);
  });
});
