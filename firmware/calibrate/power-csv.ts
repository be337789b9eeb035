/**
 * Parsers of power-analyser exports into one trace shape (time in ms, current in mA, optional
 * digital marker bits):
 *  - Nordic PPK2 (Power Profiler app) CSV: `Timestamp(ms),Current(uA)` then optionally one `D0-D7`
 *    column (an 8-character string, character i = channel Di) and/or eight `D0,...,D7` columns;
 *    each digital state is one of `0`, `1`, `-` (not logged) or `X` (undefined).
 *  - Joulescope CSV (downsample logger): `time,current,voltage,...` in SI units (s, A, V).
 * Source of both layouts: research/esp32-measured.md section 4. Errors name file:line:column.
 * @module
 */
import { CalibrationInputError, shown } from './errors.ts';

export type TraceFormat = 'ppk2' | 'joulescope';

export interface PowerTrace {
  readonly file: string;
  readonly format: TraceFormat;
  /** Sample times, ms from the file's own origin, strictly increasing. */
  readonly tMs: Float64Array;
  readonly mA: Float64Array;
  /**
   * Digital channels per sample, bit i = Di; null when the file has no digital columns. A sample
   * with any channel `-` or `X` is marked invalid in `digitalValid` (it cannot name a marker).
   */
  readonly digital: Uint8Array | null;
  readonly digitalValid: Uint8Array | null;
  /** Supply voltage per sample (Joulescope), else null. */
  readonly volts: Float64Array | null;
}

const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Splits one CSV line on commas, keeping each field's 1-based start column. */
function fields(line: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let col = 1;
  for (const part of line.split(',')) {
    out.push({ text: part.trim(), col: col + (part.length - part.trimStart().length) });
    col += part.length + 1;
  }
  return out;
}

interface Layout {
  readonly format: TraceFormat;
  readonly time: number;
  readonly current: number;
  readonly tScale: number; // to ms
  readonly iScale: number; // to mA
  readonly voltage: number | null;
  readonly dString: number | null; // the D0-D7 column
  readonly dCols: readonly number[] | null; // the D0..D7 columns
  readonly width: number;
}

const PPK2_HEADER = 'Timestamp(ms),Current(uA)[,D0-D7][,D0,D1,D2,D3,D4,D5,D6,D7] (Nordic PPK2)';
const JS_HEADER = 'time,current,voltage,... (Joulescope, SI units)';

function layoutOf(file: string, header: string): Layout {
  const h = fields(header);
  const names = h.map((f) => f.text);
  const lower = names.map((n) => n.toLowerCase());
  if (names[0] === 'Timestamp(ms)') {
    if (names[1] !== 'Current(uA)')
      throw new CalibrationInputError(
        file,
        1,
        h[1]?.col ?? header.length + 1,
        '"Current(uA)" as the second column of a PPK2 CSV',
        shown(names[1] ?? ''),
      );
    let dString: number | null = null;
    let dCols: number[] | null = null;
    for (let i = 2; i < names.length; i++) {
      if (names[i] === 'D0-D7' && dString === null) dString = i;
      else if (names[i] === 'D0' && dCols === null) {
        for (let b = 0; b < 8; b++)
          if (names[i + b] !== `D${b}`)
            throw new CalibrationInputError(
              file,
              1,
              h[i + b]?.col ?? header.length + 1,
              `column "D${b}" (PPK2 digital channels D0..D7 in order)`,
              shown(names[i + b] ?? ''),
            );
        dCols = Array.from({ length: 8 }, (_, b) => i + b);
        i += 7;
      } else
        throw new CalibrationInputError(
          file,
          1,
          h[i]!.col,
          `${PPK2_HEADER}`,
          `an unexpected column ${shown(names[i]!)}`,
        );
    }
    return {
      format: 'ppk2',
      time: 0,
      current: 1,
      tScale: 1,
      iScale: 1e-3,
      voltage: null,
      dString,
      dCols,
      width: names.length,
    };
  }
  if (lower[0] === 'time' || lower[0] === '#time') {
    const current = lower.indexOf('current');
    if (current < 0)
      throw new CalibrationInputError(
        file,
        1,
        header.length + 1,
        'a "current" column (Joulescope CSV, amperes)',
        'none',
      );
    const voltage = lower.indexOf('voltage');
    return {
      format: 'joulescope',
      time: 0,
      current,
      tScale: 1e3,
      iScale: 1e3,
      voltage: voltage < 0 ? null : voltage,
      dString: null,
      dCols: null,
      width: names.length,
    };
  }
  throw new CalibrationInputError(
    file,
    1,
    1,
    `a power-analyser CSV header: ${PPK2_HEADER} or ${JS_HEADER}`,
    shown(header),
  );
}

