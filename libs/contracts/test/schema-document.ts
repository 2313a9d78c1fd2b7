import { z } from 'zod';

/**
 * What the AsyncAPI and OpenAPI documents must say a schema is: `z.toJSONSchema` of the schema
 * the code uses, trimmed of what only clutters a document — `$schema`, `readOnly` (TypeScript's
 * `readonly`), and the long regular expressions zod adds beside a `format` (date-time, uuid) that
 * already names the rule, and integer bounds that only say "a safe JavaScript integer".
 */
export function documentedSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): unknown {
  return trim(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
}

const isSafeIntegerBound = (key: string, value: unknown) =>
  (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && value === Number.MAX_SAFE_INTEGER);

function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(trim);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key, inner]) => key !== '$schema' && key !== 'readOnly' && !(key === 'pattern' && 'format' in object) && !isSafeIntegerBound(key, inner))
      .map(([key, inner]) => [key, trim(inner)]),
  );
}

/** `value` with every local `$ref` (`#/components/schemas/X`, `#/components/messages/Y`…) replaced by what it points to in `root`. */
export function resolveRefs(value: unknown, root: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, root));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  if (typeof object.$ref === 'string') {
    const target = object.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
    if (target === undefined) throw new Error(`unresolved $ref ${object.$ref}`);
    return resolveRefs(target, root);
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolveRefs(inner, root)]));
}
