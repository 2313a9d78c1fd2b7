import { ConfigError, loadConfig } from './warden-config.js';

describe('WARDEN_TRUSTED_PROXIES and WARDEN_VERDICT_TIMEOUT_MS', () => {
  it('default to no trusted proxy and 2,000 ms', () => {
    expect(loadConfig({})).toMatchObject({ trustedProxies: [], verdictTimeoutMs: 2_000 });
  });

  it('reads CIDRs and bare addresses, IPv4 and IPv6', () => {
    const { trustedProxies } = loadConfig({ WARDEN_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1, fd00::/8' });
    expect(trustedProxies).toEqual([
      { network: { version: 4, value: 0x0a000000 }, prefix: 8 },
      { network: { version: 4, value: 0x7f000001 }, prefix: 32 },
      { network: { version: 6, groups: [0, 0, 0, 0, 0, 0, 0, 1] }, prefix: 128 },
      { network: { version: 6, groups: [0xfd00, 0, 0, 0, 0, 0, 0, 0] }, prefix: 8 },
    ]);
  });

  it('names the variable and the bad entry', () => {
    expect(() => loadConfig({ WARDEN_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ WARDEN_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(/WARDEN_TRUSTED_PROXIES: "proxy.local"/);
    expect(() => loadConfig({ WARDEN_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/WARDEN_TRUSTED_PROXIES/);
    expect(() => loadConfig({ WARDEN_VERDICT_TIMEOUT_MS: '0' })).toThrow(/WARDEN_VERDICT_TIMEOUT_MS/);
  });
});
