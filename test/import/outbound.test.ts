import { describe, expect, it } from 'vitest';
import { isPrivateAddress, parseCloneAddress, redactUrl } from '../../server/lib/outbound.js';
import { parseDuration, formatDuration } from '../../server/lib/duration.js';

describe('outbound address checks', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '100.127.255.254', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2a01:4f8::1', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('takes credentials out of a clone address', () => {
    const address = parseCloneAddress('https://ada:s%40cret@forge.example.org:8443/m/carto.git?x=1#y');
    expect(address).toEqual({ url: 'https://forge.example.org:8443/m/carto.git', hostname: 'forge.example.org', port: 8443, username: 'ada', password: 's@cret' });
    expect(parseCloneAddress('http://[::1]/a.git')).toMatchObject({ hostname: '::1', port: 80 });
    expect(redactUrl('https://ada:secret@x.org/a')).toBe('https://x.org/a');
  });

  it.each(['file:///etc', 'ssh://git@x.org/a.git', 'git://x.org/a.git', 'ext::sh -c id', '/etc/passwd', 'git@x.org:a/b.git'])('refuses %s', (raw) => {
    expect(() => parseCloneAddress(raw)).toThrow(/http/);
  });
});

describe('mirror intervals', () => {
  it('reads and writes Gitea durations', () => {
    expect(parseDuration('8h0m0s')).toBe(28800);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('soon')).toBeNull();
    expect(formatDuration(28800)).toBe('8h0m0s');
  });
});
