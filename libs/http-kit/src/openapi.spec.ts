import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
import { PROBLEM_TYPES } from '#warden/http-kit';
import { documentedSchemaOf, resolveRefs } from '../../contracts/test/schema-document.js';
import { dereference, readOpenApiDocument } from './openapi-document.js';

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
    const parameters = (document.paths[path]?.[method]?.parameters ?? []).map((parameter) => dereference(document, parameter)).filter((parameter) => parameter.in === 'query');
    const expected = documentedSchemaOf(schema, 'input') as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.fromEntries(parameters.map((parameter) => [parameter.name, { required: parameter.required ?? false, schema: parameter.schema }]))).toEqual(
      Object.fromEntries(
        Object.entries(expected.properties).map(([name, property]) => [name, { required: (expected.required ?? []).includes(name), schema: property }]),
      ),
    );
  });

  it('lists every problem type the server emits, and no other', () => {
    const problemSchema = schemas.Problem as { properties: { errorCode: { enum: string[] } } };
    expect(problemSchema.properties.errorCode.enum).toEqual(Object.keys(PROBLEM_TYPES));
  });

  it('is clean by `redocly lint` (its recommended rules, redocly.yaml)', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    const { stdout } = await run(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', 'docs/openapi.yaml', '--format=json'], { env }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string }> };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('leaves no $ref dangling', () => {
    expect(() => resolveRefs(document, document)).not.toThrow();
  });
});
