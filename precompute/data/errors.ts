/**
 * Errors about an input file that a person has to act on. The command-line tools
 * print `message` alone (no stack trace) and exit non-zero; tests match `kind`.
 */
export type DataErrorKind =
  | 'not-found'
  | 'empty'
  | 'not-hdf5'
  | 'truncated'
  | 'corrupt'
  | 'class-missing'
  | 'unsupported-layout'
  | 'feature-missing'
  | 'non-numeric'
  | 'non-finite'
  | 'no-events'
  | 'unsupported-filter'
  | 'unreadable'
  | 'unwritable'
  | 'same-table';

/** The first line's verb: files that cannot be opened or written say so; every other problem is about using it. */
const HEADING: Partial<Record<DataErrorKind, string>> = { unreadable: 'Cannot read', unwritable: 'Cannot write' };

export class DataError extends Error {
  readonly kind: DataErrorKind;
  readonly file: string;

  constructor(kind: DataErrorKind, file: string, problem: string, details: string[], todo: string) {
    const lines = [`${HEADING[kind] ?? 'Cannot use'} ${file === '' ? '""' : file}: ${problem}`];
    for (const d of details) lines.push(`  ${d}`);
    lines.push(`What to do: ${todo}`);
    super(lines.join('\n'));
    this.name = 'DataError';
    this.kind = kind;
    this.file = file;
  }
}

/** Short list for messages: "a, b, c and 4 more". */
export function listNames(names: readonly string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
