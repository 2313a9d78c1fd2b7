import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttemptInput, VerdictRecord } from '#warden/contracts';
import { MAX_ATTEMPTS_PER_REQUEST } from '#warden/contracts';
import { humanDuration } from '../../apps/cli/src/output/human-duration.js';
import { WardenHttpError } from '../../apps/cli/src/warden-error.js';
import { banReport, count, verdictSummary, type AttackOutcome } from './ban-report.js';
import { falsePositiveReport, normalUserBans, normalUserLogins, type NormalUserBan } from './false-positives.js';
import type { DemoOptions } from './demo-options.js';
import { demoScenarios, inEventOrder, STORY_MS, type DemoAttempt, type Scenario } from './demo-traffic.js';
import { ProgressLine, type ProgressOutput } from './progress-line.js';
import { WardenClient, type StatusAnswer } from './warden-client.js';

const POLL_INTERVAL_MS = 250;
/** An address no scenario uses: checking it proves the key may read status before any traffic is sent. */
const KEY_CHECK_IP = '192.0.2.1';

/**
 * `npm run demo`: plays the story of `demo-traffic.ts` against a running Warden, waits until each
 * attack's ban shows in `GET /v1/status`, then prints the bans and counts their incidents. Honest
 * about its own traffic: it also asks the status of every normal user's login and reports each ban
 * one of them meets (a false positive). Resolves to whether every attack was banned and no normal
 * user or network was.
 */
export async function runDemo(options: DemoOptions, out: ProgressOutput): Promise<boolean> {
  const client = new WardenClient(options.url, options.apiKey);
  const print = (line = '') => out.write(`${line}\n`);
  const progress = new ProgressLine(out);
  await client.ready();
  await client.status({ ip: KEY_CHECK_IP });

  const end = Date.now();
  const scenarios = demoScenarios(end);
  const attacks = scenarios.filter((scenario) => scenario.expected !== null);
  const story = inEventOrder(scenarios);
  const attempts = story.map(toAttemptInput);
  print(`Warden at ${options.url}`);
  print(
    `Playing ${humanDuration(STORY_MS / 1_000)} of login traffic in seconds: ${scenarios.map((scenario) => scenario.name).join(', ')}; ` +
      `${count(attempts.length)} attempts dated ${clock(story[0]!.occurredAt)}–${clock(story.at(-1)!.occurredAt)} UTC.`,
  );

  const verdicts = await submitAll(client, attempts, progress);
  const outcomes = await waitForBans(client, attacks, verdicts ?? [], options.timeoutMs, progress);
  const normal = scenarios.find((scenario) => scenario.expected === null);
  const falsePositives = normal === undefined ? [] : await bannedNormalUsers(client, normal, progress);
  print();
  print('Bans caused (GET /v1/status; Retry-After counts from now):');
  for (const line of banReport(outcomes, options.timeoutMs)) print(line);
  const attackSubjects = new Set(outcomes.flatMap((outcome) => outcome.status?.bans.map((ban) => ban.subject) ?? []));
  const otherBans = [...new Set((verdicts ?? []).flatMap((verdict) => verdict.bans.map((ban) => `${ban.subject}  ${ban.rule}`)))].filter(
    (line) => !attackSubjects.has(line.split('  ')[0]!) && !falsePositives.some((ban) => line.startsWith(`${ban.subject}  `)),
  );
  print(`  normal users${falsePositives.length === 0 ? ': none banned' : ' (FALSE POSITIVES):'}`);
  for (const line of falsePositiveReport(falsePositives)) print(line);
  if (otherBans.length > 0) {
    print('  other bans the traffic caused');
    for (const line of otherBans) print(`    ${line}`);
  }
  print();
  print(
    verdicts
      ? verdictSummary(verdicts)
      : 'Verdicts: some came later than WARDEN_VERDICT_TIMEOUT_MS (504), so the bans above may still be escalating.',
  );
  const sent = new Set(attempts.map((attempt) => attempt.id));
  print(await incidentsLine(client, outcomes, { from: new Date(end - STORY_MS), sent }, options.timeoutMs, progress));

  const missed = outcomes.filter((outcome) => outcome.status === null);
  if (missed.length > 0) {
    print();
    print(
      `${missed.map((outcome) => outcome.scenario.name).join(', ')}: no ban within ${options.timeoutMs / 1_000} s. ` +
        'Does WARDEN_POLICY change the default policy, or is the engine behind (GET /health/ready)? --timeout waits longer.',
    );
  }
  if (falsePositives.length > 0) {
    print();
    print(`${count(new Set(falsePositives.map((ban) => `${ban.account}|${ban.ip}`)).size)} normal users are banned: the policy mistakes them for attackers.`);
  }
  return missed.length === 0 && falsePositives.length === 0;
}