const DIGIT: Record<string, number> = { '0': 0, '1': 1, '-': -1, X: -1, x: -1 };

/**
 * Parses a PPK2 or Joulescope CSV export (the header tells which).
 * @throws CalibrationInputError naming the first malformed line and column
 */
export function parsePowerCsv(text: string, file: string): PowerTrace {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  if (lines.length === 0)
    throw new CalibrationInputError(
      file,
      1,
      1,
      `a power-analyser CSV header: ${PPK2_HEADER} or ${JS_HEADER}`,
      'an empty file',
    );
  const L = layoutOf(file, lines[0]!.replace(/^\uFEFF/, ''));
  const n = lines.length - 1;
  if (n < 2)
    throw new CalibrationInputError(
      file,
      lines.length + 1,
      1,
      'at least two samples after the header',
      n === 0 ? 'no samples' : 'one sample',
    );
  const tMs = new Float64Array(n);
  const mA = new Float64Array(n);
  const volts = L.voltage === null ? null : new Float64Array(n);
  const hasDigital = L.dString !== null || L.dCols !== null;
  const digital = hasDigital ? new Uint8Array(n) : null;
  const valid = hasDigital ? new Uint8Array(n) : null;
  const unit = L.format === 'ppk2' ? ['milliseconds', 'microamperes'] : ['seconds', 'amperes'];
  for (let k = 0; k < n; k++) {
    const lineNo = k + 2;
    const line = lines[k + 1]!;
    const f = fields(line);
    if (f.length !== L.width) {
      const col = f.length > L.width ? f[L.width]!.col - 1 : line.length + 1;
      throw new CalibrationInputError(
        file,
        lineNo,
        col,
        `${L.width} comma-separated columns (as the header)`,
        `${f.length}`,
      );
    }
    const num = (i: number, what: string): number => {
      const x = f[i]!;
      if (!NUM.test(x.text))
        throw new CalibrationInputError(file, lineNo, x.col, `a number (${what})`, shown(x.text));
      return Number(x.text);
    };
    const t = num(L.time, `time in ${unit[0]}`) * L.tScale;
    if (k > 0 && !(t > tMs[k - 1]!))
      throw new CalibrationInputError(
        file,
        lineNo,
        f[L.time]!.col,
        `a time after the previous sample's (${tMs[k - 1]! / L.tScale})`,
        f[L.time]!.text,
      );
    tMs[k] = t;
    mA[k] = num(L.current, `current in ${unit[1]}`) * L.iScale;
    if (volts && L.voltage !== null) volts[k] = num(L.voltage, 'voltage in volts');
    if (digital && valid) {
      let bits = 0;
      let ok = 1;
      const put = (b: number, ch: string, col: number) => {
        const d = DIGIT[ch];
        if (d === undefined)
          throw new CalibrationInputError(
            file,
            lineNo,
            col,
            `a digital state 0, 1, - or X (channel D${b})`,
            shown(ch),
          );
        if (d < 0) ok = 0;
        else bits |= d << b;
      };
      if (L.dCols) L.dCols.forEach((ci, b) => put(b, f[ci]!.text, f[ci]!.col));
      else if (L.dString !== null) {
        const s = f[L.dString]!;
        if (s.text.length !== 8)
          throw new CalibrationInputError(
            file,
            lineNo,
            s.col,
            'an 8-character D0-D7 string (one of 0 1 - X per channel, D0 first)',
            shown(s.text),
          );
        for (let b = 0; b < 8; b++) put(b, s.text[b]!, s.col + b);
      }
      digital[k] = bits;
      valid[k] = ok;
    }
  }
  return { file, format: L.format, tMs, mA, digital, digitalValid: valid, volts };
}
