import { Controller, Get, Header, Param } from '@nestjs/common';
import { PROBLEM_TYPES, problemCodeOfSlug, problemTypeUri, type ProblemCode, type ProblemType } from './problem-types.js';
import { ProblemError, problem } from './problem.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
/** The table's descriptions mark code with backticks, as Markdown does. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Warden</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.45}code{background:#f3f3f6;padding:0 .2rem}</style></head>
<body>${body}</body></html>`;

const entry = (code: ProblemCode, type: ProblemType) =>
  `<h1>${escapeHtml(type.title)}</h1>
<p>HTTP ${type.status} · <code>errorCode: ${code}</code> · <code>type: ${problemTypeUri(code)}</code></p>
<p>${prose(type.description)}</p>`;

/**
 * `/problems` and `/problems/{type}`: what each problem `type` Warden answers with means, so the
 * `type` of a problem+json body resolves to a page (RFC 9457 §3.1.1). No auth: they hold no data.
 */
@Controller('problems')
export class ProblemPagesController {
  private readonly pages = new Map(
    Object.entries(PROBLEM_TYPES).map(([code, type]) => [problemTypeUri(code as ProblemCode), page(type.title, `${entry(code as ProblemCode, type)}\n<p><a href="/problems">Every problem type</a></p>`)]),
  );

  private readonly index = page(
    'Problem types',
    `<h1>Warden's problem types</h1>
<p>Every error is an RFC 9457 <code>application/problem+json</code> body whose <code>type</code> is one of these pages and whose <code>errorCode</code> names it.</p>
<ul>${Object.entries(PROBLEM_TYPES)
      .map(([code, type]) => `<li><a href="${problemTypeUri(code as ProblemCode)}">${escapeHtml(type.title)}</a> (${type.status}, <code>${code}</code>)</li>`)
      .join('\n')}</ul>`,
  );

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  list(): string {
    return this.index;
  }

  @Get(':type')
  @Header('Content-Type', 'text/html; charset=utf-8')
  describe(@Param('type') slug: string): string {
    const code = problemCodeOfSlug(slug);
    const found = code === undefined ? undefined : this.pages.get(problemTypeUri(code));
    if (found === undefined) throw new ProblemError(problem(404, 'not_found', 'No such problem type; /problems lists them.'));
    return found;
  }
}
