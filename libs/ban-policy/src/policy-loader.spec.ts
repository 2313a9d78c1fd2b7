import { DEFAULT_POLICY } from './default-policy.js';
import { extendAllowlist, loadPolicy, policyFormatOf } from './policy-loader.js';

describe('loadPolicy', () => {
  it('an empty YAML file is the default policy, with the same version', () => {
    const result = loadPolicy('', 'yaml');
    expect(result.ok && result.policy.version).toBe(DEFAULT_POLICY.version);
  });

  it('reads the DESIGN §7 numbers into the default policy', () => {
    const rules = Object.fromEntries(DEFAULT_POLICY.rules.map((rule) => [rule.name, [rule.threshold, rule.windowMs / 1000, rule.banMs / 1000, rule.escalating, rule.visible]]));
    expect(rules).toEqual({
      'account-ip-failures': [5, 120, 120, true, false],
      'identical-credential': [5, 120, 120, true, true],
      'ip-total': [300, 300, 300, false, true],
      'ip-failures': [20, 600, 600, true, false],
      'ip-distinct-accounts': [10, 600, 1800, true, false],
      'account-failures': [20, 900, 900, true, false],
      'range-failures': [100, 600, 600, true, false],
    });
  });

  it('a file changes the defaults: a named rule inherits what it leaves out, unnamed ones stay, mode off turns one off', () => {
    const result = loadPolicy('rules:\n  ip-total:\n    threshold: 500\n  range-failures:\n    mode: off\n  mine: {counts: failures, subject: account, threshold: 3, window: 1m, ban: 1m}\n', 'yaml');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.policy.rules.map((rule) => [rule.name, rule.threshold, rule.windowMs])).toEqual([
      ['account-ip-failures', 5, 120_000],
      ['identical-credential', 5, 120_000],
      ['ip-total', 500, 300_000],
      ['ip-failures', 20, 600_000],
      ['ip-distinct-accounts', 10, 600_000],
      ['account-failures', 20, 900_000],
      ['mine', 3, 60_000],
    ]);
    expect(result.policy.document.rules['range-failures']?.mode).toBe('off');
    expect(result.policy.version).not.toBe(DEFAULT_POLICY.version);
  });

  it('a file that only puts one rule in simulate mode keeps every other default rule (the allowlist bug of issue 19)', () => {
    const result = loadPolicy('{"rules":{"account-ip-failures":{"mode":"simulate"}}}', 'json');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.policy.rules.map((rule) => [rule.name, rule.mode])).toEqual(
      DEFAULT_POLICY.rules.map((rule) => [rule.name, rule.name === 'account-ip-failures' ? 'simulate' : 'enforce']),
    );
  });

  it('reads the typo settings: the forgiveness window and, per rule, forgiveTypos and failuresPerSuccess', () => {
    expect(DEFAULT_POLICY.typos.windowMs).toBe(120_000);
    expect(DEFAULT_POLICY.rules.filter((rule) => rule.forgiveTypos).map((rule) => rule.name)).toEqual(['ip-failures', 'ip-distinct-accounts', 'range-failures']);
    expect(DEFAULT_POLICY.rules.filter((rule) => rule.failuresPerSuccess > 0).map((rule) => [rule.name, rule.failuresPerSuccess])).toEqual([['range-failures', 1]]);
    const result = loadPolicy('typos:\n  window: 30s\nrules:\n  range-failures:\n    failuresPerSuccess: 2.5\n  ip-failures:\n    forgiveTypos: false\n', 'yaml');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.policy.typos.windowMs).toBe(30_000);
    expect(result.policy.ruleByName.get('range-failures')).toMatchObject({ failuresPerSuccess: 2.5, forgiveTypos: true });
    expect(result.policy.ruleByName.get('ip-failures')).toMatchObject({ forgiveTypos: false });
  });

  it('reads JSON, with durations as text or whole seconds', () => {
    const text = JSON.stringify({ rules: { keys: { counts: 'failures', subject: 'ip', threshold: 10, window: 60, ban: '15m', visible: true } } });
    const result = loadPolicy(text, 'json');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.policy.ruleByName.get('keys')).toMatchObject({ name: 'keys', windowMs: 60_000, banMs: 900_000, escalating: true, mode: 'enforce' });
  });

  it('the version is a content hash: equal content, equal version, whatever the spelling', () => {
    const a = loadPolicy('rules:\n  x: {counts: failures, subject: ip, threshold: 3, window: 60, ban: 1h}\n', 'yaml');
    const b = loadPolicy('{"rules":{"x":{"ban":"60m","window":"1m","threshold":3,"subject":"ip","counts":"failures"}}}', 'json');
    expect(a.ok && b.ok && a.policy.version === b.policy.version).toBe(true);
  });

  it.each([
    ['rules:\n  ip-total:\n    threshold: 0\n', 'rules.ip-total.threshold: must be a positive integer'],
    ['rules:\n  ip-total:\n    threshold: 2.5\n', 'rules.ip-total.threshold: must be a positive integer'],
    ['rules:\n  ip-total:\n    threshold: "many"\n', 'rules.ip-total.threshold: must be a positive integer'],
    ['rules:\n  ip-total:\n    window: soon\n', 'rules.ip-total.window: must be a duration such as 90s, 2m, 24h (or a whole number of seconds)'],
    ['rules:\n  ip-total:\n    visible: maybe\n', 'rules.ip-total.visible: must be true or false'],
    ['rules:\n  ip-total:\n    counts: everything\n', 'rules.ip-total.counts: must be one of failures-in-a-row, failures, attempts, distinct-accounts, identical-credential'],
    ['rules:\n  ip-total:\n    subject: planet\n', 'rules.ip-total.subject: must be one of account-ip, account-credential, account, ip, range'],
    ['rules:\n  ip-total:\n    tresholds: 3\n', 'rules.ip-total.tresholds: unknown field'],
    ['rules:\n  mine:\n    counts: failures\n    subject: ip\n', 'rules.mine.threshold: is required'],
    ['rules:\n  Bad Name:\n    threshold: 3\n', "rules.Bad Name: a rule name is 1–64 lower-case letters, digits, '.', '_' or '-' (and not \"manual\")"],
    ['rules:\n  x:\n    counts: distinct-accounts\n    subject: account\n    threshold: 3\n    window: 1m\n    ban: 1m\n', 'rules.x.subject: a rule counting distinct-accounts must have subject ip or range'],
    ['rules:\n  x:\n    counts: identical-credential\n    subject: ip\n    threshold: 3\n    window: 1m\n    ban: 1m\n', 'rules.x.subject: a rule counting identical-credential must have subject account-credential'],
    ['ranges:\n  ipv4: 40\n', 'ranges.ipv4: must be an integer from 0 to 32'],
    ['allowlist:\n  cidrs: [10.0.0.0/8, 300.1.1.1]\n', 'allowlist.cidrs.1: must be an IP address or CIDR, got "300.1.1.1"'],
    ['escalation:\n  maxBan: -1\n', 'escalation.maxBan: must be a duration such as 90s, 2m, 24h (or a whole number of seconds)'],
    ['colour: blue\n', 'colour: unknown field'],
    ['typos:\n  window: 0\n', 'typos.window: must be a duration such as 90s, 2m, 24h (or a whole number of seconds)'],
    ['typos:\n  forgive: 2m\n', 'typos.forgive: unknown field'],
    ['rules:\n  range-failures:\n    failuresPerSuccess: -1\n', 'rules.range-failures.failuresPerSuccess: must be a number, 0 or more'],
    ['rules:\n  range-failures:\n    forgiveTypos: yes\n', 'rules.range-failures.forgiveTypos: must be true or false'],
    ['rules:\n  ip-total:\n    forgiveTypos: true\n', 'rules.ip-total.forgiveTypos: only a rule counting failures or distinct-accounts forgives typos'],
    ['rules:\n  ip-total:\n    failuresPerSuccess: 1\n', 'rules.ip-total.failuresPerSuccess: only a rule counting failures or distinct-accounts weighs failures against successes'],
    ['rules:\n  ip-total:\n    mode: sometimes\n', 'rules.ip-total.mode: must be one of enforce, simulate, off'],
    ['- just\n- a list\n', '(policy): must be an object'],
  ])('rejects %j with a message naming the field', (text, message) => {
    const result = loadPolicy(text, 'yaml');
    expect(result.ok ? [] : result.errors).toContain(message);
  });

  it('reports every error at once', () => {
    const result = loadPolicy('rules:\n  ip-total:\n    threshold: 0\n    window: x\n', 'yaml');
    expect(result.ok ? 0 : result.errors.length).toBe(2);
  });

  it.each([
    ['{"rules": ', 'json'],
    ['rules: [a,\n', 'yaml'],
  ] as const)('rejects text that does not parse as %s', (text, format) => {
    const result = loadPolicy(text, format);
    expect(result.ok ? [] : result.errors[0]).toMatch(new RegExp(`^\\(policy\\): not valid ${format.toUpperCase()}`));
  });
});

describe('policyFormatOf and extendAllowlist', () => {
  it.each([
    ['policy.json', 'json'],
    ['/etc/warden/Policy.YAML', 'yaml'],
    ['policy.yml', 'yaml'],
    ['policy.toml', null],
  ])('%s → %s', (name, format) => {
    expect(policyFormatOf(name)).toBe(format);
  });

  it('sorts entries into networks and accounts, and changes the version', () => {
    const policy = extendAllowlist(DEFAULT_POLICY, ['10.0.0.0/8', ' Admin ', '2001:db8::1', '']);
    expect(policy.document.allowlist).toEqual({ cidrs: ['10.0.0.0/8', '2001:db8::1'], accounts: ['admin'] });
    expect(policy.version).not.toBe(DEFAULT_POLICY.version);
  });
});
