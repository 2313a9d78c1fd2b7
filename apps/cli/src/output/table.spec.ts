import { styleText } from 'node:util';
import { styleFor } from './style.js';
import { table } from './table.js';

const rows = [
  { subject: 'ip:203.0.113.7', state: 'active', reason: 'two\nlines' },
  { subject: 'account-ip:alice|203.0.113.7', state: 'lifted', reason: '' },
];
const columns = [
  { header: 'SUBJECT', cell: (row: (typeof rows)[number]) => row.subject },
  { header: 'STATE', cell: (row: (typeof rows)[number]) => row.state, colour: (row: (typeof rows)[number]) => (row.state === 'active' ? ('red' as const) : undefined) },
  { header: 'REASON', cell: (row: (typeof rows)[number]) => row.reason },
];

describe('table', () => {
  it('lines up plain text under the headers, one line per row', () => {
    expect(table(rows, columns, styleFor({ isTTY: false }, {})).split('\n')).toEqual([
      'SUBJECT                       STATE   REASON',
      'ip:203.0.113.7                active  two lines',
      'account-ip:alice|203.0.113.7  lifted',
    ]);
  });

  it('adds colour on a terminal without moving the columns', () => {
    const lines = table(rows, columns, styleFor({ isTTY: true }, {})).split('\n');
    expect(lines[1]).toBe(`ip:203.0.113.7                ${styleText('red', 'active')}  two lines`);
    expect(table(rows, columns, styleFor({ isTTY: true }, { NO_COLOR: '1' }))).not.toContain('\u001b[');
  });
});
