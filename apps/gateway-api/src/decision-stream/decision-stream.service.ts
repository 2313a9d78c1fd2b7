import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { scopeOfSubject } from '#warden/ban-policy';
import { DECISION_STREAM_EPOCH_HEADER } from '#warden/contracts';
import { BUS_EPOCH } from '#warden/kafka';
import { DecisionView, type DecisionPosition, type ViewedDecision } from '../decision-view/decision-view.js';
import { formatCursor } from './decision-cursor.js';

const HEARTBEAT_MS = 15_000;
const CHUNK_CHARS = 64 * 1024;
/** A client this far behind on live events is cut off; it reconnects with its Last-Event-ID and catches up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** A `decision` event; its data is a DecisionStreamEvent (`#warden/contracts`). */
function eventText(decision: ViewedDecision, id: string | undefined): string {
  const data = JSON.stringify({
    subject: decision.subject,
    scope: scopeOfSubject(decision.subject),
    state: decision.state,
    rule: decision.rule,
    level: decision.level,
    until: new Date(decision.until).toISOString(),
    visible: decision.visible,
  });
  return `${id === undefined ? '' : `id: ${id}\n`}event: decision\ndata: ${data}\n\n`;
}

/**
 * Resolves at the response's next `drain` or its `close`, and leaves no listener behind: a large
 * backlog waits for many drains (racing two `once` promises left one listener per wait).
 */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * Server-sent events of ban decisions. A client first gets, for each subject changed after its
 * cursor (`Last-Event-ID`; none means everything), the subject's latest decision — active, lifted
 * or expired — in offset order per partition, each with the cursor reached so far as its id; then a
 * `synced` event; then every new decision as the view applies it (the id on the last event of each
 * batch). Each client has its own cursor, so one that drops and comes back misses nothing.
 */
@Injectable()
export class DecisionStreamService implements BeforeApplicationShutdown {
  private readonly open = new Set<ServerResponse>();
  constructor(
    @Inject(DecisionView) private readonly view: DecisionView,
    /**
     * Names the offsets the cursors count in (header `Warden-Stream-Epoch`). Kafka keeps them
     * across restarts and instances, the in-process bus for as long as its data folder is kept; a
     * client that sees a new epoch (a new folder: offsets started over) must read everything again.
     */
    @Inject(BUS_EPOCH) private readonly epoch: string,
    @Inject(Registry) registry: Registry,
  ) {
    const open = this.open;
    new Gauge({
      name: 'warden_decision_stream_clients',
      help: 'Clients connected to GET /v1/decisions/stream',
      registers: [registry],
      collect() {
        this.set(open.size);
      },
    });
  }

  /** Ends every stream, so the server can close; clients reconnect elsewhere with their cursor. */
  beforeApplicationShutdown(): void {
    for (const response of this.open) response.end();
    this.open.clear();
  }

  async stream(response: ServerResponse, from: DecisionPosition): Promise<void> {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      [DECISION_STREAM_EPOCH_HEADER]: this.epoch,
      // The socket is not reused after a stream: once it ends, the server can close at once.
      Connection: 'close',
    });
    // HEAD: the headers a GET would get, and no stream (one would never end, and carries no body).
    if (response.req.method === 'HEAD') return void response.end();
    let closed = false;
    this.open.add(response);
    response.once('close', () => {
      closed = true;
      this.open.delete(response);
    });
    // Take the backlog and subscribe in one step: nothing applied in between can fall through.
    const backlog = this.view.changedSince(from);
    const synced = formatCursor(this.view.currentPosition());
    let pending: string[] | undefined = [];
    const unsubscribe = this.view.subscribe((decisions, position) => {
      const id = formatCursor(position);
      const text = decisions.map((decision, i) => eventText(decision, i === decisions.length - 1 ? id : undefined)).join('');
      if (pending) pending.push(text);
      else if (!closed) this.writeLive(response, text);
    });
    const heartbeat = setInterval(() => !closed && response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    response.once('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
    });

    response.write('retry: 1000\n\n');
    const cursor = new Map(from);
    let chunk = '';
    for (const decision of backlog) {
      if (closed) return;
      cursor.set(decision.partition, decision.offset + 1);
      chunk += eventText(decision, formatCursor(cursor));
      if (chunk.length >= CHUNK_CHARS) {
        const flushed = response.write(chunk);
        chunk = '';
        if (!flushed) await drainedOrClosed(response);
      }
    }
    if (closed) return;
    response.write(`${chunk}id: ${synced}\nevent: synced\ndata: ${JSON.stringify({ decisions: backlog.length })}\n\n`);
    const buffered = pending.join('');
    pending = undefined;
    if (buffered !== '') this.writeLive(response, buffered);
  }

  private writeLive(response: ServerResponse, text: string): void {
    response.write(text);
    if (response.writableLength > MAX_BUFFERED_BYTES) response.end();
  }
}
