import { checkAddressOf, type CheckAddress, type Policy, type RangePrefixes } from '#warden/ban-policy';
import { SubjectLookup } from './decision-cache.js';

/** What `check` keeps of an address: its subjects (the policy library's), and their bans as last looked up. */
export interface MemoizedAddress {
  readonly address: CheckAddress;
  /** Undefined for an address not kept (yet). */
  readonly lookup: SubjectLookup | undefined;
}

/**
 * The subjects of the addresses `check` is asked about again and again, by the text it was given:
 * parsing an address and printing its subject strings cost more than the rest of a check, and
 * looking them up in a map of a million bans costs more than looking up the address here.
 *
 * At most `capacity` addresses, all dropped at once when it is full (addresses still asked come
 * back within two checks): a hit is one Map lookup, a miss one more, with no list to update. An
 * address is kept from its second miss on, as a table of hashes (no strings, nothing for the
 * garbage collector) remembers: a flood of addresses each asked once (a spread attack) would
 * otherwise fill it with subjects never asked again, and keeping those costs the garbage
 * collector more than forming them.
 */
export class AddressMemo {
  private readonly kept = new Map<string, MemoizedAddress>();
  private readonly missed: Uint32Array;

  constructor(
    private readonly policy: Policy,
    private readonly capacity: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError('the address cache needs a capacity of at least 1');
    this.missed = new Uint32Array(2 ** Math.ceil(Math.log2(Math.max(capacity, 1_024))));
  }

  get size(): number {
    return this.kept.size;
  }

  /**
   * The subjects of `ip` for the range lengths in force (`rangePrefixes`: formed again when those
   * change). Throws InvalidIpAddressError for an address that does not parse (not kept).
   */
  of(ip: string, rangePrefixes: RangePrefixes): MemoizedAddress {
    const known = this.kept.get(ip);
    if (known !== undefined && known.address.rangePrefixes === rangePrefixes) return known;
    const address = checkAddressOf(ip, this.policy, rangePrefixes);
    // One held with other lengths is formed again in its place; a new one is kept on its second miss.
    if (known === undefined && !this.missedBefore(ip)) return { address, lookup: undefined };
    if (known === undefined && this.kept.size >= this.capacity) this.kept.clear();
    const kept = { address, lookup: new SubjectLookup(address.keys) };
    this.kept.set(ip, kept);
    return kept;
  }

  /**
   * Whether `ip` missed lately: its hash in either of its two slots (two, so that two addresses
   * sharing one slot do not keep wiping each other out). Marks it as missed now.
   */
  private missedBefore(ip: string): boolean {
    const hash = textHash(ip);
    const mask = this.missed.length - 1;
    const first = hash & mask;
    const second = Math.imul(hash, 0x9e3779b1) >>> 16 & mask;
    if (this.missed[first] === hash || this.missed[second] === hash) return true;
    this.missed[first] = hash;
    this.missed[second] = hash;
    return false;
  }
}

/** FNV-1a over the UTF-16 code units (addresses differ in their last characters, which it spreads). */
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
