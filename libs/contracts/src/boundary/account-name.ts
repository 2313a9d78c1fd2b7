/**
 * Account names are compared after trimming and case folding, so `Alice`, ` alice ` and `ALICE`
 * are one account. Upper-casing before lower-casing folds the cases a plain `toLowerCase` misses
 * (`ß` → `ss`, `ς` → `σ`); NFC makes composed and decomposed accents equal.
 * Returns null for a missing or blank name.
 */
export function normalizeAccount(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  if (isNormalAscii(name)) return name;
  const trimmed = name.trim();
  if (trimmed === '') return null;
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(trimmed)) return trimmed.toLowerCase();
  // toLowerCase writes a word-final sigma as `ς`; case folding has one sigma.
  return trimmed.normalize('NFC').toUpperCase().toLowerCase().replace(/ς/g, 'σ');
}

/** Printable ASCII without upper case, nor a space at either end: already normal (most names; no new string then). */
function isNormalAscii(name: string): boolean {
  const last = name.length - 1;
  if (last < 0) return false;
  for (let i = 0; i <= last; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || (code >= 0x41 && code <= 0x5a) || (code === 0x20 && (i === 0 || i === last))) return false;
  }
  return true;
}
