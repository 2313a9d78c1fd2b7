import { Controller, Get, Header } from '@nestjs/common';
import { renderDocsPage } from './docs-page.js';
import { readOpenApiDocument, type OpenApiDocument } from './openapi-document.js';

/** `/docs`: the OpenAPI document as HTML, YAML and JSON. No auth: it holds no data. */
@Controller('docs')
export class ApiDocsController {
  private readonly yaml: string;
  private readonly document: OpenApiDocument;
  private readonly page: string;

  constructor() {
    ({ yaml: this.yaml, document: this.document } = readOpenApiDocument());
    this.page = renderDocsPage(this.document);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  html(): string {
    return this.page;
  }

  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  yamlDocument(): string {
    return this.yaml;
  }

  @Get('openapi.json')
  json(): OpenApiDocument {
    return this.document;
  }
}
