import { copyTextRow } from './copy-text.js';

describe('copyTextRow: a row of COPY’s text format', () => {
  it('separates the values by tabs, ends the row with a newline and writes a null as \\N', () => {
    expect(copyTextRow(['a', null, 'b', undefined, ''])).toBe('a\t\\N\tb\t\\N\t\n');
  });

  it('escapes the backslash, tab, newline and carriage return inside a value, and nothing else', () => {
    expect(copyTextRow(['C:\\path\tto\nit\r', 'quote " and \' and ünïcode 🔑'])).toBe('C:\\\\path\\tto\\nit\\r\tquote " and \' and ünïcode 🔑\n');
  });

  it('writes a backslash that ends a value so that the next column still begins after it', () => {
    expect(copyTextRow(['ends with \\', 'N'])).toBe('ends with \\\\\tN\n');
  });
});
