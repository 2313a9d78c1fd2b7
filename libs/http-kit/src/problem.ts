/** An RFC 9457 problem document, as every Warden error answers (DESIGN §5). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errorCode: string;
  readonly errors?: ReadonlyArray<FieldError>;
}

export interface FieldError {
  /** Where the fault is, e.g. `ip`, `[3].outcome`, or a query parameter's name. */
  readonly field: string;
  readonly message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, errorCode: string, detail: string, errors?: ReadonlyArray<FieldError>): Problem {
  return {
    type: `https://warden.dev/problems/${errorCode.replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
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
