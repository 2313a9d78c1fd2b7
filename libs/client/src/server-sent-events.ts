/** One server-sent event as an EventSource dispatches it. */
export interface ServerSentEvent {
  /** The last event id seen on the stream so far (ids carry over to events without one). */
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/**
 * An incremental parser of `text/event-stream` (WHATWG HTML §9.2.6), fed decoded text as it
 * arrives: `id` persists across events, as `Last-Event-ID` of a reconnect; `retry` is kept as the
 * server's reconnection hint; comment lines (`: keep-alive`) are skipped.
 */
export class ServerSentEventParser {
  lastEventId: string;
  /** The server's `retry:` hint in ms, if it sent one. */
  retryMs: number | undefined;
  private buffer = '';
  private eventType = '';
  private data: string[] = [];
  private pendingId: string;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.pendingId = lastEventId;
  }

  /** Parses `text` on from where the last call stopped; calls `dispatch` for each complete event. */
  push(text: string, dispatch: (event: ServerSentEvent) => void): void {
    this.buffer += text;
    let start = 0;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n', start)) >= 0) {
      let end = newline;
      if (end > start && this.buffer.charCodeAt(end - 1) === 13) end--;
      this.line(this.buffer.slice(start, end), dispatch);
      start = newline + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string, dispatch: (event: ServerSentEvent) => void): void {
    if (line === '') {
      this.lastEventId = this.pendingId;
      if (this.data.length > 0) dispatch({ id: this.lastEventId, event: this.eventType || 'message', data: this.data.join('\n') });
      this.eventType = '';
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' a comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.pendingId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}
