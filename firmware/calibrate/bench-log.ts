/**
 * Parser of the KTBENCH/1 line format printed by the benchmark firmware (firmware/bench, spec in
 * firmware/bench/README.md). Lines without the KTBENCH/ tag are ignored (a serial log interleaves
 * ESP-IDF's own messages); every tagged line must be well formed, and the errors name the
 * file, line, column and what was expected there.
 * @module
 */
import { CalibrationInputError, shown } from './errors.ts';
import type { OrderStats } from './stats.ts';

export const BENCH_FORMAT_VERSION = 1;
const TAG = 'KTBENCH/';

/** Header fields the format requires; anything else is kept as extra information. */
export const REQUIRED_HEADER = [
  'format',
  'chip',
  'revision',
  'clock_mhz',
  'counter',
  'compiler',
  'flags',
  'libs',
] as const;

export interface BenchHeader {
  readonly fields: Readonly<Record<string, string>>;
  readonly chip: string;
  readonly clockMHz: number;
  readonly line: number;
}

/** One `op` row: order statistics of n runs, in cycles of the header's clock. */
export interface BenchRow extends OrderStats {
  readonly name: string;
  readonly bytes: number;
  /** Peak stack in bytes, or null where the bench could not measure it (stack=-1). */
  readonly stack: number | null;
  readonly line: number;
  /** The raw samples (cycles) when the log has a `samples` line for this op and size. */
  samples?: readonly number[];
}

export interface BenchMarker {
  readonly id: number;
  readonly kind: 'op' | 'state';
  readonly name: string;
  readonly bytes: number;
  readonly line: number;
}

export interface BenchState {
  readonly id: number;
  readonly name: string;
  readonly ms: number;
  readonly line: number;
}

export interface BenchLog {
  readonly file: string;
  readonly header: BenchHeader;
  readonly rows: readonly BenchRow[];
  readonly markers: readonly BenchMarker[];
  readonly states: readonly BenchState[];
  /** `error` lines: operations that failed on the device (their rows are absent). */
  readonly errors: readonly { readonly name: string; readonly rc: number; readonly line: number }[];
}

interface Token {
  readonly key: string;
  readonly value: string;
  /** 1-based column of the value's first character (after the quote for a quoted value). */
  readonly col: number;
  readonly keyCol: number;
}

/** Splits `key=value key="quoted value"` into tokens with their columns. */
function tokenize(file: string, lineNo: number, text: string, start: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    const m = /^([a-z0-9_]+)=/.exec(text.slice(i));
    if (!m)
      throw new CalibrationInputError(
        file,
        lineNo,
        i + 1,
        'a key=value field (lower-case key)',
        shown(text.slice(i).split(/\s/)[0]!),
      );
    const keyCol = i + 1;
    i += m[0].length;
    let value: string;
    let col = i + 1;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0)
        throw new CalibrationInputError(
          file,
          lineNo,
          text.length + 1,
          `a closing '"' for the value of ${m[1]}`,
          'end of line',
        );
      value = text.slice(i + 1, end);
      col = i + 2;
      i = end + 1;
    } else {
      const end = text.slice(i).search(/[ \t]/);
      value = end < 0 ? text.slice(i) : text.slice(i, i + end);
      i += value.length;
    }
    tokens.push({ key: m[1]!, value, col, keyCol });
  }
  return tokens;
}

class Fields {
  private readonly map = new Map<string, Token>();
  private readonly file: string;
  private readonly lineNo: number;
  private readonly endCol: number;
  constructor(file: string, lineNo: number, endCol: number, tokens: readonly Token[]) {
    this.file = file;
    this.lineNo = lineNo;
    this.endCol = endCol;
    for (const t of tokens) {
      if (this.map.has(t.key))
        throw new CalibrationInputError(
          file,
          lineNo,
          t.keyCol,
          `each field once (${t.key} appears twice)`,
          `a second ${t.key}=`,
        );
      this.map.set(t.key, t);
    }
  }
  all(): Record<string, string> {
    return Object.fromEntries([...this.map].map(([k, t]) => [k, t.value]));
  }
  token(key: string, what: string): Token {
    const t = this.map.get(key);
    if (!t)
      throw new CalibrationInputError(
        this.file,
        this.lineNo,
        this.endCol,
        `field ${key}= (${what})`,
        'end of line',
      );
    return t;
  }
  text(key: string, pattern = /^[A-Za-z0-9_.\-+@]+$/, what = 'a name'): string {
    const t = this.token(key, what);
    if (!pattern.test(t.value))
      throw new CalibrationInputError(
        this.file,
        this.lineNo,
        t.col,
        `${key}= ${what}`,
        shown(t.value),
      );
    return t.value;
  }
  /** A non-negative integer (cycle counts exceed 2^32 but stay far below 2^53). */
  int(key: string, what = 'a non-negative integer', allowMinusOne = false): number {
    const t = this.token(key, what);
    if (allowMinusOne && t.value === '-1') return -1;
    if (!/^\d+$/.test(t.value) || !Number.isSafeInteger(Number(t.value)))
      throw new CalibrationInputError(
        this.file,
        this.lineNo,
        t.col,
        `${key}= ${what}`,
        shown(t.value),
      );
    return Number(t.value);
  }
  num(key: string): number {
    const t = this.token(key, 'a non-negative number');
    const v = Number(t.value);
    if (!/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t.value) || !Number.isFinite(v))
      throw new CalibrationInputError(
        this.file,
        this.lineNo,
        t.col,
        `${key}= a non-negative number`,
        shown(t.value),
      );
    return v;
  }
  col(key: string): number {
    return this.map.get(key)?.col ?? this.endCol;
  }
}

