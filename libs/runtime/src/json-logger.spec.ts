import { jsonLogger } from './json-logger.js';

function captured(level = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = jsonLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('writes level, ISO time and a string msg, with the fields beside them', () => {
    const { logger, lines } = captured('trace');
    logger.log({ msg: 'consuming', topic: 'auth.incidents' }, 'IncidentsConsumer');
    logger.warn('plain text');
    logger.debug({ count: 3 });
    logger.verbose('fine detail');
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      ['info', 'consuming'],
      ['warn', 'plain text'],
      ['debug', ''],
      ['debug', 'fine detail'],
    ]);
    expect(lines[0]).toMatchObject({ context: 'IncidentsConsumer', topic: 'auth.incidents' });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });

  it("reads Nest's error(message, stack, context) and Errors", () => {
    const { logger, lines } = captured();
    logger.error('it broke', 'Error: it broke\n    at x', 'ExceptionHandler');
    logger.error(new TypeError('bad type'));
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'it broke', stack: 'Error: it broke\n    at x', context: 'ExceptionHandler' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'bad type', err: { type: 'TypeError', message: 'bad type' } });
  });

  it('keeps a field named level or time from clobbering the line', () => {
    const { logger, lines } = captured();
    logger.log({ msg: 'ban', level: 3, time: 'later' });
    expect(lines[0]).toMatchObject({ level: 'info', levelField: 3, timeField: 'later' });
  });

  it('redacts secret fields wherever they sit', () => {
    const { logger, lines } = captured();
    logger.warn({ msg: 'odd request', headers: { authorization: 'Bearer k3y' }, record: { payload: { credentialFingerprint: 'fp' } }, password: 'pw' });
    expect(JSON.stringify(lines[0])).not.toMatch(/k3y|"fp"|"pw"/);
  });

  it('writes nothing below its level', () => {
    const { logger, lines } = captured('warn');
    logger.log('hidden');
    logger.debug('hidden');
    expect(lines).toEqual([]);
  });
});
