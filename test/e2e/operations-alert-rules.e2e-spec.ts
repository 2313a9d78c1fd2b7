import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
if (!PROMTOOL) process.stderr.write('operations-alert-rules: promtool is not installed (apt-get install prometheus); the check is skipped\n');

/** The alert rules docs/operations.md gives, as an operator would copy them. */
function documentedRules(): string {
  const doc = readFileSync(join(process.cwd(), 'docs/operations.md'), 'utf8');
  const block = /<!-- alert-rules:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- alert-rules:end -->/.exec(doc)?.[1];
  if (!block) throw new Error('docs/operations.md has no alert-rules block');
  return block;
}

describe('docs/operations.md alert rules', () => {
  (PROMTOOL ? it : it.skip)('pass promtool check rules, and name only metrics Warden exposes', () => {
    const rules = documentedRules();
    const dir = mkdtempSync(join(tmpdir(), 'warden-rules-'));
    try {
      writeFileSync(join(dir, 'warden.rules.yml'), rules);
      const run = spawnSync('promtool', ['check', 'rules', join(dir, 'warden.rules.yml')], { encoding: 'utf8' });
      expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 10 rules found') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const doc = readFileSync(join(process.cwd(), 'docs/operations.md'), 'utf8');
    for (const metric of new Set(rules.match(/warden_[a-z_]+/g))) expect(doc).toContain(`| \`${metric.replace(/_(bucket|count|sum)$/, '')}\``);
  });
});
