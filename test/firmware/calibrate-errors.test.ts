// Every malformed input is rejected with file:line:column and what was expected there.
import { describe, expect, it } from 'vitest';
import {
  CalibrationInputError,
  parseBenchLog,
  parsePowerCsv,
} from '../../firmware/calibrate/index.ts';

const HEADER =
  'KTBENCH/1 header format=1 chip=ESP32-S3 revision=v0.2 clock_mhz=240 counter=CCOUNT compiler="gcc 14.2.0" flags=-O2 libs=mlkem-native@v1.0.0';
const ROW =
  'KTBENCH/1 op name=mlkem768.keygen bytes=0 n=3 min=10 median=11 p95=12 max=12 mean=11.0 sd=1.0 stack=14312';
const END = 'KTBENCH/1 end rows=1';

function benchError(text: string): string {
  try {
    parseBenchLog(text, 'b.log');
  } catch (err) {
    expect(err).toBeInstanceOf(CalibrationInputError);
    return (err as Error).message;
  }
  throw new Error('bench log unexpectedly valid');
}
function powerError(text: string): string {
  try {
    parsePowerCsv(text, 'p.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(CalibrationInputError);
    return (err as Error).message;
  }
  throw new Error('power csv unexpectedly valid');
}

describe('bench log errors', () => {
  it('accepts the well-formed log, ignoring untagged serial noise and a monitor prefix', () => {
    const log = parseBenchLog(
      ['I (31) boot: hello', HEADER, `[12:00:01] ${ROW}`, END].join('\n'),
      'b.log',
    );
    expect(log.rows[0]).toMatchObject({ name: 'mlkem768.keygen', n: 3, median: 11, stack: 14312 });
    expect(log.header.fields.compiler).toBe('gcc 14.2.0');
  });

  it.each([
    [
      'no header',
      ['I (1) boot: nothing here'].join('\n'),
      'b.log:1:1: expected a "KTBENCH/1 header ..." line, got none in the file (is this a bench log?)',
    ],
    [
      'a newer format',
      ['KTBENCH/2 header format=2'].join('\n'),
      'b.log:1:9: expected format version 1 (KTBENCH/1), got "2"',
    ],
    [
      'a header without clock_mhz',
      HEADER.replace(' clock_mhz=240', ''),
      `b.log:1:${HEADER.replace(' clock_mhz=240', '').length + 1}: expected field clock_mhz= (a required header field), got end of line`,
    ],
    [
      'an unclosed quote',
      HEADER.replace('"gcc 14.2.0"', '"gcc 14.2.0'),
      `b.log:1:${HEADER.length}: expected a closing '"' for the value of compiler, got end of line`,
    ],
    [
      'a row before the header',
      [ROW, HEADER].join('\n'),
      'b.log:1:11: expected the header line first, got a op line',
    ],
    [
      'a non-numeric min',
      [HEADER, ROW.replace('min=10', 'min=ten'), END].join('\n'),
      `b.log:2:${ROW.indexOf('min=') + 5}: expected min= a non-negative integer, got "ten"`,
    ],
    [
      'a missing p95',
      [HEADER, ROW.replace(' p95=12', ''), END].join('\n'),
      `b.log:2:${ROW.replace(' p95=12', '').length + 1}: expected field p95= (a non-negative integer), got end of line`,
    ],
    [
      'min above the median',
      [HEADER, ROW.replace('min=10', 'min=13'), END].join('\n'),
      `b.log:2:${ROW.indexOf('median=') + 8}: expected median= at least min (13), got 11`,
    ],
    [
      'a field that is not key=value',
      [HEADER, ROW.replace(' stack=14312', ' stack 14312'), END].join('\n'),
      `b.log:2:${ROW.indexOf('stack=') + 1}: expected a key=value field (lower-case key), got "stack"`,
    ],
    [
      'an unknown record kind',
      [HEADER, 'KTBENCH/1 opp name=x', END].join('\n'),
      'b.log:2:11: expected a record kind (header, marker, op, samples, state, error, end), got "opp"',
    ],
    [
      'a truncated log',
      [HEADER, ROW].join('\n'),
      'b.log:2:1: expected a closing "KTBENCH/1 end rows=N" line, got end of file (log truncated?)',
    ],
    [
      'a lost row',
      [HEADER, ROW, 'KTBENCH/1 end rows=2'].join('\n'),
      'b.log:3:20: expected rows=1 (the op rows in the log), got 2 (rows lost from the log?)',
    ],
    [
      'a bad sample',
      [HEADER, 'KTBENCH/1 samples name=mlkem768.keygen bytes=0 v=10,1x,12', ROW, END].join('\n'),
      'b.log:2:53: expected a cycle count (non-negative integer), got "1x"',
    ],
    [
      'too few samples',
      [HEADER, 'KTBENCH/1 samples name=mlkem768.keygen bytes=0 v=10,11', ROW, END].join('\n'),
      'b.log:2:1: expected 3 samples (n= of the row on line 3), got 2',
    ],
    [
      'a duplicated row',
      [HEADER, ROW, ROW, 'KTBENCH/1 end rows=2'].join('\n'),
      'b.log:3:19: expected one row per op and size (mlkem768.keygen bytes=0 is on line 2), got a duplicate',
    ],
  ])('%s', (_what, text, message) => {
    expect(benchError(text)).toBe(message);
  });
});

describe('power CSV errors', () => {
  const PPK = 'Timestamp(ms),Current(uA),D0-D7';
  it('accepts PPK2 and Joulescope', () => {
    expect(
      parsePowerCsv(`${PPK}\n0.000,10.000,10000000\n0.010,12.500,00000000\n`, 'p.csv').mA[1],
    ).toBeCloseTo(0.0125, 12);
    const js = parsePowerCsv('time,current,voltage\n0,0.05,3.3\n0.001,0.06,3.3\n', 'j.csv');
    expect([js.tMs[1], js.mA[1], js.digital]).toEqual([1, 60, null]);
  });
  it.each([
    [
      'an unknown header',
      'when,amps\n0,1\n1,1',
      'p.csv:1:1: expected a power-analyser CSV header: Timestamp(ms),Current(uA)[,D0-D7][,D0,D1,D2,D3,D4,D5,D6,D7] (Nordic PPK2) or time,current,voltage,... (Joulescope, SI units), got "when,amps"',
    ],
    [
      'a PPK2 without current',
      'Timestamp(ms),Voltage(mV)\n0,1\n1,1',
      'p.csv:1:15: expected "Current(uA)" as the second column of a PPK2 CSV, got "Voltage(mV)"',
    ],
    [
      'digital columns out of order',
      'Timestamp(ms),Current(uA),D0,D1,D3,D2,D4,D5,D6,D7\n',
      'p.csv:1:33: expected column "D2" (PPK2 digital channels D0..D7 in order), got "D3"',
    ],
    [
      'a Joulescope without current',
      'time,voltage\n0,3.3\n1,3.3',
      'p.csv:1:13: expected a "current" column (Joulescope CSV, amperes), got none',
    ],
    [
      'a short line',
      `${PPK}\n0.000,10.000,10000000\n0.010,12.500\n`,
      'p.csv:3:13: expected 3 comma-separated columns (as the header), got 2',
    ],
    [
      'a non-numeric current',
      `${PPK}\n0.000,10.000,10000000\n0.010,abc,00000000\n`,
      'p.csv:3:7: expected a number (current in microamperes), got "abc"',
    ],
    [
      'time going backwards',
      `${PPK}\n0.010,10.000,10000000\n0.005,12.500,00000000\n`,
      "p.csv:3:1: expected a time after the previous sample's (0.01), got 0.005",
    ],
    [
      'a bad digital state',
      `${PPK}\n0.000,10.000,10000000\n0.010,12.500,000Z0000\n`,
      'p.csv:3:17: expected a digital state 0, 1, - or X (channel D3), got "Z"',
    ],
    [
      'a short digital string',
      `${PPK}\n0.000,10.000,1000000\n0.010,12.500,00000000\n`,
      'p.csv:2:14: expected an 8-character D0-D7 string (one of 0 1 - X per channel, D0 first), got "1000000"',
    ],
    [
      'no samples',
      `${PPK}\n`,
      'p.csv:2:1: expected at least two samples after the header, got no samples',
    ],
    [
      'an empty file',
      '',
      'p.csv:1:1: expected a power-analyser CSV header: Timestamp(ms),Current(uA)[,D0-D7][,D0,D1,D2,D3,D4,D5,D6,D7] (Nordic PPK2) or time,current,voltage,... (Joulescope, SI units), got an empty file',
    ],
  ])('%s', (_what, text, message) => {
    expect(powerError(text)).toBe(message);
  });
});
