import { attemptInputSchema, MAX_ATTEMPTS_PER_REQUEST, type AttemptInput } from '#warden/contracts';
import { validateInput, type FieldError, type ProblemCode } from '#warden/http-kit';

export type AttemptBatch =
  | { readonly ok: true; readonly attempts: readonly AttemptInput[] }
  | { readonly ok: false; readonly status: 400 | 413; readonly errorCode: ProblemCode; readonly detail: string; readonly errors?: FieldError[] };

/**
 * Reads the body of `POST /v1/attempts`: one attempt object, or an array of 1 to 1,000. Every bad
 * field is named (`outcome`, or `[3].ip` in an array) so a gateway can fix its request.
 */
export function parseAttemptBatch(body: unknown): AttemptBatch {
  const single = !Array.isArray(body);
  const items: unknown[] = single ? [body] : (body as unknown[]);
  if (single && (typeof body !== 'object' || body === null)) {
    return { ok: false, status: 400, errorCode: 'invalid_body', detail: 'The body must be an attempt object or an array of attempts.' };
  }
  if (items.length === 0) {
    return { ok: false, status: 400, errorCode: 'invalid_body', detail: 'The array of attempts is empty.' };
  }
  if (items.length > MAX_ATTEMPTS_PER_REQUEST) {
    return {
      ok: false,
      status: 413,
      errorCode: 'batch_too_large',
      detail: `A request may carry at most ${MAX_ATTEMPTS_PER_REQUEST} attempts; this one has ${items.length}.`,
    };
  }
  const attempts: AttemptInput[] = [];
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    const parsed = validateInput(attemptInputSchema, item, { prefix: single ? '' : `[${index}]`, unknownField: 'is not a field of an attempt' });
    if (parsed.ok) attempts.push(parsed.data);
    else errors.push(...parsed.errors);
  });
  if (errors.length > 0) {
    const fields = errors.slice(0, 5).map((error) => error.field || '(body)').join(', ');
    return { ok: false, status: 400, errorCode: 'validation_failed', detail: `Invalid attempt: ${fields}${errors.length > 5 ? ', …' : ''}.`, errors };
  }
  return { ok: true, attempts };
}
