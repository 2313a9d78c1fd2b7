/**
 * The cursor of `GET /v1/incidents`: the sequence number of the last incident a page held, opaque
 * to clients. Newer incidents get higher numbers, so paging on with it neither skips nor repeats
 * anything however many arrive meanwhile.
 */
export function encodeCursor(sequence: number): string {
  return Buffer.from(String(sequence)).toString('base64url');
}

/** The sequence number a cursor stands for, or null when it is not one this API gave out. */
export function decodeCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9]\d{0,15}$/.test(text)) return null;
  return Number(text);
}
