import { WardenError } from '../../apps/cli/src/warden-error.js';
import { DEFAULT_URL, demoOptions } from './demo-options.js';

const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

describe('demoOptions', () => {
  it('takes flags before the environment, and the environment before the defaults', () => {
    const env = { WARDEN_URL: 'http://warden.internal:8080/', WARDEN_API_KEY: 'from-env-key' };
    expect(demoOptions(['--url', 'https://w.example/', '--key', 'from-flag-key', '--timeout', '5'], env, noFile)).toEqual({
      url: 'https://w.example',
      apiKey: 'from-flag-key',
      timeoutMs: 5_000,
    });
    expect(demoOptions([], env, noFile)).toEqual({ url: 'http://warden.internal:8080', apiKey: 'from-env-key', timeoutMs: 30_000 });
  });

  it('reads the key the embedded mode keeps in its data folder when none is given', () => {
    const read: string[] = [];
    const keyFile = (path: string) => (read.push(path), 'local:generated-key:*\n');
    expect(demoOptions([], {}, keyFile)).toMatchObject({ url: DEFAULT_URL, apiKey: 'generated-key' });
    expect(demoOptions([], { WARDEN_DATA_DIR: '/var/lib/warden' }, keyFile)).toMatchObject({ apiKey: 'generated-key' });
    expect(read).toEqual(['.warden/api-key', '/var/lib/warden/api-key']);
  });

  it('says every way to give a key when there is none', () => {
    expect(() => demoOptions([], { WARDEN_API_KEY: ' ' }, noFile)).toThrow(
      /No API key: --key and WARDEN_API_KEY are not set, and \.warden\/api-key cannot be read \(ENOENT\)\. Start Warden with `npm start`/,
    );
    expect(() => demoOptions([], {}, () => 'just-a-key\n')).toThrow(/\.warden\/api-key does not hold one name:key:scopes entry/);
  });

  it.each([
    [['--url', 'localhost:3000'], /--url \/ WARDEN_URL: "localhost:3000" must be an http:\/\/ or https:\/\/ URL/],
    [['--url', 'not a url'], /"not a url" is not a URL/],
    [['--timeout=-1'], /--timeout: "-1" must be a positive number of seconds/],
    [['--timeout', 'soon'], /--timeout: "soon" must be a positive number of seconds/],
    [['--verbose'], /Unknown option '--verbose'[\s\S]*Usage: npm run demo/],
  ])('refuses %j with a message naming the flag', (argv, message) => {
    const attempt = () => demoOptions(argv, { WARDEN_API_KEY: 'some-key-123' }, noFile);
    expect(attempt).toThrow(WardenError);
    expect(attempt).toThrow(message);
  });

  it('answers help to --help and -h', () => {
    expect(demoOptions(['--help'], {}, noFile)).toBe('help');
    expect(demoOptions(['-h'], {}, noFile)).toBe('help');
  });
});
