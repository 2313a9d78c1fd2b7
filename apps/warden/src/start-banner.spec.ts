import { parseApiKeys } from '#warden/config';
import { startBanner } from './start-banner.js';

const parsed = parseApiKeys('local:k3y-k3y-k3y:*');
const key = parsed.ok ? parsed.keys[0]! : undefined!;

describe('startBanner', () => {
  it('gives a reachable URL, the key and a curl line that uses both', () => {
    const banner = startBanner({ url: 'http://[::1]:3000', host: '0.0.0.0', backing: 'embedded PostgreSQL 18', localKey: { key, path: '/srv/.warden/api-key', created: true } });
    expect(banner).toContain('Warden is ready at http://localhost:3000');
    expect(banner).toContain('k3y-k3y-k3y  (every scope; made now and kept in /srv/.warden/api-key)');
    expect(banner).toMatch(/curl -i -X POST http:\/\/localhost:3000\/v1\/attempts -H 'Authorization: Bearer k3y-k3y-k3y'/);
  });

  it('names the host it listens on, and no key when the keys come from WARDEN_API_KEYS', () => {
    const banner = startBanner({ url: 'http://127.0.0.1:8080', host: '127.0.0.1', backing: 'Kafka', localKey: undefined });
    expect(banner).toContain('http://127.0.0.1:8080/v1/attempts');
    expect(banner).toContain('API key:   from WARDEN_API_KEYS');
    expect(banner).toContain("Bearer <key>'");
  });
});
