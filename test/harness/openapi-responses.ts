import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { HTTP_METHODS, type OpenApiDocument } from '#warden/http-kit';

// ajv-formats is CommonJS: its function is the default export's default under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

export interface DocumentedOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly authenticated: boolean;
}

interface Located {
  readonly node: Record<string, unknown>;
  /** Its JSON pointer in the document, after every `$ref` on the way was followed. */
  readonly pointer: string;
}

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const JSON_TYPES = new Set(['application/json', 'application/problem+json']);

/**
 * Checks live HTTP responses against docs/openapi.yaml: the status is one the operation lists,
 * the Content-Type one its response lists, the body valid by that media type's schema (Ajv,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1; NDJSON line by line), and every required
 * header present and valid. Schemas are compiled straight from the document, `$ref`s and all.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, 'openapi');
  }

  /** Every operation of the document. */
  operations(): DocumentedOperation[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => {
        const operation = item[method] as { operationId?: string; security?: unknown[] };
        if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
        return { operationId: operation.operationId, method: method.toUpperCase(), path, authenticated: (operation.security ?? []).length > 0 };
      }),
    );
  }

  /** What is wrong with `response` as an answer of `operationId` (empty when it matches the document). */
  async problemsOf(operationId: string, response: Response): Promise<string[]> {
    const operation = this.operations().find((each) => each.operationId === operationId);
    if (!operation) return [`no operation ${operationId} in the document`];
    const status = String(response.status);
    const at = `${operationId} ${response.status}`;
    const responses = `/paths/${escape(operation.path)}/${operation.method.toLowerCase()}/responses`;
    const documented = this.locate(`${responses}/${status}`);
    if (!documented) return [`${at}: status not documented for the operation`];
    const problems: string[] = [];
    for (const name of Object.keys((documented.node.headers ?? {}) as Record<string, unknown>)) {
      const located = this.locate(`${documented.pointer}/headers/${escape(name)}`)!;
      const value = response.headers.get(name);
      if (value === null) {
        if (located.node.required) problems.push(`${at}: header ${name} missing`);
        continue;
      }
      const valid = this.validator(`${located.pointer}/schema`);
      if (!valid(value) && !(/^\d+$/.test(value) && valid(Number(value)))) problems.push(`${at}: header ${name}: ${value} ${this.ajv.errorsText(valid.errors)}`);
    }
    const text = await response.text();
    const content = documented.node.content as Record<string, unknown> | undefined;
    if (!content) {
      if (text !== '') problems.push(`${at}: a body where the document has none`);
      return problems;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!(mediaType in content)) return [...problems, `${at}: Content-Type ${mediaType} is not one of ${Object.keys(content).join(', ')}`];
    const valid = this.validator(`${documented.pointer}/content/${escape(mediaType)}/schema`);
    let values: unknown[];
    try {
      values = JSON_TYPES.has(mediaType)
        ? [JSON.parse(text)]
        : mediaType === 'application/x-ndjson'
          ? text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown)
          : [text];
    } catch {
      return [...problems, `${at}: the ${mediaType} body does not parse: ${text.slice(0, 200)}`];
    }
    for (const value of values) {
      if (!valid(value)) problems.push(`${at}: body ${this.ajv.errorsText(valid.errors)}: ${JSON.stringify(value).slice(0, 300)}`);
    }
    return problems;
  }

  /** What is wrong with `value` by the schema at `pointer` (e.g. `/components/schemas/Problem`). */
  schemaProblems(pointer: string, value: unknown): string[] {
    const valid = this.validator(pointer);
    return valid(value) ? [] : [`${pointer}: ${this.ajv.errorsText(valid.errors)}: ${JSON.stringify(value).slice(0, 300)}`];
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  /** The object at `pointer`, following a `$ref` it holds (as responses and headers may). */
  private locate(pointer: string): Located | undefined {
    const node = pointer
      .slice(1)
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], this.document);
    if (typeof node !== 'object' || node === null) return undefined;
    const reference = (node as { $ref?: string }).$ref;
    return reference === undefined ? { node: node as Record<string, unknown>, pointer } : this.locate(reference.slice(1));
  }
}
