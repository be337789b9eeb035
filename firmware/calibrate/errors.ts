/**
 * CalibrationInputError: a malformed bench log or power-analyser file, located to the character
 * (file:line:column, both 1-based) with what was expected there and what was found, so the user
 * can open the file at that spot and fix or re-export it.
 * @module
 */

export class CalibrationInputError extends Error {
  override name = 'CalibrationInputError';
  /** Read by the CLI: the message is for the user as it is. */
  readonly userFacing = true;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly expected: string;
  readonly got: string;
  constructor(file: string, line: number, column: number, expected: string, got: string) {
    super(`${file}:${line}:${column}: expected ${expected}, got ${got}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.expected = expected;
    this.got = got;
  }
}

/** A short, printable rendering of what was found (quoted, truncated, "end of line" when empty). */
export function shown(text: string): string {
  if (text === '') return 'nothing (end of line)';
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
