import fc from 'fast-check';
import { normalizeAccount } from './account-name.js';

/** The rule without the shortcut for names that are already normal: trim, blank is none, fold case. */
function folded(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return null;
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(trimmed)) return trimmed.toLowerCase();
  return trimmed.normalize('NFC').toUpperCase().toLowerCase().replace(/ς/g, 'σ');
}

describe('normalizeAccount', () => {
  it('gives what trimming and case folding give, for names already normal or not', () => {
    const characters = fc.constantFrom('a', 'Z', 'q', '0', '@', '.', ' ', '\t', '\n', '\u00a0', '\u2003', 'ß', 'ς', 'É', 'é', '\u0301', '\x7f', '|');
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 12 }).map((chars) => chars.join('')), (name) => {
        expect(normalizeAccount(name)).toBe(folded(name));
      }),
      { numRuns: 2_000 },
    );
  });

  it('returns an already normal name itself', () => {
    const name = 'user42@example.com';
    expect(normalizeAccount(name)).toBe(name);
    expect(normalizeAccount(null)).toBeNull();
    expect(normalizeAccount('   ')).toBeNull();
  });
});
