import { parseApiKeys } from '#warden/contracts';
import { startBanner } from './start-banner.js';

const parsed = parseApiKeys('local:k3y-k3y-k3y:*');
const key = parsed.ok ? parsed.keys[0]! : undefined!;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('startBanner', () => {
  it('on the first start, shows the key once, and a curl line that reads it from its file', () => {
    const banner = startBanner({ url: 'http://127.0.0.1:3000', hosts: ['127.0.0.1', '::1'], backing: 'embedded PostgreSQL 18', localKey: { key, path: '/srv/.warden/api-key', created: true } });
    expect(banner).toContain('Warden is ready at http://127.0.0.1:3000');
    expect(banner).toContain('Listening: 127.0.0.1 and ::1 only; set HOST=0.0.0.0 to accept other machines');
    expect(banner).toContain('k3y-k3y-k3y  (every scope; made now and kept in /srv/.warden/api-key; shown this once)');
    expect(occurrences(banner, 'k3y-k3y-k3y')).toBe(1);
    expect(banner).toContain(`curl -i -X POST http://127.0.0.1:3000/v1/attempts -H "Authorization: Bearer $(cut -d: -f2 '/srv/.warden/api-key')"`);
  });

  it('on later starts, says where the key is and never shows it', () => {
    const banner = startBanner({ url: 'http://127.0.0.1:3000', hosts: ['127.0.0.1'], backing: 'embedded PostgreSQL 18', localKey: { key, path: '/srv/.warden/api-key', created: false } });
    expect(banner).not.toContain('k3y-k3y-k3y');
    expect(banner).toContain('API key:   kept in /srv/.warden/api-key (every scope; the key is its middle field)');
  });

  it('names a machine for a wildcard address and says others can reach it', () => {
    const banner = startBanner({ url: 'http://[::]:3000', hosts: ['0.0.0.0'], backing: 'Kafka', localKey: undefined });
    expect(banner).toContain('Warden is ready at http://localhost:3000');
    expect(banner).toContain('every interface (HOST): other machines can reach it');
  });

  it('names the host it listens on, and no key when the keys come from WARDEN_API_KEYS', () => {
    const banner = startBanner({ url: 'http://[::1]:8080', hosts: ['::1'], backing: 'Kafka', localKey: undefined });
    expect(banner).toContain('http://[::1]:8080/v1/attempts');
    expect(banner).toContain('API key:   from WARDEN_API_KEYS');
    expect(banner).toContain("Bearer <key>'");
  });
});
