import { ServerSentEventParser, type ServerSentEvent } from './server-sent-events.js';

function parse(chunks: string[], lastEventId = ''): { events: ServerSentEvent[]; parser: ServerSentEventParser } {
  const parser = new ServerSentEventParser(lastEventId);
  const events: ServerSentEvent[] = [];
  for (const chunk of chunks) parser.push(chunk, (event) => events.push(event));
  return { events, parser };
}

describe('ServerSentEventParser', () => {
  it('reads events split anywhere, with CRLF or LF, skipping comments', () => {
    const text = 'retry: 1000\n\n: keep-alive\n\nid: 0:1\nevent: decision\ndata: {"a":1}\n\r\nevent: synced\ndata: x\ndata: y\n\n';
    const whole = parse([text]).events;
    const split = parse(text.split('')).events;
    expect(whole).toEqual([
      { id: '0:1', event: 'decision', data: '{"a":1}' },
      { id: '0:1', event: 'synced', data: 'x\ny' },
    ]);
    expect(split).toEqual(whole);
    expect(parse([text]).parser.retryMs).toBe(1000);
  });

  it('keeps the last id across events without one, as Last-Event-ID of a reconnect', () => {
    const { events, parser } = parse(['event: decision\ndata: 1\n\nid: 0:5\nevent: decision\ndata: 2\n\nevent: decision\ndata: 3\n\n'], '0:2');
    expect(events.map((event) => event.id)).toEqual(['0:2', '0:5', '0:5']);
    expect(parser.lastEventId).toBe('0:5');
  });

  it('does not dispatch an unfinished event', () => {
    const { events, parser } = parse(['id: 0:9\nevent: decision\ndata: 1\n'], '0:1');
    expect(events).toEqual([]);
    expect(parser.lastEventId).toBe('0:1');
  });
});
