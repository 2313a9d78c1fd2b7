import type { z } from 'zod';
import {
  adminCommandAcceptedSchema,
  attemptInputSchema,
  auditedIncidentSchema,
  auditVerificationSchema,
  auditVerifyQuerySchema,
  banExplanationSchema,
  banItemRecordSchema,
  banListItemSchema,
  banListQuerySchema,
  banPageSchema,
  incidentExportQuerySchema,
  incidentPageSchema,
  incidentSearchQuerySchema,
  manualBanRequestSchema,
  manualUnbanQuerySchema,
  statsQuerySchema,
  statsSchema,
  verdictSchema,
} from '#warden/contracts';
import { documentedSchemaOf, resolveRefs } from '../../contracts/test/schema-document.js';
import { readOpenApiDocument } from './openapi-document.js';

const { document } = readOpenApiDocument();
const schemas = document.components!.schemas!;

/** docs/openapi.yaml against the zod schemas the endpoints validate and answer with. */
describe('docs/openapi.yaml', () => {
  it.each<[string, z.ZodType, 'input' | 'output']>([
    ['AttemptInput', attemptInputSchema, 'input'],
    ['Verdict', verdictSchema, 'output'],
    ['BanItem', banItemRecordSchema, 'output'],
    ['ManualBanRequest', manualBanRequestSchema, 'input'],
    ['AdminCommandAccepted', adminCommandAcceptedSchema, 'output'],
    ['BanExplanation', banExplanationSchema, 'output'],
    ['AuditedIncident', auditedIncidentSchema, 'output'],
    ['IncidentPage', incidentPageSchema, 'output'],
    ['AuditVerification', auditVerificationSchema, 'output'],
    ['BanListItem', banListItemSchema, 'output'],
    ['BanPage', banPageSchema, 'output'],
    ['Stats', statsSchema, 'output'],
  ])('documents %s as the code defines it', (name, schema, io) => {
    expect(resolveRefs(schemas[name], document)).toEqual(documentedSchemaOf(schema, io));
  });

  it.each<[string, string, z.ZodType]>([
    ['get', '/v1/incidents', incidentSearchQuerySchema],
    ['get', '/v1/incidents/export', incidentExportQuerySchema],
    ['get', '/v1/audit/verify', auditVerifyQuerySchema],
    ['delete', '/v1/bans/{subject}', manualUnbanQuerySchema],
    ['get', '/v1/bans', banListQuerySchema],
    ['get', '/v1/stats', statsQuerySchema],
  ])('documents the query parameters of %s %s as the code validates them', (method, path, schema) => {
    const parameters = (document.paths[path]?.[method]?.parameters ?? []).filter((parameter) => parameter.in === 'query');
    const expected = documentedSchemaOf(schema, 'input') as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, { required: parameter.required ?? false, schema: parameter.schema }]))).toEqual(
      Object.fromEntries(
        Object.entries(expected.properties).map(([name, property]) => [name, { required: (expected.required ?? []).includes(name), schema: property }]),
      ),
    );
  });

  it('leaves no $ref dangling', () => {
    expect(() => resolveRefs(document, document)).not.toThrow();
  });
});
