import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEM_TYPES, problemCodeOfSlug, problemSlug, problemTypeUri, type ProblemCode } from './problem-types.js';
import { problem } from './problem.js';

const codes = Object.keys(PROBLEM_TYPES) as ProblemCode[];

describe('problem types', () => {
  it('give each problem a resolvable relative type and the title of its page', () => {
    expect(problem(429, 'too_many_bad_keys', 'retry in 60 s.')).toMatchObject({
      type: '/problems/too-many-bad-keys',
      title: 'Too many bad API keys',
      errorCode: 'too_many_bad_keys',
    });
    for (const code of codes) expect(problemCodeOfSlug(problemSlug(code))).toBe(code);
    expect(problemCodeOfSlug('constructor')).toBeUndefined();
  });

  it('are all listed in docs/problems.md, with their status', () => {
    const listed = readFileSync(join(process.cwd(), 'docs/problems.md'), 'utf8');
    const missing = codes.filter((code) => !listed.includes(`| \`${problemTypeUri(code)}\` | ${PROBLEM_TYPES[code].status} | \`${code}\` |`));
    expect(missing).toEqual([]);
  });
});
