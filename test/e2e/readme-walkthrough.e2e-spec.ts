import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, loadPolicy } from '#warden/ban-policy';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { runProgram as run } from '../harness/run-program.js';
import { eventually } from '../harness/wait-for.js';

/**
 * The README, as a newcomer meets it: its walkthrough runs as written with bash against a fresh
 * Warden started the way `npm start` starts it (the built warden app, embedded mode: no Kafka, no
 * DATABASE_URL, no WARDEN_API_KEYS), and so does the demo it suggests.
 */
const README = readFileSync('README.md', 'utf8');

/** The fenced ```sh blocks between the README's walkthrough markers, in order. */
function walkthroughBlocks(markdown: string): string[] {
  const start = markdown.indexOf('<!-- walkthrough:start -->');
  const end = markdown.indexOf('<!-- walkthrough:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- walkthrough:start --> … <!-- walkthrough:end --> section');
  return [...markdown.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** `curl -i` output: the last response must have `status`; its headers (lower case) and JSON body. */
function httpJson(output: string, status: number) {
  const [head, ...body] = output.split(/\r?\n\r?\n/);
  const lines = head!.split(/\r?\n/);
  expect(lines[0]).toMatch(new RegExp(`^HTTP/[\\d.]+ ${status} `));
  const headers = new Map(lines.slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { headers, body: JSON.parse(body.join('\n\n')) as unknown };
}

const SUBJECT = 'account-ip:alice|203.0.113.7';

interface Step {
  readonly what: string;
  /** A fragment of the step's commands: the README's blocks and these steps must stay in the same order. */
  readonly runs: string;
  /** Read-only steps run until their output passes: the view and the audit log follow the engine by a moment. */
  readonly readOnly: boolean;
  check(stdout: string): void;
}

const STEPS: Step[] = [
  {
    what: 'five failed logins: the fifth verdict triggers a ban, 429 with Retry-After',
    runs: '/v1/attempts?wait=verdict',
    readOnly: false,
    check(stdout) {
      const verdicts = stdout.trim().split('\n').map((line) => (JSON.parse(line) as { verdicts: Record<string, unknown>[] }).verdicts[0]!);
      expect(verdicts).toHaveLength(5);
      expect(verdicts.slice(0, 4).map((verdict) => verdict.banned)).toEqual([false, false, false, false]);
      expect(verdicts[4]).toMatchObject({ banned: true, trigger: true, gatewayStatus: 429, retryAfter: 120 });
      expect(verdicts[4]!.bans).toEqual([expect.objectContaining({ subject: SUBJECT, rule: 'account-ip-failures', level: 1 })]);
    },
  },
  {
    what: 'status: banned, with a Retry-After header',
    runs: '/v1/status?ip=203.0.113.7&account=alice',
    readOnly: true,
    check(stdout) {
      const { headers, body } = httpJson(stdout, 200);
      const retryAfter = Number(headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect(body).toMatchObject({
        banned: true,
        retryAfter,
        bans: [expect.objectContaining({ subject: SUBJECT, rule: 'account-ip-failures', level: 1, visible: false })],
      });
    },
  },
  {
    what: 'check: 401 for alice (an invisible ban), 204 for bob from the same address',
    runs: '/v1/check?ip=203.0.113.7&account=alice',
    readOnly: true,
    check(stdout) {
      expect(stdout).toBe('alice: 401\nbob: 204\n');
    },
  },
  {
    what: 'explain: the rule, the policy version, the level history and the five attempts',
    runs: '/explain',
    readOnly: true,
    check(stdout) {
      const explanation = JSON.parse(stdout) as { attemptIds: string[]; history: { type: string }[] };
      expect(explanation).toMatchObject({
        subject: SUBJECT,
        status: 'active',
        rule: 'account-ip-failures',
        level: 1,
        policyVersion: DEFAULT_POLICY.version,
      });
      expect(explanation.attemptIds).toHaveLength(5);
      expect(explanation.history.map((change) => change.type)).toEqual(['ban_imposed']);
    },
  },
  {
    what: 'a manual unban is accepted as a command',
    runs: '-X DELETE',
    readOnly: false,
    check(stdout) {
      expect(httpJson(stdout, 202).body).toMatchObject({ id: expect.any(String), subject: SUBJECT });
    },
  },
  {
    what: 'status: no longer banned',
    runs: '/v1/status?ip=203.0.113.7&account=alice',
    readOnly: true,
    check(stdout) {
      expect(JSON.parse(stdout)).toMatchObject({ banned: false, retryAfter: 0, bans: [] });
    },
  },
  {
    what: 'incidents: the manual unban by the key, then the ban by the rule',
    runs: '/v1/incidents?subject=',
    readOnly: true,
    check(stdout) {
      const { items } = JSON.parse(stdout) as { items: { type: string }[] };
      expect(items.map((item) => item.type)).toEqual(['manual_unban', 'ban_imposed']);
      expect(items[0]).toMatchObject({ subject: SUBJECT, actor: 'local', reason: 'helpdesk verified alice' });
      expect(items[1]).toMatchObject({ subject: SUBJECT, rule: 'account-ip-failures', level: 1, actor: 'policy' });
    },
  },
  {
    what: 'verify: the audit hash chain holds',
    runs: '/v1/audit/verify',
    readOnly: true,
    check(stdout) {
      expect(JSON.parse(stdout)).toMatchObject({ ok: true, checked: 2 });
    },
  },
];

describe('the README', () => {
  let dataDir: string;
  let port: number;
  let warden: AppProcess | undefined;
  /** What the README tells the reader to keep set in the walkthrough's shell, when `npm start` had them. */
  let shellEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'warden-readme-'));
    // Run as root, the embedded PostgreSQL runs as another user, who must be able to enter the folder.
    chmodSync(dataDir, 0o755);
    port = await freePort();
    shellEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), WARDEN_DATA_DIR: join(dataDir, '.warden') };
    warden = spawnApp('warden', { ...shellEnv, WARDEN_LOG_LEVEL: 'warn' });
    await waitUntilReady(warden, `http://127.0.0.1:${port}`, 90_000);
  }, 120_000);

  afterAll(async () => {
    if (warden && warden.child.exitCode === null) {
      warden.child.kill('SIGTERM');
      // It stops the embedded PostgreSQL server before it exits; SIGKILL would leave that running.
      const killer = setTimeout(() => warden?.child.kill('SIGKILL'), 30_000);
      await warden.exited();
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  describe('walkthrough, run as written with bash', () => {
    const [setup, ...blocks] = walkthroughBlocks(README);

    it('has the setup block and one block per step, in the order the steps expect', () => {
      expect(setup).toContain('WARDEN_API_KEY=');
      expect(blocks).toHaveLength(STEPS.length);
      blocks.forEach((block, i) => expect(block).toContain(STEPS[i]!.runs));
    });

    // Each step runs in a shell of its own after the setup block, as a reader's shell has it.
    STEPS.forEach((step, i) =>
      it(step.what, async () => {
        const script = `${setup}\n${blocks[i]}`;
        const attempt = async () => {
          const output = await run('bash', ['-e', '-u', '-o', 'pipefail', '-c', script], shellEnv);
          expect({ code: output.code, stderr: output.stderr }).toEqual({ code: 0, stderr: '' });
          step.check(output.stdout);
        };
        if (step.readOnly) await eventually(attempt, 20_000);
        else await attempt();
      }),
    );
  });

  describe('npm run demo', () => {
    const demo = (env: NodeJS.ProcessEnv) => run(process.execPath, ['dist/scripts/demo.js'], { PATH: process.env.PATH, ...env }, 120_000);

    it('plays its attacks and prints each one\'s ban with its rule and Retry-After, and the incidents', async () => {
      // No key given: the demo reads the one npm start keeps in WARDEN_DATA_DIR.
      const output = await demo({ WARDEN_URL: `http://127.0.0.1:${port}/`, WARDEN_DATA_DIR: shellEnv.WARDEN_DATA_DIR });
      expect(output).toMatchObject({ code: 0, stderr: '' });
      expect(output.stdout).toContain(`Warden at http://127.0.0.1:${port}\n`);
      const rules = ['identical-credential', 'account-ip-failures', 'ip-distinct-accounts', 'account-failures', 'range-failures'];
      for (const rule of rules) expect(output.stdout).toMatch(new RegExp(` ${rule} +level \\d+ .* Retry-After \\d+ s`));
      expect(output.stdout).toContain('range:2001:db8:bad:5eed::/64');
      expect(output.stdout).toContain(`${rules.length} of ${rules.length} attacks banned`);
      expect(output.stdout).toMatch(/Verdicts: [\d,]+ attempts answered as usual, [1-9]\d* with 429 \+ Retry-After, [1-9]\d* with 401/);
      const incidents = Number(/Incidents recorded for these bans: (\d+)/.exec(output.stdout)?.[1]);
      expect(incidents).toBeGreaterThanOrEqual(rules.length);

      // As the README says: run it again and the levels go on rising.
      const again = await demo({ WARDEN_URL: `http://127.0.0.1:${port}`, WARDEN_DATA_DIR: shellEnv.WARDEN_DATA_DIR });
      expect(again).toMatchObject({ code: 0, stderr: '' });
      const bruteForceLevel = (stdout: string) => Number(/ account-ip-failures +level (\d+)/.exec(stdout)?.[1]);
      expect(bruteForceLevel(again.stdout)).toBeGreaterThan(bruteForceLevel(output.stdout));
    }, 120_000);

    it('says so when it cannot reach Warden', async () => {
      const closed = await freePort();
      const output = await demo({ WARDEN_URL: `http://127.0.0.1:${closed}`, WARDEN_API_KEY: 'any-key-at-all' });
      expect(output.code).toBe(1);
      expect(output.stderr).toContain(`demo: Cannot reach Warden at http://127.0.0.1:${closed} (ECONNREFUSED). Start it with \`npm start\``);
    });

    it('says so when Warden refuses the key, before sending any traffic', async () => {
      const output = await demo({ WARDEN_URL: `http://127.0.0.1:${port}`, WARDEN_API_KEY: 'not-the-right-key' });
      expect(output.code).toBe(1);
      expect(output.stderr).toContain('demo: Warden refused the API key (401: ');
      expect(output.stdout).toBe('');
    });
  });

  it('writes the default policy as a file that is the default policy', () => {
    const yaml = /The defaults,\s+written as a file:\n\n```yaml\n([\s\S]*?)```/.exec(README)?.[1];
    expect(yaml).toBeDefined();
    const loaded = loadPolicy(yaml!, 'yaml');
    expect(loaded.ok && loaded.policy.version).toBe(DEFAULT_POLICY.version);
  });

  it('lists every setting Warden reads, and no other', () => {
    const source = readFileSync('libs/runtime/src/config/warden-config.ts', 'utf8');
    const schema = source.slice(source.indexOf('const environmentSchema'), source.indexOf('});', source.indexOf('const environmentSchema')));
    const read = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]).sort();
    const settings = README.slice(README.indexOf('## Settings'), README.indexOf('\n## ', README.indexOf('## Settings') + 1));
    const listed = [...settings.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]).sort();
    expect(read.length).toBeGreaterThan(10);
    expect(listed).toEqual(read);
  });
});
