import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, requireDistributedSettings } from './warden-config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, hosts: ['127.0.0.1', '::1'], kafka: undefined, topicPrefix: '', databaseUrl: undefined, dataDir: '.warden' });
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      KAFKA_BROKERS: 'a:9092, b:9093',
      WARDEN_TOPIC_PREFIX: 'prod.',
      DATABASE_URL: 'postgresql://u@db:5432/warden',
      WARDEN_API_KEYS: 'edge:s3cret-key:attempts:write,status:read',
      WARDEN_AUDIT_KEY: 'k'.repeat(32),
    });
    expect(config.auditKey).toBe('k'.repeat(32));
    expect(config.port).toBe(8080);
    expect(config.kafka?.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.topicPrefix).toBe('prod.');
    expect(config.apiKeys?.[0]?.name).toBe('edge');
    expect([...(config.apiKeys?.[0]?.scopes ?? [])]).toEqual(['attempts:write', 'status:read']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ WARDEN_TOPIC_PREFIX: 'bad prefix' }, 'WARDEN_TOPIC_PREFIX'],
    [{ WARDEN_API_KEYS: 'edge:s3cret-key:fly' }, 'WARDEN_API_KEYS'],
    [{ WARDEN_LOG_LEVEL: 'loud' }, 'WARDEN_LOG_LEVEL'],
    [{ WARDEN_AUDIT_KEY: 'too-short' }, 'WARDEN_AUDIT_KEY'],
    [{ WARDEN_AUDIT_KEY: `${'k'.repeat(32)} x` }, 'WARDEN_AUDIT_KEY'],
    [{ HOST: 'example.com' }, 'HOST'],
    [{ HOST: '127.0.0.1,300.1.1.1' }, 'HOST'],
  ])('names the malformed variable in %j', (env, variable) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it.each([
    ['localhost', ['127.0.0.1', '::1']],
    ['0.0.0.0', ['0.0.0.0']],
    ['::', ['::']],
    ['127.0.0.1, [::1], localhost', ['127.0.0.1', '::1']],
  ])('reads HOST=%s as the addresses %j', (host, hosts) => {
    expect(loadConfig({ HOST: host }).hosts).toEqual(hosts);
  });

  it('never repeats a key in its error', () => {
    const problems = problemsOf({ WARDEN_API_KEYS: 'edge:very-secret-value:nope', WARDEN_AUDIT_KEY: 'short-audit-secret' });
    expect(problems.join()).not.toContain('very-secret-value');
    expect(problems.join()).not.toContain('short-audit-secret');
  });

  it('names each setting a distributed app is missing', () => {
    const config = loadConfig({});
    expect(() => requireDistributedSettings(config, { kafka: true, database: true, apiKeys: true })).toThrow(
      /KAFKA_BROKERS[\s\S]*DATABASE_URL[\s\S]*WARDEN_API_KEYS/,
    );
  });
});

describe('the policy in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));

  it('is the default policy without WARDEN_POLICY', () => {
    expect(loadConfig({}).policy.rules.map((rule) => rule.name)).toContain('ip-total');
  });

  it('names the variable, the rule and the field of a bad policy file', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'rules:\n  ip-total:\n    threshold: -3\n');
    const problems = problemsOf({ WARDEN_POLICY: file });
    expect(problems).toEqual([expect.stringMatching(/^WARDEN_POLICY \(.*bad\.yaml\): rules\.ip-total\.threshold: /)]);
  });

  it('refuses a network rule that ignores repeated secrets: only the account stage has the secret memory', () => {
    const file = join(dir, 'secrets.yaml');
    writeFileSync(file, 'rules:\n  ip-failures:\n    ignoreRepeatedSecret: true\n');
    expect(problemsOf({ WARDEN_POLICY: file })).toEqual([expect.stringMatching(/^WARDEN_POLICY \(.*secrets\.yaml\): rule ip-failures: ignoreRepeatedSecret applies to rules on account/)]);
  });

  it('names a policy file it cannot read', () => {
    expect(problemsOf({ WARDEN_POLICY: join(dir, 'missing.json') })).toEqual([expect.stringMatching(/^WARDEN_POLICY: cannot read .*ENOENT/)]);
  });

  it('adds WARDEN_ALLOWLIST to the policy, changing its version', () => {
    const plain = loadConfig({}).policy;
    const extended = loadConfig({ WARDEN_ALLOWLIST: '10.0.0.0/8, ops-bot' }).policy;
    expect(extended.version).not.toBe(plain.version);
    expect(extended.document.allowlist.accounts).toContain('ops-bot');
  });
});
