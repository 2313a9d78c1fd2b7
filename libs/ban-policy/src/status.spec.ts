import { banStatus } from './status.js';

const at = 1_000_000;

describe('banStatus', () => {
  it('no ban: not banned, retryAfter 0, until null, gatewayStatus null', () => {
    expect(banStatus([undefined, null], at)).toEqual({ banned: false, retryAfter: 0, until: null, bans: [], gatewayStatus: null });
  });

  it('ignores bans that have ended (the end is exclusive)', () => {
    expect(banStatus([{ subject: 'ip:203.0.113.7', rule: 'r', level: 1, until: at, visible: true }], at).banned).toBe(false);
  });

  it('the longest ban gives retryAfter and until; any visible ban makes it 429', () => {
    const status = banStatus(
      [
        { subject: 'account:alice', rule: 'account-failures', level: 2, until: at + 1_800_000, visible: false },
        { subject: 'ip:203.0.113.7', rule: 'ip-total', level: 1, until: at + 300_000, visible: true },
      ],
      at,
    );
    expect(status).toMatchObject({ banned: true, retryAfter: 1_800, until: at + 1_800_000, gatewayStatus: 429 });
    expect(status.bans.map((item) => [item.subject, item.scope, item.retryAfter])).toEqual([
      ['account:alice', 'account', 1_800],
      ['ip:203.0.113.7', 'ip', 300],
    ]);
  });

  it('only invisible bans: 401', () => {
    const status = banStatus([{ subject: 'range:203.0.113.0/24', rule: 'range-failures', level: 1, until: at + 5, visible: false }], at);
    expect(status.gatewayStatus).toBe(401);
  });

  it.each([
    [1, 1],
    [999, 1],
    [1_000, 1],
    [1_001, 2],
    [120_000, 120],
  ])('%d ms left is Retry-After %d s (rounded up)', (left, seconds) => {
    expect(banStatus([{ subject: 'ip:192.0.2.1', rule: 'r', level: 1, until: at + left, visible: true }], at).retryAfter).toBe(seconds);
  });
});
