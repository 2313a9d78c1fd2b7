import type { ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { problem, writeProblem, type ClientAddress } from '#warden/http-kit';
import { invalidQueryProblem, parseBanQuery } from '../ban-lookup/ban-query.js';
import { banHeaders } from '../ban-lookup/ban-headers.js';
import { BanLookupService } from '../ban-lookup/ban-lookup.service.js';

const INVISIBLE = problem(401, 'unauthorized', 'Not authorized.');

/**
 * The check's answer (DESIGN §5): 204 allow; 429 with `Retry-After` (and `RateLimit`, see banHeaders) for a
 * visible ban; 401 for an invisible one, which then says no more than a wrong password would.
 * Written straight to the Node response, from memory only.
 */
@Injectable()
export class CheckService {
  constructor(@Inject(BanLookupService) private readonly lookup: BanLookupService) {}

  answer(params: Readonly<Record<string, unknown>>, client: ClientAddress, response: ServerResponse): void {
    const parsed = parseBanQuery(params, { strict: false, ipRequired: false });
    if (!parsed.ok) return writeProblem(response, invalidQueryProblem(parsed.errors));
    const status = this.lookup.statusOf(parsed.query, client, Date.now());
    if (status.gatewayStatus === null) {
      response.writeHead(204);
      response.end();
    } else if (status.gatewayStatus === 429) {
      writeProblem(response, problem(429, 'banned', `Too many attempts; retry in ${status.retryAfter} s.`), banHeaders(status));
    } else {
      writeProblem(response, INVISIBLE);
    }
  }
}
