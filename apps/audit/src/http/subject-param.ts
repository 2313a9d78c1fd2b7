import { ProblemError, problem } from '#warden/http-kit';
import { normalizeSubject } from '#warden/contracts';

/** The `{subject}` of a path, normalized; a 400 naming it when it is no subject. */
export function subjectParam(text: string): string {
  const subject = normalizeSubject(text);
  if (subject === null) {
    throw new ProblemError(
      problem(400, 'invalid_subject', `"${text.slice(0, 200)}" is not a subject: use ip:<addr>, range:<cidr>, account:<name>, account-ip:<name>|<addr> or account-credential:<name>|<fingerprint>, URL-encoded.`, [
        { field: 'subject', message: 'is not a subject' },
      ]),
    );
  }
  return subject;
}
