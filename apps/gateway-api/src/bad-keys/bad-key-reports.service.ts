import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { INCIDENT_SCHEMA_VERSION, Topic, type IncidentRecord } from '#warden/contracts';
import { ApiKeyAuthenticator, type BadKeyReports, type ThrottledClient } from '#warden/http-kit';
import { MessageBus } from '#warden/kafka';
import { SubmitAttemptsService } from '../attempts/submit-attempts/submit-attempts.service.js';
import { DecisionView } from '../decision-view/decision-view.js';

/** The internal tenant (and account) bad keys are reported as: Warden's own API is a login like any other. */
export const WARDEN_API_TENANT = 'warden-api';

/**
 * Makes API-key guessing visible and its ban hold across gateway instances (issue 13 item 12).
 *
 * Design: every bad key is reported through Warden's own pipeline as a failed login attempt of the
 * internal tenant `warden-api`, account `warden-api`, from the client's address. The engine then
 * judges it by the running policy like any login: with the defaults, 5 bad keys in a row within
 * 2 min ban `account-ip:warden-api|<ip>` (account-ip-failures), and 20 within 10 min ban `ip:<ip>`
 * itself (ip-failures: DESIGN §5, "repeated bad keys from one IP get that IP banned by Warden's own
 * policy", so that address's logins are refused too). Those bans reach every instance's decision
 * view through `auth.ban-decisions`, and the authenticator refuses an address while
 * `account-ip:warden-api|<ip>` is banned there — only that subject: a login ban of `ip:<ip>` must
 * not turn a trusted proxy's check for that client into a 429 that reveals an invisible ban.
 * The local throttle (10 a minute) still answers at once and without the pipeline; when it starts
 * refusing an address, a `client_throttled` incident goes to `auth.incidents` for the audit log.
 */
@Injectable()
export class BadKeyReportsService implements BadKeyReports, OnModuleInit {
  private readonly logger = new Logger('api-keys');

  constructor(
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
    @Inject(SubmitAttemptsService) private readonly attempts: SubmitAttemptsService,
    @Inject(DecisionView) private readonly view: DecisionView,
    @Inject(MessageBus) private readonly bus: MessageBus,
  ) {}

  onModuleInit(): void {
    this.authenticator.useReports(this);
  }

  badKey(ip: string, at: number): void {
    const attempt = { outcome: 'failure' as const, ip, account: WARDEN_API_TENANT, tenant: WARDEN_API_TENANT, occurredAt: new Date(at).toISOString() };
    this.attempts.submit([attempt], new Date(at)).catch((error: unknown) => this.logger.error({ msg: 'could not report a bad API key', ip, err: String(error) }));
  }

  throttled(client: ThrottledClient): void {
    const incident: IncidentRecord = {
      schemaVersion: INCIDENT_SCHEMA_VERSION,
      id: randomUUID(),
      type: 'client_throttled',
      severity: 'medium',
      subject: `ip:${client.ip}`,
      rule: client.rule,
      level: client.level,
      until: new Date(client.until).toISOString(),
      attemptIds: [],
      actor: WARDEN_API_TENANT,
      reason: `${client.badKeys} bad API keys within a minute`,
      at: new Date(client.at).toISOString(),
      simulated: false,
      policyVersion: null,
    };
    this.bus
      .publish(Topic.incidents, [{ key: incident.subject, value: JSON.stringify(incident) }])
      .catch((error: unknown) => this.logger.error({ msg: 'could not record a client_throttled incident', ip: client.ip, err: String(error) }));
  }

  sharedRetryAfter(ip: string, now: number): number {
    const subject = `account-ip:${WARDEN_API_TENANT}|${ip}`;
    // On every authenticated request (the check's hot path too): one map lookup when there is no ban.
    return this.view.activeBan(subject) === undefined ? 0 : this.view.status([subject], now).retryAfter;
  }
}
