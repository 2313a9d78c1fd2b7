/**
 * Small non-cryptographic hashes for deterministic identifiers: the policy version and incident
 * ids. FNV-1a over UTF-16 code units, with a murmur3-style finalizer so that nearby inputs spread.
 * Four seeds give 128 bits, plenty to keep ids of different incidents apart. Not for secrets.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEEDS = [0x00000000, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35] as const;

export function fnv1a32(text: string, seed = 0): number {
  let hash = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return finalize(hash);
}

function finalize(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex8(value: number): string {
  return HEX_BYTE[value >>> 24]! + HEX_BYTE[(value >>> 16) & 0xff]! + HEX_BYTE[(value >>> 8) & 0xff]! + HEX_BYTE[value & 0xff]!;
}

/** 32 lower-case hex digits: four seeded lanes of `fnv1a32`, computed in one pass. */
export function hash128Hex(text: string): string {
  const [h0, h1, h2, h3] = hash128([text]);
  return hex8(h0) + hex8(h1) + hex8(h2) + hex8(h3);
}

/** The character codes of a UUID being written (one buffer: `uuidFromParts` runs for every incident). */
const UUID_CODES = new Array<number>(36).fill(0);
const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const HYPHEN = 0x2d;

/**
 * A UUID (version 8, "custom") whose 122 free bits are a hash of `parts` joined by `|`: same
 * parts, same id. The parts are hashed without being joined, and the text is made in one piece.
 */
export function uuidFromParts(...parts: string[]): string {
  const [h0, h1, h2, h3] = hash128(parts);
  const h1Low = ((h1 & 0xffff) & 0x0fff) | 0x8000;
  const h2High = (((h2 >>> 16) & 0x3fff) | 0x8000) >>> 0;
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx from h0 | h1 high | h1Low | h2High | h2 low, h3.
  writeHex(h0, 8, 0);
  UUID_CODES[8] = HYPHEN;
  writeHex(h1 >>> 16, 4, 9);
  UUID_CODES[13] = HYPHEN;
  writeHex(h1Low, 4, 14);
  UUID_CODES[18] = HYPHEN;
  writeHex(h2High, 4, 19);
  UUID_CODES[23] = HYPHEN;
  writeHex(h2 & 0xffff, 4, 24);
  writeHex(h3, 8, 28);
  return String.fromCharCode.apply(null, UUID_CODES);
}

/** The low `digits` hex digits of `value` into UUID_CODES from `at`, most significant first. */
function writeHex(value: number, digits: number, at: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    UUID_CODES[at + i] = HEX_CODES[value & 0xf]!;
    value >>>= 4;
  }
}

function hash128(parts: readonly string[]): [number, number, number, number] {
  let h0 = (FNV_OFFSET ^ SEEDS[0]) >>> 0;
  let h1 = (FNV_OFFSET ^ SEEDS[1]) >>> 0;
  let h2 = (FNV_OFFSET ^ SEEDS[2]) >>> 0;
  let h3 = (FNV_OFFSET ^ SEEDS[3]) >>> 0;
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p]!;
    for (let i = p === 0 ? 0 : -1; i < text.length; i++) {
      const code = i < 0 ? 0x7c : text.charCodeAt(i);
      h0 = Math.imul(h0 ^ code, FNV_PRIME);
      h1 = Math.imul(h1 ^ code, FNV_PRIME);
      h2 = Math.imul(h2 ^ code, FNV_PRIME);
      h3 = Math.imul(h3 ^ code, FNV_PRIME);
    }
  }
  return [finalize(h0), finalize(h1), finalize(h2), finalize(h3)];
}

/** A short key (about 11 base-36 characters, 53 bits) standing for a longer text in stored state. */
export function shortKey(text: string): string {
  return formatShortKey(shortHash(text));
}

/** 36^5: both parts of a safe integer cut at this power are small integers (below 2^31). */
const BASE36_LOW = 36 ** 5;

/**
 * The text of a short key: `key.toString(36)`, in a tenth of the time. V8 prints a number above
 * 2^31 in another base than 10 digit by digit in floating point (a microsecond for a 53-bit key,
 * and a checkpoint prints every typo key of every changed counter); a small integer it prints
 * fast, so the key is printed as two of them.
 */
export function formatShortKey(key: number): string {
  if (key < BASE36_LOW) return key.toString(36);
  const low = key % BASE36_LOW;
  return ((key - low) / BASE36_LOW).toString(36) + low.toString(36).padStart(5, '0');
}

/**
 * `shortKey` as the number it prints (a safe integer ≥ 0): how the in-memory state keeps it, so
 * that comparing two is one number comparison and no string is made per attempt.
 */
export function shortHash(text: string): number {
  let high = (FNV_OFFSET ^ SEEDS[1]) >>> 0;
  let low = (FNV_OFFSET ^ SEEDS[2]) >>> 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    high = Math.imul(high ^ code, FNV_PRIME);
    low = Math.imul(low ^ code, FNV_PRIME);
  }
  return (finalize(high) & 0x1fffff) * 0x100000000 + finalize(low);
}

/** The number a `shortKey` text stands for (`parseInt` is exact here: every value is below 2^53). */
export function parseShortKey(key: string): number {
  return parseInt(key, 36);
}
