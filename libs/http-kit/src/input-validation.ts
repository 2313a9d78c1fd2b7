import type { z } from 'zod';
import type { FieldError } from './problem.js';

const quantity = (origin: string, bound: number | bigint) => {
  if (origin === 'string') return `${bound} characters`;
  if (origin === 'array' || origin === 'set') return `${bound} items`;
  return String(bound);
};

/**
 * What a client reads when a value of a query or body is refused: "is required" only where the
 * value is absent, else what the value must be (`limit=5000` → "must be at most 1000"). Used as
 * the error map of a parse, so a message a schema states itself ("is not a cursor this API gave
 * out") still wins (zod applies a schema's own message before the parse's map).
 */
const inputIssueMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${quantity(issue.origin, issue.maximum)}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${quantity(issue.origin, issue.minimum)}`;
    case 'invalid_format':
      if (issue.format === 'datetime') return 'must be an ISO-8601 time with its offset, e.g. 2026-03-01T12:00:00Z';
      if (issue.format === 'uuid') return 'must be a UUID';
      return `must be a valid ${issue.format}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be an integer';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    default:
      return undefined;
  }
};

export type InputValidation<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly errors: FieldError[] };

/**
 * Validates a query or a body against its declared schema, naming every bad field: `field` is the
 * path under `prefix` (`[3].outcome`), and a field the schema does not know gets `unknownField`.
 * The one place HTTP input errors are worded, for every endpoint.
 */
export function validateInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  { prefix = '', unknownField }: { prefix?: string; unknownField: string },
): InputValidation<z.output<S>> {
  const parsed = schema.safeParse(input, { error: inputIssueMessage });
  if (parsed.success) return { ok: true, data: parsed.data };
  const at = (path: string) => (prefix && path ? `${prefix}.${path}` : prefix || path);
  const errors = parsed.error.issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: at(key), message: unknownField }))
      : [{ field: at(issue.path.map(String).join('.')), message: issue.message }],
  );
  return { ok: false, errors };
}
