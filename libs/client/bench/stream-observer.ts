import { request } from 'node:http';
import { ServerSentEventParser } from '../src/server-sent-events.js';

/**
 * A bare reader of `GET /v1/decisions/stream` for the bench: Node's HTTP client, each chunk parsed
 * as it comes off the socket, and no cache. When a decision event reaches it is when the server
 * sent it (loopback), so it splits a ban's staleness into the server's part and the client's.
 */
export class StreamObserver {
  private readonly waiting = new Map<string, (at: number) => void>();
  private close?: () => void;

  /** Resolves once the backlog is read (the `synced` event). */
  open(url: string, apiKey: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const parser = new ServerSentEventParser();
      const call = request(`${url}/v1/decisions/stream`, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`decision stream: ${response.statusCode}`));
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          const at = performance.timeOrigin + performance.now();
          parser.push(text, (event) => {
            if (event.event === 'synced') resolve();
            else if (event.event === 'decision') this.waiting.get((JSON.parse(event.data) as { subject: string }).subject)?.(at);
          });
        });
      });
      call.once('error', reject);
      call.end();
      this.close = () => call.destroy();
    });
  }

  /** When the decision on `subject` reaches this reader (epoch ms); ask before it is made. */
  arrival(subject: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(subject, resolve));
  }

  stop(): void {
    this.close?.();
  }
}
