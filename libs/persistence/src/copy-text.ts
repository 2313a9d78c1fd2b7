/** What a value must not hold as it is in COPY's text format: each is written as a backslash and a letter (or a second backslash). */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One row of `COPY … FROM STDIN` in its text format (PostgreSQL's "File Formats", text): the
 * values separated by tabs, a newline at the end, a null as `\N`, and in a value each backslash,
 * tab, newline and carriage return escaped with a backslash. The caller passes values as their
 * columns read them as text (a timestamp as ISO 8601, a uuid as its canonical form).
 */
export function copyTextRow(values: ReadonlyArray<string | null | undefined>): string {
  let row = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) row += '\t';
    if (value === null || value === undefined) row += '\\N';
    // Most values have nothing to escape: the test spares the replace and its new string.
    else row += SPECIAL.test(value) ? value.replace(SPECIALS, (special) => ESCAPED[special]!) : value;
  }
  return `${row}\n`;
}
