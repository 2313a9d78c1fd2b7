import { DEFAULT_POLICY, DEFAULT_POLICY_DOCUMENT, loadPolicy } from '#warden/client';
import { policyDifferences } from './policy-differences.js';

function documentOf(yaml: string) {
  const result = loadPolicy(yaml, 'yaml');
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.policy.document;
}

describe('policyDifferences', () => {
  it('finds none in the defaults, written out or left empty', () => {
    expect(policyDifferences(DEFAULT_POLICY.document)).toEqual([]);
    expect(policyDifferences(documentOf(JSON.stringify(DEFAULT_POLICY_DOCUMENT)))).toEqual([]);
    expect(policyDifferences(documentOf(''))).toEqual([]);
  });

  it('names each changed field, each default rule turned off and each new rule', () => {
    // A file changes the defaults: rules it leaves out stay as they are, `mode: off` turns one off.
    const document = documentOf(`
rules:
  ip-total: { threshold: 500, window: 300s }
  ip-failures: { mode: simulate }
  ip-distinct-accounts: { mode: off }
  office-sweep: { counts: failures, subject: range, threshold: 40, window: 5m, ban: 1h }
ranges: { ipv4: 22 }
allowlist: { cidrs: [10.0.0.0/8] }
`);
    expect(policyDifferences(document)).toEqual([
      { path: 'rules.ip-total.threshold', default: 300, file: 500 },
      { path: 'rules.ip-failures.mode', default: 'enforce', file: 'simulate' },
      { path: 'rules.ip-distinct-accounts.mode', default: 'enforce', file: 'off' },
      {
        path: 'rules.office-sweep',
        default: null,
        file: expect.objectContaining({ counts: 'failures', subject: 'range', threshold: 40, window: '5m', ban: '1h', escalating: true }),
      },
      { path: 'ranges.ipv4', default: 24, file: 22 },
      { path: 'allowlist.cidrs', default: [], file: ['10.0.0.0/8'] },
    ]);
  });
});
