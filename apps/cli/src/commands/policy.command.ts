import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_POLICY, loadPolicy, policyFormatOf, type PolicyResult } from '#warden/client';
import { contextOf, type CliContext } from '../cli-context.js';
import { policyDifferences, type PolicyDifference } from '../policy/policy-differences.js';
import { WardenError } from '../warden-error.js';

/**
 * `warden policy check FILE`: validates a policy file offline with the very loader Warden runs at
 * start (`WARDEN_POLICY`), then prints what it changes from the default policy. A bad file exits 1.
 */
export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('ban policy files (WARDEN_POLICY)');
  policy
    .command('check')
    .description('validate a policy file (.json, .yaml, .yml) offline, as Warden does at start, and print what differs from the default')
    .argument('<file>', 'the policy file')
    .action((file: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const result = checkPolicyFile(file);
      if (!result.ok) {
        if (context.json) context.printJson({ ok: false, file, errors: result.errors });
        else context.print([`${context.style('red', 'Invalid policy')} ${file}:`, ...result.errors.map((error) => `  ${error}`)].join('\n'));
        throw new WardenError(`${file} is not a valid policy; Warden would refuse to start with it`);
      }
      const differences = policyDifferences(result.policy.document);
      if (context.json) context.printJson({ ok: true, file, version: result.policy.version, defaultVersion: DEFAULT_POLICY.version, differences });
      else printDifferences(context, file, result.policy.version, differences);
    });
}

/** What Warden's start makes of the file: its format from its name, then the policy library's loader. */
function checkPolicyFile(path: string): PolicyResult {
  const format = policyFormatOf(path);
  if (!format) return { ok: false, errors: [`${path} must end in .json, .yaml or .yml`] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`] };
  }
  return loadPolicy(text, format);
}

function printDifferences(context: CliContext, file: string, version: string, differences: readonly PolicyDifference[]): void {
  context.print(`${context.style('green', 'Valid policy')} ${file}, version ${version} (the default is ${DEFAULT_POLICY.version}).`);
  if (differences.length === 0) {
    context.print('It is the default policy.');
    return;
  }
  context.print(`Differences from the default (${differences.length}):`);
  for (const difference of differences) context.print(`  ${differenceText(context, difference)}`);
}

function differenceText(context: CliContext, { path, default: before, file: after }: PolicyDifference): string {
  if (before === null && typeof after === 'object' && after !== null) return `${path}: ${context.style('yellow', 'new rule')} ${JSON.stringify(after)}`;
  return `${path}: ${JSON.stringify(before)} → ${context.style('yellow', JSON.stringify(after))}`;
}
