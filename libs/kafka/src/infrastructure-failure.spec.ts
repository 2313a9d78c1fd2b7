import { isInfrastructureFailure } from './infrastructure-failure.js';

const withCode = (code: string, name = 'error') => Object.assign(new Error(name), { code });

describe('infrastructure failures', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a terminated backend (57P01)', withCode('57P01')],
    ['a deadlock (40P01)', withCode('40P01')],
    ['a missing table (42P01)', withCode('42P01')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a broker timeout', Object.assign(new Error('timeout'), { name: 'KafkaJSRequestTimeoutError' })],
    ['a wrapped one', new Error('batch failed', { cause: withCode('08006') })],
    ['a raw query on a missing table, through Prisma', Object.assign(new Error('Raw query failed. Code: `42P01`. Message: `relation "subject_states" does not exist`'), { name: 'PrismaClientKnownRequestError', code: 'P2010' })],
    ['Prisma unable to reach the server', Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code: 'P1001' })],
    ['a model query on a missing table, through Prisma (P2021)', Object.assign(new Error('The table `public.engine_checkpoints` does not exist'), { name: 'PrismaClientKnownRequestError', code: 'P2021' })],
  ])('include %s', (_what, error) => expect(isInfrastructureFailure(error)).toBe(true));

  it.each([
    ['a NUL in text (22021)', withCode('22021')],
    ['a value too long (22001)', withCode('22001')],
    ['a unique violation (23505)', withCode('23505')],
    ['a bug or bad content', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a message too large for the broker', Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', retriable: false })],
    ['a raw query refusing a NUL, through Prisma', Object.assign(new Error('Raw query failed. Code: `22021`.'), { name: 'PrismaClientKnownRequestError', code: 'P2010' })],
    ['a Prisma unique violation', Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code: 'P2002' })],
    ['not an error at all', 'boom'],
  ])('exclude %s', (_what, error) => expect(isInfrastructureFailure(error)).toBe(false));
});
