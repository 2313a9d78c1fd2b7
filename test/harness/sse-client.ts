/** One server-sent event as a browser's EventSource would dispatch it. */
export interface ServerSentEvent {
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/**
 * A minimal EventSource over fetch (Node 20 has none), for tests: it parses the stream as the
 * HTML spec says (`id` is remembered across events, as `Last-Event-ID` for a reconnect).
 */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  lastEventId = '';
  status = 0;
  /** The response's headers, once open. */
  responseHeaders?: Headers;
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async open(lastEventId?: string): Promise<this> {
    const response = await fetch(this.url, {
      headers: { ...this.headers, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: this.abort.signal,
    });
    this.status = response.status;
    this.responseHeaders = response.headers;
    if (lastEventId) this.lastEventId = lastEventId;
    if (response.body) this.done = this.read(response.body).catch(() => undefined);
    return this;
  }

  /** Events of one type, their data parsed as JSON. */
  data<T>(event: string): T[] {
    return this.events.filter((each) => each.event === event).map((each) => JSON.parse(each.data) as T);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { id: this.lastEventId, event: '', data: [] as string[] };
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          this.lastEventId = event.id;
          if (event.data.length > 0) this.events.push({ id: event.id, event: event.event || 'message', data: event.data.join('\n') });
          event = { id: this.lastEventId, event: '', data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') event.data.push(value);
        }
      }
    }
  }
}
