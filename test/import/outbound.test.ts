import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress, parseCloneAddress, redactUrl } from '../../server/lib/outbound.js';
import { parseDuration, formatDuration } from '../../server/lib/duration.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { git, makeWorkTree, repoUrl } from '../helpers/git.js';

describe('outbound address checks', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '100.127.255.254', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  // IPv6 forms that carry a loopback, link-local or private IPv4 address, and IPv6's own special ranges.
  it.each([
    '::7f00:1', '::127.0.0.1', '::a9fe:a9fe', '::a00:1', // IPv4-compatible
    '::ffff:7f00:1', '::ffff:0:7f00:1', // IPv4-mapped, IPv4-translated
    '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::808:808', // NAT64, local-use NAT64
    '2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101::', // 6to4
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo whose (obfuscated) client is 127.0.0.1
    '2001:db8::1', '100::1', 'fec0::1', 'fe80::1%eth0', // documentation, discard, site-local, zoned link-local
    '192.0.2.1', '198.51.100.7', '203.0.113.9', // documentation
    'localhost', '', '127.1', '0x7f000001', // not an address: never connected to as such
  ])('refuses the IPv6 or odd form %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '93.184.215.14', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2a01:4f8::1', '2606:4700::1111', '::ffff:8.8.8.8',
    '64:ff9b::808:808', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('accepts %s', (address) => {
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

describe('import from an IPv6 literal address', () => {
  // The forge listens on 127.0.0.1; a relay on [::1] makes it reachable by an IPv6 literal.
  let open: TestServer;
  let closed: TestServer;
  let relay: Server;
  let relayPort: number;
  const sockets = new Set<Socket>();
  let token: string;

  beforeAll(async () => {
    // setup
    open = await startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true' } });
    closed = await startServer();
    const owner = await buildUser(open.app.forge.db, { username: 'metropole' });
    token = await buildToken(open.app.forge.db, owner, ['all']);
    await buildRepo(open.app.forge.db, open.config.reposDir, owner, { name: 'carto' });
    const work = await makeWorkTree(2, 'main');
    await git(['push', repoUrl(open.url, 'metropole', 'carto', { user: 'metropole', secret: token }), 'main'], { cwd: work });
    const target = Number(new URL(open.url).port);
    relay = createServer((socket) => {
      const upstream = connect(target, '127.0.0.1');
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => relay.listen(0, '::1', resolve));
    relayPort = (relay.address() as { port: number }).port;
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay?.close(resolve));
    await closed?.close();
    await open?.close();
  });

  it('imports from http://[::1]:port/ when private addresses are allowed', async () => {
    // test
    const res = await api(open.url, 'POST', '/repos/migrate', {
      auth: { authorization: `token ${token}` },
      body: { clone_addr: `http://[::1]:${relayPort}/metropole/carto.git`, repo_name: 'carto-v6' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const branches = await api(open.url, 'GET', '/repos/metropole/carto-v6/branches', { auth: { authorization: `token ${token}` } });
    expect(branches.body.map((b: { name: string }) => b.name)).toEqual(['main']);
  });

  it('refuses it, storing nothing, when they are not', async () => {
    const owner = await buildUser(closed.app.forge.db);
    const res = await api(closed.url, 'POST', '/repos/migrate', {
      auth: { authorization: `token ${await buildToken(closed.app.forge.db, owner, ['all'])}` },
      body: { clone_addr: `http://[::1]:${relayPort}/metropole/carto.git`, repo_name: 'carto-v6' },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/private, loopback or link-local address \(::1\)/);
    expect(await closed.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get()).toBe(0);
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
