import { csvField } from './incident-csv.js';

describe('CSV fields', () => {
  it.each<[unknown, string]>([
    ['plain', 'plain'],
    [null, ''],
    [3, '3'],
    [false, 'false'],
    [['a', 'b'], 'a b'],
    ['say "hi", then go', '"say ""hi"", then go"'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1', "'+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2', "'-2"],
  ])('writes %j as %s', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});
