import type { z } from 'zod';
import { adminCommandSchema } from './admin-command.js';
import { banDecisionRecordSchema } from './ban-decision.js';
import { deadLetterSchema } from './dead-letter.js';
import { incidentRecordSchema } from './incident.js';
import { accountStageRecordSchema, networkStageRecordSchema } from './stage-records.js';
import { Topic, type TopicName } from './topics.js';
import { verdictRecordSchema } from './verdict.js';

/** The schema of the values of each topic: what docs/asyncapi.yaml documents, and a test holds it to. */
export const TOPIC_RECORD_SCHEMAS: Readonly<Record<TopicName, z.ZodType>> = {
  [Topic.loginAttempts]: networkStageRecordSchema,
  [Topic.attemptsByAccount]: accountStageRecordSchema,
  [Topic.banDecisions]: banDecisionRecordSchema,
  [Topic.incidents]: incidentRecordSchema,
  [Topic.verdicts]: verdictRecordSchema,
  [Topic.adminCommands]: adminCommandSchema,
  [Topic.dlq]: deadLetterSchema,
};
