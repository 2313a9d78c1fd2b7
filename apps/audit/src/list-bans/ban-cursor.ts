import type { BanListPosition } from '#warden/persistence';

/**
 * The cursor of `GET /v1/bans`: the (since, subject) of the last ban a page held, opaque to
 * clients. It is a key of the row, not an offset, so new or changed bans do not shift the pages
 * that follow it.
 */
export function encodeBanCursor(position: BanListPosition): string {
  return Buffer.from(JSON.stringify([position.since.getTime(), position.subject])).toString('base64url');
}

/** The position a cursor stands for, or null when it is not one this API gave out. */
export function decodeBanCursor(cursor: string): BanListPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [since, subject] = value as unknown[];
    if (!Number.isSafeInteger(since) || typeof subject !== 'string' || subject.length === 0) return null;
    return { since: new Date(since as number), subject };
  } catch {
    return null;
  }
}
