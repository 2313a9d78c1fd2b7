import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemError, problem } from '#warden/http-kit';
import { ConsoleFiles, type ConsoleFile } from './console-files.js';

/**
 * The page may load only what it came with and talk only to this Warden: no CDN, no external
 * font, no framing. uPlot sizes its chart with inline styles, hence style-src 'unsafe-inline'.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `/ui`: the web console (apps/console, built to dist/console). No auth: the page holds no data; its API calls carry the key. */
@Controller('ui')
export class ConsoleHttpController {
  private readonly files = ConsoleFiles.load();

  @Get()
  page(@Res() reply: FastifyReply): void {
    if (!this.files.page) throw new ProblemError(problem(404, 'console_not_built', 'The console is not built: run npm run build.'));
    send(reply, this.files.page, 'no-cache');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const found = this.files.asset(file);
    if (!found) throw new ProblemError(problem(404, 'not_found', 'No such file of the console.'));
    // Asset names carry a hash of their content: a new build gets new names.
    send(reply, found, 'public, max-age=31536000, immutable');
  }
}

function send(reply: FastifyReply, file: ConsoleFile, cacheControl: string): void {
  void reply
    .header('content-type', file.contentType)
    .header('cache-control', cacheControl)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(file.body);
}
