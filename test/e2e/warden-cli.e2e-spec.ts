import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_POLICY } from '#warden/ban-policy';
import { spawnApp, waitUntilReady } from '../harness/app-process.js';
import { embeddedServer, keptApiKey, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';
import { runProgram, type ProgramOutput } from '../harness/run-program.js';
import { eventually, waitFor } from '../harness/wait-for.js';

/**
 * `warden`, the built CLI (`dist/apps/cli/src/main.js`, run by its shebang as `npx warden` runs it),
 * against a running embedded Warden: every command, its exit codes, its --json output.
 */
const BIN = join(process.cwd(), 'dist/apps/cli/src/main.js');

/** Runs the CLI to its end. It finds Warden and its key as a user's shell would: WARDEN_URL and the data folder's key file. */
function warden(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProgramOutput> {
  return runProgram(BIN, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env });
}

/** A run that must succeed; its stdout parsed as JSON. */
async function wardenJson<T>(args: readonly string[], env: NodeJS.ProcessEnv): Promise<T> {
  const run = await warden([...args, '--json'], env);
  if (run.code !== 0) throw new Error(`warden ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}

const ESCAPE = '\u001b[';
const SUBJECT = 'account-ip:alice|203.0.113.7';

describe('warden, the CLI', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  // Open to the `postgres` user (as a clone is): the embedded cluster then stays in the data folder, where the test reaches its table.
  chmodSync(workDir, 0o755);
  const dataDir = join(workDir, 'data');
  let running: WardenProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    running = await startEmbeddedWarden(dataDir);
    env = { WARDEN_URL: running.url, WARDEN_DATA_DIR: dataDir };
    // A brute force on one account: the fifth failure bans account-ip:alice|203.0.113.7.
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${running.url}/v1/attempts?wait=verdict`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keptApiKey(dataDir)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'failure', ip: '203.0.113.7', account: 'alice' }),
      });
      expect(response.status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    running?.process.child.kill('SIGTERM');
    await running?.process.exited();
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('usage', () => {
    it.each([
      [[]],
      [['bans']],
      [['bans', 'list']],
      [['bans', 'show']],
      [['bans', 'ban']],
      [['bans', 'unban']],
      [['explain']],
      [['incidents']],
      [['incidents', 'search']],
      [['incidents', 'tail']],
      [['export']],
      [['audit']],
      [['audit', 'verify']],
      [['policy']],
      [['policy', 'check']],
    ])('%j --help explains the command and exits 0', async (path) => {
      const run = await warden([...path, '--help']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`Usage: warden${path.map((word) => ` ${word}`).join('')}`);
      expect(run.stdout).toContain('--json');
    });

    it.each([
      [[], /Usage: warden/],
      [['bans'], /Usage: warden bans/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['bans', 'list', '--state', 'forever'], /Allowed choices are active, lifted, expired/],
      [['bans', 'ban', '--ip', '192.0.2.1', '--reason', 'test'], /required option '--for <duration>' not specified/],
      [['bans', 'ban', '--ip', '192.0.2.1', '--for', 'soon', '--reason', 'test'], /"soon" is not a duration/],
      [['bans', 'ban', '--for', '10m', '--reason', 'test'], /give one of --ip, --account or --range/],
      [['bans', 'ban', '--ip', '192.0.2.1', '--account', 'bob', '--for', '10m', '--reason', 'test'], /cannot be used with option '--account/],
      [['bans', 'unban', 'ip:192.0.2.1'], /required option '--reason <text>'/],
      [['explain'], /missing required argument 'subject'/],
      [['explain', 'ip:192.0.2.1', 'ip:192.0.2.2'], /too many arguments/],
      [['incidents', 'search', '--since', 'yesterday'], /neither a duration back from now/],
      [['incidents', 'search', '--type', 'lunch'], /Allowed choices are ban_imposed/],
      [['export', '--format', 'xml'], /Allowed choices are csv, ndjson/],
      [['policy', 'check'], /missing required argument 'file'/],
    ])('%j is a usage error: exit 2, nothing sent', async (args, message) => {
      // No Warden at this URL: a usage error must stop before any request.
      const run = await warden(args, { WARDEN_URL: 'http://127.0.0.1:9', WARDEN_API_KEY: 'unused-key' });
      expect(run.code).toBe(2);
      expect(run.stdout + run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('Cannot reach Warden');
    });
  });

  it('explains a ban from its key file, as a table and as JSON', async () => {
    const explanation = await waitFor('the ban to be explained', async () => {
      const run = await warden(['explain', SUBJECT, '--json'], env);
      return run.code === 0 ? (JSON.parse(run.stdout) as { status: string; rule: string; level: number; history: { type: string }[]; attemptIds: string[] }) : undefined;
    });
    expect(explanation).toMatchObject({ subject: SUBJECT, status: 'active', rule: 'account-ip-failures', level: 1, policyVersion: DEFAULT_POLICY.version });
    expect(explanation.attemptIds).toHaveLength(5);
    expect(explanation.history.map((change) => change.type)).toEqual(['ban_imposed']);

    const human = await warden(['explain', SUBJECT], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^account-ip:alice\|203\.0\.113\.7 {2}active {2}invisible \(401\)$/m);
    expect(human.stdout).toMatch(/rule +account-ip-failures, level 1/);
    expect(human.stdout).toMatch(/attempts +5: [0-9a-f-]{36}, /);
    expect(human.stdout).toMatch(/^AT +CHANGE +RULE +LEVEL +UNTIL +ACTOR +ATTEMPTS +REASON$/m);
    expect(human.stdout).toMatch(/ban_imposed +account-ip-failures +1 .* policy +5/);
    // Piped, not a terminal: no colour.
    expect(human.stdout).not.toContain(ESCAPE);
  });

  it('exits 1 with the reason when Warden refuses the request', async () => {
    const wrongKey = await warden(['explain', SUBJECT, '--key', 'not-the-key-123'], env);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^warden: Warden refused the API key \(401/);
    const unknown = await warden(['explain', 'ip:192.0.2.200'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^warden: Warden could not explain a ban: 404/);
    const unreachable = await warden(['audit', 'verify'], { ...env, WARDEN_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach Warden at http:\/\/127\.0\.0\.1:9/);
    const noKey = await warden(['audit', 'verify'], { WARDEN_URL: running.url, WARDEN_DATA_DIR: join(workDir, 'nowhere') });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/No API key: --key and WARDEN_API_KEY are not set, and .*nowhere\/api-key cannot be read \(ENOENT\)/);
  });

  it('searches incidents by subject, type and time', async () => {
    const found = await waitFor('the incident to be recorded', async () => {
      const items = await wardenJson<{ type: string; subject: string }[]>(['incidents', 'search', '--subject', SUBJECT, '--since', '1h'], env);
      return items.length > 0 ? items : undefined;
    });
    expect(found).toEqual([expect.objectContaining({ type: 'ban_imposed', subject: SUBJECT, rule: 'account-ip-failures' })]);
    expect(await wardenJson(['incidents', 'search', '--type', 'manual_unban'], env)).toEqual([]);
    expect(await wardenJson(['incidents', 'search', '--subject', SUBJECT, '--until', '1h'], env)).toEqual([]);

    const human = await warden(['incidents', 'search', '--subject', SUBJECT], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^AT +TYPE +SEVERITY +SUBJECT +RULE +LEVEL +UNTIL +ACTOR +REASON$/m);
    expect(human.stdout).toMatch(/ban_imposed +\w+ +account-ip:alice\|203\.0\.113\.7 +account-ip-failures +1 /);
  });

  it('bans by hand, shows the ban live in a tail, in the list, then unbans it', async () => {
    const tail = startTail(env);
    const tailedIncidents = tail.incidents;
    try {

      // Its first look, the latest incident (the brute force's ban): from there on it follows.
      await waitFor('the tail to start', () => (tailedIncidents().length > 0 ? true : undefined));
      expect(tailedIncidents()).toEqual([expect.objectContaining({ type: 'ban_imposed', subject: SUBJECT })]);
      const accepted = await wardenJson<{ id: string; subject: string }>(['bans', 'ban', '--ip', '198.51.100.9', '--for', '10m', '--reason', 'seen in the phishing report'], env);
      expect(accepted).toEqual({ id: expect.any(String), subject: 'ip:198.51.100.9' });
      await waitFor('the tail to show the manual ban', () =>
        tailedIncidents().find((incident) => incident.type === 'manual_ban' && incident.subject === 'ip:198.51.100.9') ?? undefined,
      );

      await eventually(async () => {
        const listed = await wardenJson<{ subject: string; rule: string; actor: string | null; retryAfter: number }[]>(['bans', 'list', '--rule', 'manual'], env);
        expect(listed).toEqual([expect.objectContaining({ subject: 'ip:198.51.100.9', rule: 'manual', state: 'active', actor: 'local' })]);
      });
      const shown = await wardenJson<{ subject: string; retryAfter: number }>(['bans', 'show', 'ip:198.51.100.9'], env);
      expect(shown).toMatchObject({ subject: 'ip:198.51.100.9', rule: 'manual', scope: 'ip' });
      expect(shown.retryAfter).toBeGreaterThan(500);
      const table = await warden(['bans', 'list', '--scope', 'ip'], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^SUBJECT +RULE +LEVEL +STATE +SINCE +UNTIL +RETRY-AFTER +ANSWER +ACTOR$/m);
      expect(table.stdout).toMatch(/^ip:198\.51\.100\.9 +manual +1 +active .* (9|10) min .* local$/m);
      expect(table.stdout).not.toContain(SUBJECT);
      expect((await wardenJson<unknown[]>(['bans', 'list', '--q', '203.0.113.'], env)).length).toBe(1);

      const unban = await warden(['bans', 'unban', 'ip:198.51.100.9', '--reason', 'false positive'], env);
      expect(unban.code).toBe(0);
      expect(unban.stdout).toMatch(/^Unban of ip:198\.51\.100\.9 requested \(command [0-9a-f-]{36}\)/);
      await waitFor('the tail to show the unban', () =>
        tailedIncidents().find((incident) => incident.type === 'manual_unban' && incident.reason === 'false positive') ?? undefined,
      );
      await eventually(async () => {
        const gone = await warden(['bans', 'show', 'ip:198.51.100.9'], env);
        expect(gone.code).toBe(1);
        expect(gone.stderr).toMatch(/ip:198\.51\.100\.9 has no active ban/);
      });
      expect(await wardenJson(['bans', 'show', 'ip:198.51.100.9', '--state', 'lifted'], env)).toMatchObject({ state: 'lifted' });
      // Each incident once, oldest first.
      expect(tailedIncidents().map((incident) => incident.type)).toEqual(['ban_imposed', 'manual_ban', 'manual_unban']);
    } finally {
      await stop(tail.child);
    }
  });

  it('exports the incidents as NDJSON and as CSV', async () => {
    const ndjson = await warden(['export', '--format', 'ndjson', '--since', '1h'], env);
    expect(ndjson.code).toBe(0);
    const lines = ndjson.stdout.trim().split('\n').map((line) => JSON.parse(line) as { sequence: number; subject: string });
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.map((line) => line.sequence)).toEqual([...lines.map((line) => line.sequence)].sort((a, b) => a - b));
    expect(lines.map((line) => line.subject)).toContain(SUBJECT);
    const csv = await warden(['export', '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split(/\r?\n/);
    expect(header!.split(',')).toEqual(expect.arrayContaining(['sequence', 'type', 'subject', 'hash']));
    expect(rows).toHaveLength(lines.length);
    expect(await warden(['export', '--since', '1h', '--until', '2h'], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/from must be before to/) });
  });

  it('verifies the audit chain: exit 0 while intact, exit 1 once a row is altered in the database', async () => {
    const intact = await wardenJson<{ ok: boolean; checked: number }>(['audit', 'verify'], env);
    expect(intact.ok).toBe(true);
    expect(intact.checked).toBeGreaterThanOrEqual(1);
    const human = await warden(['audit', 'verify'], env);
    expect(human).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Audit log intact: \d+ entries checked\./) });

    const database = new pg.Client({ connectionString: embeddedServer(dataDir).url });
    await database.connect();
    let tamperedId: string;
    try {
      // The append-only trigger guards against mistakes; the table's owner can step around it, as an intruder could.
      await database.query('SET session_replication_role = replica');
      const { rows } = await database.query<{ id: string }>(`UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 1 RETURNING id`);
      tamperedId = rows[0]!.id;
    } finally {
      await database.end();
    }

    const broken = await warden(['audit', 'verify', '--json'], env);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBrokenId: tamperedId });
    const brokenHuman = await warden(['audit', 'verify'], env);
    expect(brokenHuman.code).toBe(1);
    expect(brokenHuman.stdout).toMatch(new RegExp(`^Audit log BROKEN at entry ${tamperedId}`));
    expect(brokenHuman.stderr).toMatch(/^warden: the audit chain is broken/);
  });

  describe('policy check, offline', () => {
    const file = (name: string, text: string) => {
      const path = join(workDir, name);
      writeFileSync(path, text);
      return path;
    };
    // No Warden at all: the check is the library's, not a request.
    const offline = { WARDEN_URL: 'http://127.0.0.1:9' };

    it('passes a valid file and prints what differs from the default', async () => {
      const path = file(
        'policy.yaml',
        'rules:\n  ip-total: { threshold: 500 }\n  ip-failures: { mode: simulate }\n  range-failures: { mode: off }\nallowlist:\n  cidrs: [10.0.0.0/8]\n',
      );
      const checked = await wardenJson<{ ok: boolean; version: string; differences: unknown[] }>(['policy', 'check', path], offline);
      expect(checked.ok).toBe(true);
      expect(checked.version).not.toBe(DEFAULT_POLICY.version);
      expect(checked.differences).toEqual([
        { path: 'rules.ip-total.threshold', default: 300, file: 500 },
        { path: 'rules.ip-failures.mode', default: 'enforce', file: 'simulate' },
        { path: 'rules.range-failures.mode', default: 'enforce', file: 'off' },
        { path: 'allowlist.cidrs', default: [], file: ['10.0.0.0/8'] },
      ]);
      const human = await warden(['policy', 'check', path], offline);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(`Valid policy ${path}`);
      expect(human.stdout).toContain('rules.ip-total.threshold: 300 → 500');
      expect(human.stdout).toContain('rules.range-failures.mode: "enforce" → "off"');

      const same = await warden(['policy', 'check', file('empty.json', '{}')], offline);
      expect(same).toMatchObject({ code: 0, stdout: expect.stringContaining('It is the default policy.') });
    });

    it.each([
      ['bad.yaml', 'rules:\n  ip-total: { threshold: -3 }\n', 'rules.ip-total.threshold: must be a positive integer'],
      ['new-rule.json', '{"rules": {"sweep": {"counts": "failures"}}}', 'rules.sweep.subject: is required'],
      ['broken.json', '{"rules": ', '(policy): not valid JSON'],
      ['policy.toml', 'rules = 1', 'must end in .json, .yaml or .yml'],
    ])('refuses %s with exit 1 and the field at fault', async (name, text, error) => {
      const path = file(name, text);
      const run = await warden(['policy', 'check', path], offline);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(error);
      expect(run.stderr).toMatch(/Warden would refuse to start with it/);
      const json = await warden(['policy', 'check', path, '--json'], offline);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.stringContaining(error)]) });
    });
  });

  it('backtests a candidate policy on the recorded attempts, and names the bad field of a bad one', async () => {
    const stricter = join(workDir, 'stricter.yaml');
    writeFileSync(stricter, 'rules:\n  account-ip-failures: { threshold: 3 }\n');
    // The brute force of the start, replayed: the third failure now bans, so its fourth is refused too.
    const report = await waitFor('the recorded attempts', async () => {
      const candidate = await wardenJson<{ attempts: number; diff: { answeredDifferently: { count: number; byChange: Record<string, number> } } }>(['backtest', '--policy', stricter], env);
      return candidate.attempts >= 5 ? candidate : undefined;
    });
    expect(report.diff.answeredDifferently.count).toBeGreaterThanOrEqual(2);
    expect(report.diff.answeredDifferently.byChange).toMatchObject({ 'allow→429': 1, 'allow→401': 1 });
    const human = await warden(['backtest', '--policy', stricter], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\d+ attempts replayed/m);
    expect(human.stdout).toMatch(/^Attempts answered differently: \d+$/m);

    const bad = join(workDir, 'bad-candidate.json');
    writeFileSync(bad, JSON.stringify({ rules: { 'ip-total': { threshold: -1 } } }));
    const refused = await warden(['backtest', '--policy', bad], env);
    expect(refused.code).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toContain('rules.ip-total.threshold');
  });

  it('colours its output on a terminal only', async () => {
    // `script` gives the CLI a pseudo-terminal as stdout.
    const path = join(workDir, 'colour.json');
    writeFileSync(path, '{"rules": {"ip-total": {}}}');
    const onTerminal = (await runProgram('script', ['-qec', `${BIN} policy check ${path}`, '/dev/null'], { PATH: process.env.PATH, TERM: 'xterm' })).stdout;
    expect(onTerminal).toContain(`${ESCAPE}32mValid policy`);
    const piped = await warden(['policy', 'check', path]);
    expect(piped.stdout).toMatch(/^Valid policy/);
    expect(piped.stdout).not.toContain(ESCAPE);
  });

  it('tail waits out a restart of Warden and follows on from where it was', async () => {
    const tail = startTail(env);
    const tailedSubjects = () => tail.incidents().map((incident) => incident.subject);
    try {

      await waitFor('the tail to start', () => (tailedSubjects().length > 0 ? true : undefined));
      const before = tailedSubjects();
      // The same port again, so the tail's WARDEN_URL still names it.
      running.process.child.kill('SIGTERM');
      await running.process.exited();
      await waitFor('the tail to notice', () => (tail.warnings().includes('Cannot reach Warden') ? true : undefined));
      const restarted = spawnApp('warden', { PATH: process.env.PATH, HOME: process.env.HOME, WARDEN_LOG_LEVEL: 'warn', WARDEN_DATA_DIR: dataDir, PORT: new URL(running.url).port, HOST: '127.0.0.1' });
      running = { process: restarted, url: running.url };
      await waitUntilReady(restarted, running.url);

      await wardenJson(['bans', 'ban', '--account', 'mallory', '--for', '1h', '--reason', 'after the restart'], env);
      await waitFor('the tail to show the ban made after the restart', () => (tailedSubjects().includes('account:mallory') ? true : undefined));
      expect(tail.warnings()).toContain('Warden answers again; following.');
      expect(tailedSubjects()).toEqual([...before, 'account:mallory']);
      expect(tail.child.exitCode).toBeNull();
    } finally {
      await stop(tail.child);
    }
  });
});

interface TailedIncident {
  readonly type: string;
  readonly subject: string;
  readonly reason: string | null;
}

/** `warden incidents tail --json`, running: the incidents it printed so far, and its warnings. */
function startTail(env: NodeJS.ProcessEnv) {
  const child = spawn(BIN, ['incidents', 'tail', '--lines', '1', '--interval', '100', '--json'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    child,
    incidents: () => stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TailedIncident),
    warnings: () => stderr,
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
