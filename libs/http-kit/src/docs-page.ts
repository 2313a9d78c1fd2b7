import { dereference, HTTP_METHODS, type OpenApiDocument } from './openapi-document.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * A plain HTML page of every endpoint in the document: method, path, summary, parameters,
 * responses. No scripts and nothing fetched from elsewhere (Warden may run with no internet).
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const sections = Object.entries(document.paths).flatMap(([path, operations]) =>
    HTTP_METHODS.filter((method) => operations[method]).map((method) => {
      const operation = operations[method]!;
      const parameters = (operation.parameters ?? [])
        .map((parameter) => dereference(document, parameter))
        .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''}) ${escapeHtml(p.description ?? '')}</li>`)
        .join('');
      const responses = Object.entries(operation.responses ?? {})
        .map(([status, response]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(dereference(document, response).description ?? '')}</li>`)
        .join('');
      const scopes = (operation.security ?? []).flatMap((requirement) => Object.values(requirement).flat());
      return `<section id="${escapeHtml(`${method}-${path}`)}">
<h2><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(operation.summary ?? '')}${scopes.length > 0 ? ` <em>Scope: ${scopes.map(escapeHtml).join(', ')}</em>` : ''}</p>
${operation.description ? `<p>${escapeHtml(operation.description)}</p>` : ''}
${parameters ? `<h3>Parameters</h3><ul>${parameters}</ul>` : ''}
${responses ? `<h3>Responses</h3><ul>${responses}</ul>` : ''}
</section>`;
    }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
section{border-top:1px solid #ddd;padding:.5rem 0}.method{font-family:monospace;background:#eef;padding:0 .3rem}</style></head>
<body><h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description ?? '')}</p>
<p>The whole document: <a href="/docs/openapi.yaml">openapi.yaml</a> · <a href="/docs/openapi.json">openapi.json</a></p>
${sections.join('\n')}
</body></html>`;
}
