import { parseCidr, resolveClientAddress, type Cidr, type ForwardingHeaders } from '#warden/ban-policy';
import type { CheckResult } from './check-result.js';
import type { WardenClient } from './warden-client.js';

/** The credentials a login request names, for the account subjects of the check. */
export interface LoginCredentials {
  readonly account?: string | undefined;
  readonly credentialFingerprint?: string | undefined;
}

export interface LoginGateOptions<Request> {
  readonly client: WardenClient;
  /**
   * The proxies in front of this server (CIDRs or addresses, as WARDEN_TRUSTED_PROXIES): from
   * them, the client is the rightmost untrusted address of X-Forwarded-For (else X-Real-IP), as
   * `/v1/check` resolves it. Default none: the client is the peer.
   */
  readonly trustedProxies?: readonly string[];
  /** The account (and credential fingerprint) the request logs in as, e.g. from its body. */
  readonly credentialsOf?: (request: Request) => LoginCredentials | undefined;
}

/** What the gate found for a request: the client's address and the check's answer. */
export interface GateDecision {
  readonly ip: string;
  readonly result: CheckResult;
}

/** The answer to a refused login: status, headers and a problem+json body, as `/v1/check` gives them. */
export interface Refusal {
  readonly status: 429 | 401;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly type: string; readonly title: string; readonly status: number; readonly detail: string };
}

const decisions = new WeakMap<object, GateDecision>();

/** The gate's decision on a request it let through (to report the attempt from the same address). */
export function gateDecisionOf(request: object): GateDecision | undefined {
  return decisions.get(request);
}

/**
 * What the Fastify plugin, the Express middleware and the Nest guard share: the client address
 * resolved with the policy library's trusted-proxy rule, the check, and the refusal to answer.
 */
export class LoginGate<Request extends object> {
  private readonly trusted: readonly Cidr[];

  constructor(private readonly options: LoginGateOptions<Request>) {
    this.trusted = (options.trustedProxies ?? []).map((text) => {
      const cidr = parseCidr(text);
      if (cidr === null) throw new RangeError(`trustedProxies: "${text}" is no CIDR or address`);
      return cidr;
    });
  }

  async decide(request: Request, peer: string | undefined, headers: ForwardingHeaders): Promise<GateDecision> {
    const { ip } = resolveClientAddress(peer, headers, this.trusted);
    const credentials = this.options.credentialsOf?.(request);
    const result = await this.options.client.check({ ip, account: credentials?.account, credentialFingerprint: credentials?.credentialFingerprint });
    const decision = { ip, result };
    decisions.set(request, decision);
    return decision;
  }
}

/** The response to a refused check, or null to let the request through. */
export function refusalOf(result: CheckResult): Refusal | null {
  if (result.gatewayStatus === 429) {
    return {
      status: 429,
      headers: { 'retry-after': String(result.retryAfter), 'content-type': 'application/problem+json' },
      body: { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: `Too many attempts; retry in ${result.retryAfter} s.` },
    };
  }
  if (result.gatewayStatus === 401) {
    return { status: 401, headers: { 'content-type': 'application/problem+json' }, body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Not authorized.' } };
  }
  return null;
}