/** Asks the status of each normal user's login (what their gateway would check next) and keeps the bans found. */
async function bannedNormalUsers(client: WardenClient, normal: Scenario, progress: ProgressLine): Promise<NormalUserBan[]> {
  const logins = normalUserLogins(normal);
  const bans: NormalUserBan[] = [];
  for (const [i, login] of logins.entries()) {
    if (i % 50 === 0) progress.update(`Checking the normal users… ${i}/${logins.length}`);
    bans.push(...normalUserBans(login, await client.status({ ip: login.ip, account: login.account })));
  }
  progress.done(`Checked ${count(logins.length)} normal users' logins (GET /v1/status).`);
  return bans;
}

/** Posts the attempts, 1,000 a request, and collects their verdicts (null if any request timed out waiting). */
async function submitAll(client: WardenClient, attempts: readonly AttemptInput[], progress: ProgressLine): Promise<VerdictRecord[] | null> {
  let verdicts: VerdictRecord[] | null = [];
  for (let sent = 0; sent < attempts.length; ) {
    progress.update(`Posting attempts… ${count(sent)}/${count(attempts.length)}`);
    const batch = attempts.slice(sent, sent + MAX_ATTEMPTS_PER_REQUEST);
    const decided = await client.submit(batch);
    if (decided === null) verdicts = null;
    else verdicts?.push(...decided);
    sent += batch.length;
  }
  progress.done(`Posted ${count(attempts.length)} attempts (POST /v1/attempts?wait=verdict).`);
  return verdicts;
}

/** The attempt as a gateway reports it, with an id of its own: incidents name the attempts that caused them. */
function toAttemptInput(attempt: DemoAttempt): AttemptInput & { readonly id: string } {
  return { id: randomUUID(), ...attempt, occurredAt: new Date(attempt.occurredAt).toISOString(), endpoint: '/login' };
}

/**
 * Polls each attack's status until its rule's ban shows, at the level the verdicts reached (so
 * the report shows the bans as the engine left them, not halfway), or until the timeout.
 */
async function waitForBans(
  client: WardenClient,
  attacks: readonly Scenario[],
  verdicts: readonly VerdictRecord[],
  timeoutMs: number,
  progress: ProgressLine,
): Promise<AttackOutcome[]> {
  const decidedLevel = new Map<string, number>();
  for (const ban of verdicts.flatMap((verdict) => verdict.bans)) {
    decidedLevel.set(ban.subject, Math.max(ban.level, decidedLevel.get(ban.subject) ?? 0));
  }
  const settled = (status: StatusAnswer, rule: string) =>
    status.bans.some((ban) => ban.rule === rule) && status.bans.every((ban) => ban.level >= (decidedLevel.get(ban.subject) ?? 0));

  const found = new Map<Scenario, StatusAnswer>();
  const started = Date.now();
  for (;;) {
    for (const attack of attacks.filter((each) => !found.has(each))) {
      const status = await client.status(attack.expected!.probe);
      if (settled(status, attack.expected!.rule)) found.set(attack, status);
    }
    const waited = Date.now() - started;
    progress.update(`Waiting for Warden's decisions… ${found.size}/${attacks.length} attacks banned (${(waited / 1_000).toFixed(1)} s)`);
    if (found.size === attacks.length || waited > timeoutMs) break;
    await sleep(POLL_INTERVAL_MS);
  }
  progress.done(`${found.size} of ${attacks.length} attacks banned after ${((Date.now() - started) / 1_000).toFixed(1)} s.`);
  return attacks.map((scenario) => ({ scenario, status: found.get(scenario) ?? null }));
}

/**
 * Counts the incidents this run's attempts caused on the bans shown (a run shortly before may have
 * left some of the same subjects), once the audit log holds the one of each ban's current level:
 * the audit consumer may lag the engine a little.
 */
async function incidentsLine(
  client: WardenClient,
  outcomes: readonly AttackOutcome[],
  run: { readonly from: Date; readonly sent: ReadonlySet<string> },
  timeoutMs: number,
  progress: ProgressLine,
): Promise<string> {
  const bans = outcomes.flatMap((outcome) => outcome.status?.bans ?? []);
  const deadline = Date.now() + timeoutMs;
  let total = 0;
  try {
    for (const [i, ban] of bans.entries()) {
      progress.update(`Reading incidents… ${i}/${bans.length} bans`);
      for (;;) {
        const incidents = await client.incidents(ban.subject, run.from);
        const recorded = incidents.some((incident) => incident.rule === ban.rule && incident.level === ban.level);
        if (recorded || Date.now() > deadline) {
          total += incidents.filter((incident) => incident.attemptIds.some((id) => run.sent.has(id))).length;
          break;
        }
        await sleep(POLL_INTERVAL_MS);
      }
    }
  } catch (error) {
    if (!(error instanceof WardenHttpError)) throw error;
    progress.done('Could not read the incidents.');
    return `Incidents: not counted. ${error.message}`;
  }
  progress.done(`Read the incidents of ${bans.length} bans.`);
  return (
    `Incidents recorded for these bans: ${total} ` +
    '(GET /v1/incidents?subject=…; ban_imposed, then ban_escalated for each further failure while banned)'
  );
}

function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}
