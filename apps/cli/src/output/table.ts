import type { Colour, Style } from './style.js';

export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => string;
  readonly colour?: (row: Row) => Colour | undefined;
}

/**
 * Rows lined up under their headers, two spaces apart. Widths are measured before colour is added,
 * so the columns line up on a terminal as in a file.
 */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[], style: Style): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.cell(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (texts: readonly string[], colourOf: (i: number) => Colour | undefined) =>
    texts
      .map((text, i) => style(colourOf(i), i === texts.length - 1 ? text : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.header), () => 'bold'),
    ...cells.map((texts, r) => line(texts, (i) => columns[i]!.colour?.(rows[r]!))),
  ].join('\n');
}

/** A reason typed with line breaks or tabs must not break the table. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
