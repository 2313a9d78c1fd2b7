import { loadConfig } from '#warden/runtime';
import { ClientAddressResolver } from './client-address.js';

const resolver = (trusted: string) => new ClientAddressResolver(loadConfig({ WARDEN_TRUSTED_PROXIES: trusted }));

describe('ClientAddressResolver', () => {
  const behindProxies = resolver('10.0.0.0/8, ::1');

  it('takes the peer when it is not a trusted proxy, whatever the headers say', () => {
    expect(behindProxies.resolve('203.0.113.9', { 'x-forwarded-for': '198.51.100.1' })).toEqual({ ip: '203.0.113.9', forwarded: false });
    expect(resolver('').resolve('::ffff:127.0.0.1', { 'x-real-ip': '198.51.100.1' })).toEqual({ ip: '127.0.0.1', forwarded: false });
  });

  it('takes the rightmost untrusted address of X-Forwarded-For from a trusted peer', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.1.1.1' };
    expect(behindProxies.resolve('::ffff:10.0.0.2', headers)).toEqual({ ip: '198.51.100.7', forwarded: true });
    expect(behindProxies.resolve('::1', { 'x-forwarded-for': ['6.6.6.6', '2001:DB8::0:1'] })).toEqual({ ip: '2001:db8::1', forwarded: true });
  });

  it('reads ports and brackets, and falls back to X-Real-IP', () => {
    expect(behindProxies.resolve('10.0.0.2', { 'x-forwarded-for': '[2001:db8::5]:443' }).ip).toBe('2001:db8::5');
    expect(behindProxies.resolve('10.0.0.2', { 'x-forwarded-for': '198.51.100.7:5123' }).ip).toBe('198.51.100.7');
    expect(behindProxies.resolve('10.0.0.2', { 'x-real-ip': '198.51.100.8' })).toEqual({ ip: '198.51.100.8', forwarded: true });
  });

  it('stops at an entry that is no address, and takes the peer when nothing was forwarded', () => {
    expect(behindProxies.resolve('10.0.0.2', { 'x-forwarded-for': 'unknown, 10.9.9.9' })).toEqual({ ip: '10.9.9.9', forwarded: true });
    expect(behindProxies.resolve('10.0.0.2', { 'x-forwarded-for': 'garbage' })).toEqual({ ip: '10.0.0.2', forwarded: false });
    expect(behindProxies.resolve('10.0.0.2', {})).toEqual({ ip: '10.0.0.2', forwarded: false });
  });
});
