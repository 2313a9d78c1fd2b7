import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { isTrustedProxy, resolveClientAddress, type Cidr, type ClientAddress } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';

export type { ClientAddress } from '#warden/ban-policy';

/**
 * Resolves the client of a request with `WARDEN_TRUSTED_PROXIES`: the peer, or the rightmost
 * untrusted address a trusted proxy forwarded. The rule itself is the policy library's
 * `resolveClientAddress`, which the gateway library (`libs/client`) uses too.
 */
@Injectable()
export class ClientAddressResolver {
  private readonly trusted: readonly Cidr[];

  constructor(@Inject(WARDEN_CONFIG) config: Pick<WardenConfig, 'trustedProxies'>) {
    this.trusted = config.trustedProxies;
  }

  isTrusted(ip: string): boolean {
    return isTrustedProxy(ip, this.trusted);
  }

  resolve(peer: string | undefined, headers: IncomingHttpHeaders): ClientAddress {
    return resolveClientAddress(peer, headers, this.trusted);
  }
}
