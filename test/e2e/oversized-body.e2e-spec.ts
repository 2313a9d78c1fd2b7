import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { startNginx, type RunningNginx } from '../harness/nginx.js';
import { rawHttp } from '../harness/raw-http.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { waitFor } from '../harness/wait-for.js';

const FIVE_MB = 5 * 1024 * 1024;
const body = Buffer.alloc(FIVE_MB, 'a');
const chunks = Array.from({ length: FIVE_MB / 65_536 }, (_, i) => body.subarray(i * 65_536, (i + 1) * 65_536));

/**
 * Issue 13 item 10: a body over WARDEN_MAX_BODY_BYTES (2 MiB by default) gets its 413 problem
 * through a proxy whose own limit is higher, and directly, without a reset. Warden used to answer
 * while the body was still arriving and close, so nginx said 502 and a client could see ECONNRESET.
 */
describe('a 5 MB body to POST /v1/attempts', () => {
  let gateway: RunningApp;
  let nginx: RunningNginx;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('body') });
    nginx = await startNginx(
      `upstream warden { server 127.0.0.1:${new URL(gateway.url).port}; keepalive 16; }\n` +
        `server {\n  listen LISTEN;\n  client_max_body_size 10m;\n` +
        `  location / { proxy_pass http://warden; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n`,
    );
    await waitFor('nginx to listen', () => fetch(`${nginx.url}/health/live`).then((response) => (response.ok ? true : undefined)), 15_000);
  });

  afterAll(async () => {
    await nginx?.stop();
    await gateway?.close();
  });

  const head = (framing: string) =>
    `POST /v1/attempts HTTP/1.1\r\nHost: warden\r\nAuthorization: Bearer ${EDGE_KEY}\r\nContent-Type: application/json\r\n${framing}\r\n`;

  function expectTooLarge(answer: { status: number; headers: Readonly<Record<string, string>>; body: string; error?: string }) {
    expect({ status: answer.status, error: answer.error }).toEqual({ status: 413, error: undefined });
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, errorCode: 'body_too_large' });
  }

  it('is a 413 problem through nginx, not a 502', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${nginx.url}/v1/attempts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      expect({ status: response.status, nginx: response.status === 502 ? nginx.errorLog().slice(-500) : '' }).toEqual({ status: 413, nginx: '' });
      expect(JSON.parse(text)).toMatchObject({ status: 413, errorCode: 'body_too_large' });
    }
  });

  it('is a 413 problem on a direct socket, sent with Content-Length, without a reset', async () => {
    for (let i = 0; i < 3; i++) expectTooLarge(await rawHttp(gateway.url, [head(`Content-Length: ${FIVE_MB}\r\n`), ...chunks]));
  });

  it('is a 413 problem on a direct socket, sent chunked, without a reset', async () => {
    const framed = chunks.map((chunk) => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    for (let i = 0; i < 3; i++) expectTooLarge(await rawHttp(gateway.url, [head('Transfer-Encoding: chunked\r\n'), ...framed, '0\r\n\r\n']));
  });
});
