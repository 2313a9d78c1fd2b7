import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { documentedSchemaOf, resolveRefs } from '../test/schema-document.js';
import { TOPIC_RECORD_SCHEMAS } from './topic-records.js';
import { TOPIC_SPECS, Topic } from './topics.js';

interface AsyncApiDocument {
  channels: Record<string, { address: string; messages: Record<string, unknown>; bindings?: { kafka?: { topicConfiguration?: Record<string, unknown> } } }>;
}

const document = parse(readFileSync(join(process.cwd(), 'docs', 'asyncapi.yaml'), 'utf8')) as AsyncApiDocument;
const channelOf = (topic: string) => Object.values(document.channels).find((channel) => channel.address === topic);

/** docs/asyncapi.yaml against the schemas and topic settings the code uses. */
describe('docs/asyncapi.yaml', () => {
  it('has one channel per topic of DESIGN §6, and no other', () => {
    expect(Object.values(document.channels).map((channel) => channel.address).sort()).toEqual(Object.values(Topic).sort());
  });

  it.each(Object.values(Topic))('documents the values of %s as the code reads and writes them', (topic) => {
    const messages = Object.values(channelOf(topic)!.messages).map((message) => resolveRefs(message, document) as { payload: unknown });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.payload).toEqual(documentedSchemaOf(TOPIC_RECORD_SCHEMAS[topic]));
  });

  it.each(TOPIC_SPECS.map((spec) => [spec.name, spec] as const))('gives %s the topic settings Warden creates it with', (topic, spec) => {
    const documented = channelOf(topic)!.bindings?.kafka?.topicConfiguration ?? {};
    const asText = Object.fromEntries(Object.entries(documented).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]));
    expect(asText).toEqual(spec.config);
  });
});
