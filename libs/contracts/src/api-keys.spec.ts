import { parseApiKeys, SCOPES } from './api-keys.js';

describe('parseApiKeys', () => {
  it('parses the example of DESIGN §5', () => {
    const parsed = parseApiKeys('edge:s3cret-00:attempts:write,status:read;soc:t0ken-000:*');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.keys.map((key) => [key.name, key.key, [...key.scopes]])).toEqual([
      ['edge', 's3cret-00', ['attempts:write', 'status:read']],
      ['soc', 't0ken-000', [...SCOPES]],
    ]);
  });

  it.each([
    ['', /holds no key/],
    ['edge:only-two', /entry 1 is not name:key:scopes/],
    [':s3cret-00:*', /empty name/],
    ['edge:short:*', /shorter than 8/],
    ['a:s3cret-00:*;a:s3cret-01:*', /name a is used twice/],
    ['a:s3cret-00:*;b:s3cret-00:*', /repeats another entry's key/],
    ['a:s3cret-00:admin', /unknown scope "admin"/],
  ])('refuses %j', (text, message) => {
    const parsed = parseApiKeys(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
