import { PROBLEM_TYPES, problemTypeUri, type ProblemCode } from './problem-types.js';

/** An RFC 9457 problem document, as every Warden error answers (DESIGN §5). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errorCode: ProblemCode;
  readonly errors?: ReadonlyArray<FieldError>;
}

export interface FieldError {
  /** Where the fault is, e.g. `ip`, `[3].outcome`, or a query parameter's name. */
  readonly field: string;
  readonly message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem of one of the {@link PROBLEM_TYPES}: its `type` is the URI of its page, its `title` the page's. */
export function problem(status: number, errorCode: ProblemCode, detail: string, errors?: ReadonlyArray<FieldError>): Problem {
  return {
    type: problemTypeUri(errorCode),
    title: PROBLEM_TYPES[errorCode].title,
    status,
    detail,
    errorCode,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/**
 * Thrown only at the HTTP edge (controllers, guards) to answer with a problem; the domain returns
 * values and never knows about HTTP. `headers` carries e.g. `Retry-After` or `WWW-Authenticate`.
 */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail);
  }
}