const NAME = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;
const NAME_WHAT =
  'a name such as mlkem768.keygen or lightSleep (letters and digits, dot-separated)';

/**
 * Parses a bench log. `file` is only used in error messages.
 * @throws CalibrationInputError at the first malformed tagged line, or when the header, every row
 *   or the closing `end` line is missing
 */
export function parseBenchLog(text: string, file: string): BenchLog {
  let header: BenchHeader | undefined;
  const rows: BenchRow[] = [];
  const markers: BenchMarker[] = [];
  const states: BenchState[] = [];
  const errors: { name: string; rc: number; line: number }[] = [];
  const samples = new Map<string, { v: number[]; line: number }>();
  let ended: { rows: number; line: number; col: number } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    // A serial monitor may prefix a timestamp or colour codes: the tag may start anywhere.
    const at = raw.indexOf(TAG);
    if (at < 0) return;
    const line = raw.replace(/\s+$/, '');
    const verEnd = line.indexOf(' ', at);
    const version = line.slice(at + TAG.length, verEnd < 0 ? undefined : verEnd);
    if (version !== String(BENCH_FORMAT_VERSION))
      throw new CalibrationInputError(
        file,
        lineNo,
        at + TAG.length + 1,
        `format version ${BENCH_FORMAT_VERSION} (KTBENCH/${BENCH_FORMAT_VERSION})`,
        shown(version),
      );
    if (verEnd < 0)
      throw new CalibrationInputError(
        file,
        lineNo,
        line.length + 1,
        'a record kind (header, marker, op, samples, state, error, end)',
        'end of line',
      );
    const kindStart = verEnd + 1;
    const kindEnd = line.indexOf(' ', kindStart) < 0 ? line.length : line.indexOf(' ', kindStart);
    const kind = line.slice(kindStart, kindEnd);
    const f = new Fields(file, lineNo, line.length + 1, tokenize(file, lineNo, line, kindEnd));
    if (ended && kind !== 'end')
      throw new CalibrationInputError(
        file,
        lineNo,
        kindStart + 1,
        'nothing after the end line',
        `a ${kind} line`,
      );
    if (kind !== 'header' && !header)
      throw new CalibrationInputError(
        file,
        lineNo,
        kindStart + 1,
        'the header line first',
        `a ${kind} line`,
      );
    switch (kind) {
      case 'header': {
        if (header)
          throw new CalibrationInputError(
            file,
            lineNo,
            kindStart + 1,
            'one header per log',
            `a second header (first on line ${header.line})`,
          );
        for (const k of REQUIRED_HEADER) f.token(k, 'a required header field');
        const format = f.int('format');
        if (format !== BENCH_FORMAT_VERSION)
          throw new CalibrationInputError(
            file,
            lineNo,
            f.col('format'),
            `format=${BENCH_FORMAT_VERSION}`,
            String(format),
          );
        const clockMHz = f.num('clock_mhz');
        if (clockMHz <= 0)
          throw new CalibrationInputError(
            file,
            lineNo,
            f.col('clock_mhz'),
            'clock_mhz= a positive number (MHz)',
            '0',
          );
        header = {
          fields: f.all(),
          chip: f.text('chip', /^\S+$/, 'a chip name'),
          clockMHz,
          line: lineNo,
        };
        return;
      }
      case 'marker': {
        const kindV = f.text('kind', /^(op|state)$/, '"op" or "state"') as 'op' | 'state';
        markers.push({
          id: f.int('id', 'a marker id 0..127'),
          kind: kindV,
          name: f.text('name', NAME, NAME_WHAT),
          bytes: f.int('bytes'),
          line: lineNo,
        });
        if (markers.at(-1)!.id > 127)
          throw new CalibrationInputError(
            file,
            lineNo,
            f.col('id'),
            'id= a marker id 0..127 (7 marker bits)',
            String(markers.at(-1)!.id),
          );
        return;
      }
      case 'samples': {
        const name = f.text('name', NAME, NAME_WHAT);
        const bytes = f.int('bytes');
        const t = f.token('v', 'comma-separated cycle counts');
        const parts = t.value.split(',');
        let col = t.col;
        const v = parts.map((p) => {
          if (!/^\d+$/.test(p))
            throw new CalibrationInputError(
              file,
              lineNo,
              col,
              'a cycle count (non-negative integer)',
              shown(p),
            );
          col += p.length + 1;
          return Number(p);
        });
        samples.set(`${name}/${bytes}`, { v, line: lineNo });
        return;
      }
      case 'op': {
        const row: BenchRow = {
          name: f.text('name', NAME, NAME_WHAT),
          bytes: f.int('bytes'),
          n: f.int('n'),
          min: f.int('min'),
          median: f.int('median'),
          p95: f.int('p95'),
          max: f.int('max'),
          mean: f.num('mean'),
          sd: f.num('sd'),
          stack: f.int('stack', 'bytes of stack, or -1 if not measured', true),
          line: lineNo,
        };
        if (row.n < 1)
          throw new CalibrationInputError(file, lineNo, f.col('n'), 'n= at least 1 run', '0');
        // Order statistics must be ordered: a violation means a corrupted line or a formatter bug.
        const order = ['min', 'median', 'p95', 'max'] as const;
        for (let k = 1; k < order.length; k++) {
          const a = order[k - 1]!;
          const b = order[k]!;
          if (row[a] > row[b])
            throw new CalibrationInputError(
              file,
              lineNo,
              f.col(b),
              `${b}= at least ${a} (${row[a]})`,
              String(row[b]),
            );
        }
        if (row.mean < row.min || row.mean > row.max)
          throw new CalibrationInputError(
            file,
            lineNo,
            f.col('mean'),
            `mean= between min and max (${row.min}..${row.max})`,
            String(row.mean),
          );
        const dup = rows.find((r) => r.name === row.name && r.bytes === row.bytes);
        if (dup)
          throw new CalibrationInputError(
            file,
            lineNo,
            f.col('name'),
            `one row per op and size (${row.name} bytes=${row.bytes} is on line ${dup.line})`,
            'a duplicate',
          );
        rows.push({ ...row, stack: row.stack === -1 ? null : row.stack });
        return;
      }
      case 'state':
        states.push({
          id: f.int('id'),
          name: f.text('name', NAME, NAME_WHAT),
          ms: f.int('ms'),
          line: lineNo,
        });
        return;
      case 'error':
        errors.push({
          name: f.text('name', /^\S+$/, 'a name'),
          rc: Number(f.token('rc', 'the return code').value),
          line: lineNo,
        });
        return;
      case 'end':
        ended = {
          rows: f.int('rows', 'the number of op rows in the log'),
          line: lineNo,
          col: f.col('rows'),
        };
        return;
      default:
        throw new CalibrationInputError(
          file,
          lineNo,
          kindStart + 1,
          'a record kind (header, marker, op, samples, state, error, end)',
          shown(kind),
        );
    }
  });
  const lastLine = lines.length;
  if (!header)
    throw new CalibrationInputError(
      file,
      lastLine,
      1,
      `a "KTBENCH/${BENCH_FORMAT_VERSION} header ..." line`,
      'none in the file (is this a bench log?)',
    );
  if (!ended)
    throw new CalibrationInputError(
      file,
      lastLine,
      1,
      `a closing "KTBENCH/${BENCH_FORMAT_VERSION} end rows=N" line`,
      'end of file (log truncated?)',
    );
  if (ended.rows !== rows.length)
    throw new CalibrationInputError(
      file,
      ended.line,
      ended.col,
      `rows=${rows.length} (the op rows in the log)`,
      `${ended.rows} (rows lost from the log?)`,
    );
  for (const [key, s] of samples) {
    const row = rows.find((r) => `${r.name}/${r.bytes}` === key);
    if (!row) continue; // samples of an op whose row was lost to an error line: nothing to attach to
    if (s.v.length !== row.n)
      throw new CalibrationInputError(
        file,
        s.line,
        1,
        `${row.n} samples (n= of the row on line ${row.line})`,
        String(s.v.length),
      );
    row.samples = s.v;
  }
  return { file, header, rows, markers, states, errors };
}

/** Cycles at the log's clock to milliseconds. */
export function cyclesToMs(log: BenchLog, cycles: number): number {
  return cycles / (log.header.clockMHz * 1e3);
}
