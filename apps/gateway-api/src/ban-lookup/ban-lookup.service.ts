import { Inject, Injectable } from '@nestjs/common';
import { checkSubjects, type BanStatus } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import type { ClientAddress } from '#warden/http-kit';
import { DecisionView } from '../decision-view/decision-view.js';
import type { BanQuery } from './ban-query.js';

/**
 * Answers "which bans apply?" for `check` and `status`, from the in-memory view only. The
 * subjects are the policy library's (`checkSubjects`), and so is the answer (`banStatus`: the
 * longest ban wins, 429 if any applicable ban is visible, else 401). When a trusted proxy forwarded
 * the client's address, that address is checked as well, whatever `ip` says (DESIGN §5).
 */
@Injectable()
export class BanLookupService {
  constructor(
    @Inject(DecisionView) private readonly view: DecisionView,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  statusOf(query: BanQuery, client: ClientAddress | undefined, at: number): BanStatus {
    const { policy } = this.config;
    const ip = query.ip ?? client?.ip;
    if (ip === undefined) return this.view.status([], at);
    const values = { account: query.account, credentialFingerprint: query.credentialFingerprint };
    // Manual range bans may name any length (`range:10.0.0.0/8`): the view says which are in force.
    const ranges = this.view.rangePrefixes();
    const subjects = checkSubjects({ ip, ...values }, policy, ranges);
    if (client?.forwarded && client.ip !== ip) {
      for (const subject of checkSubjects({ ip: client.ip, ...values }, policy, ranges)) if (!subjects.includes(subject)) subjects.push(subject);
    }
    return this.view.status(subjects, at);
  }
}
