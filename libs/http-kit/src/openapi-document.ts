import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The parts of an OpenAPI 3.1 document the docs page shows. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> };
}

/** A `$ref` in place of a parameter or response (to `#/components/…`). */
export interface Reference {
  readonly $ref: string;
}

export interface OpenApiOperation {
  readonly summary?: string;
  readonly description?: string;
  readonly security?: ReadonlyArray<Record<string, readonly string[]>>;
  readonly parameters?: ReadonlyArray<OpenApiParameter | Reference>;
  readonly responses?: Readonly<Record<string, { readonly description?: string } | Reference>>;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: unknown;
}

/** The object a local `$ref` (`#/components/parameters/Ip`) points at, or the object itself. */
export function dereference<T>(document: OpenApiDocument, node: T | Reference): T {
  if (typeof node !== 'object' || node === null || !('$ref' in node)) return node;
  const target = node.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], document);
  if (target === undefined) throw new Error(`${node.$ref} points at nothing`);
  return dereference(document, target as T | Reference);
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Finds `docs/openapi.yaml` above this file, both from the sources and from `dist/`. */
export function defaultOpenApiPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'docs', 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('docs/openapi.yaml was not found above the api-docs library');
    dir = parent;
  }
}

/** Warden's OpenAPI document: the YAML as written, and the same parsed. */
export function readOpenApiDocument(path: string = defaultOpenApiPath()): { yaml: string; document: OpenApiDocument } {
  const yaml = readFileSync(path, 'utf8');
  return { yaml, document: parse(yaml) as OpenApiDocument };
}
