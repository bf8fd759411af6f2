import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { openDb, type Db } from '../../server/db/index.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, makeWorkTree, repoUrl, tempDir } from '../helpers/git.js';

const NGINX = '/usr/sbin/nginx';
const PROXY_CONF = join(PROJECT_ROOT, 'deploy', 'nginx', 'fabrique-proxy.conf');
const SITE_CONF = join(PROJECT_ROOT, 'deploy', 'nginx', 'fabrique.conf');
/** The client's own loopback address: neither nginx's (127.0.0.1) nor trusted by the forge. */
const CLIENT_ADDRESS = '127.0.0.2';

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A GET from CLIENT_ADDRESS: status, body. */
function getFrom(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress: CLIENT_ADDRESS, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function until(what: string, check: () => Promise<boolean>, seconds = 90): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

let root: string;
let forge: ChildProcess;
let nginx: ChildProcess;
let forgeLog = '';
let nginxOutput = '';
let forgeUrl: string;
let proxyUrl: string;
let db: Db;
let owner: UserRow;
let token: string;
let repo: RepoRow;

/** The forge's log lines (pino JSON) for requests whose URL contains `marker`. */
function logLinesFor(marker: string): Array<{ req?: { url?: string; remoteAddress?: string } }> {
  return forgeLog
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { req?: { url?: string; remoteAddress?: string } })
    .filter((entry) => entry.req?.url?.includes(marker));
}

beforeAll(async () => {
  // setup: a real forge (its own process, its JSON logs on stdout) trusting nginx at 127.0.0.1 only.
  root = mkdtempSync(join(tmpdir(), 'fabrique-nginx-'));
  const forgePort = await freePort();
  const proxyPort = await freePort();
  forgeUrl = `http://127.0.0.1:${forgePort}`;
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
  forge = spawn('node', ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      HOST: '127.0.0.1',
      PORT: String(forgePort),
      FORGE_DATA_DIR: join(root, 'data'),
      FORGE_REPOS_DIR: join(root, 'repos'),
      FORGE_BASE_URL: proxyUrl,
      FORGE_TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forge.stdout?.on('data', (chunk: Buffer) => (forgeLog += chunk.toString()));
  forge.stderr?.on('data', (chunk: Buffer) => (forgeLog += chunk.toString()));

  // nginx with the deployed proxy file, in a wrapper for 127.0.0.1 without TLS (the site's server block minus its certificates).
  mkdirSync(join(root, 'nginx', 'snippets'), { recursive: true });
  copyFileSync(PROXY_CONF, join(root, 'nginx', 'snippets', 'fabrique-proxy.conf'));
  const prefix = join(root, 'nginx');
  const asRoot = process.getuid?.() === 0;
  // As root, nginx's workers drop to nobody: they must be able to write their temporary files.
  if (asRoot) chownSync(prefix, 65534, 65534);
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${asRoot ? 'user nobody nogroup;' : ''}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
events { worker_connections 256; }
http {
    access_log ${prefix}/access.log;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    upstream fabrique {
        server 127.0.0.1:${forgePort};
        keepalive 8;
    }
    server {
        listen 127.0.0.1:${proxyPort};
        server_name localhost;
        include snippets/fabrique-proxy.conf;
    }
}
`,
  );
  nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stderr?.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));

  await until(`the forge answering (${forgeLog})`, async () => (await fetch(`${forgeUrl}/api/healthz`)).ok);
  await until(`nginx answering (${nginxOutput})`, async () => (await fetch(`${proxyUrl}/api/healthz`)).ok, 20);
  // The forge's database, opened beside it (WAL allows it) for the account, token and repository.
  db = openDb(join(root, 'data', 'fabrique.db'));
  owner = await buildUser(db);
  token = await buildToken(db, owner);
  repo = await buildRepo(db, join(root, 'repos'), owner);
}, 120_000);

afterAll(async () => {
  await db?.close();
  for (const child of [nginx, forge]) {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe('nginx in front of Fabrique (deploy/nginx)', () => {
  it('takes a push larger than nginx\'s default 1 MB body and serves the clone back', async () => {
    // test
    const work = await makeWorkTree(2);
    // Random bytes do not compress: the pack is over 3 MB, git sends it chunked in one POST.
    const big = randomBytes(3 * 1024 * 1024);
    const head = await commitFiles(work, { 'data/blob.bin': big }, 'a large file');
    await git(['push', repoUrl(proxyUrl, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });

    const copy = tempDir('fabrique-nginx-clone-');
    await git(['clone', '-q', repoUrl(proxyUrl, owner.username, repo.name), copy]);
    expect((await git(['rev-parse', 'HEAD'], { cwd: copy })).trim()).toBe(head);
    expect(readFileSync(join(copy, 'data', 'blob.bin')).equals(big)).toBe(true);
  }, 120_000);

  it('serves pages and the API through the proxy, with links on the public address', async () => {
    const page = await getFrom(`${proxyUrl}/${owner.username}/${repo.name}`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    const api = await getFrom(`${proxyUrl}/api/v1/repos/${owner.username}/${repo.name}`);
    expect(api.status).toBe(200);
    const shown = JSON.parse(api.body) as { full_name: string; clone_url: string };
    expect(shown.full_name).toBe(`${owner.username}/${repo.name}`);
    expect(shown.clone_url).toBe(`${proxyUrl}/${owner.username}/${repo.name}.git`);
    // /metrics stays off the public site.
    expect((await getFrom(`${proxyUrl}/metrics`)).status).toBe(404);
  });

  it('logs the client address nginx saw, and ignores X-Forwarded-For from anyone but the trusted proxy', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.9' };
    await getFrom(`${proxyUrl}/api/v1/version?through=proxy`, spoofed);
    await getFrom(`${forgeUrl}/api/v1/version?through=direct`, spoofed);
    await until('the log lines', async () => logLinesFor('through=proxy').length > 0 && logLinesFor('through=direct').length > 0, 10);
    // Through nginx: the client's address (nginx replaced the header the client made up).
    expect(logLinesFor('through=proxy').map((entry) => entry.req?.remoteAddress)).toEqual([CLIENT_ADDRESS]);
    // Straight to the forge from an untrusted peer: its X-Forwarded-For is not believed.
    expect(logLinesFor('through=direct').map((entry) => entry.req?.remoteAddress)).toEqual([CLIENT_ADDRESS]);
    expect(forgeLog).not.toContain('203.0.113.9"');
  });

  it('has a site file nginx accepts once its certificate is in place', () => {
    // setup: a self-signed certificate where the site file's placeholders point.
    const site = join(root, 'site');
    mkdirSync(join(site, 'snippets'), { recursive: true });
    copyFileSync(PROXY_CONF, join(site, 'snippets', 'fabrique-proxy.conf'));
    const key = join(site, 'forge.key');
    const cert = join(site, 'forge.pem');
    const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=forge.example.org', '-days', '1', '-keyout', key, '-out', cert]);
    expect(openssl.status).toBe(0);
    const text = readFileSync(SITE_CONF, 'utf8')
      .replace('/etc/ssl/fabrique/forge.example.org.fullchain.pem', cert)
      .replace('/etc/ssl/fabrique/forge.example.org.key', key);
    writeFileSync(join(site, 'fabrique.conf'), text);
    writeFileSync(join(site, 'nginx.conf'), `pid ${site}/nginx.pid;\nerror_log ${site}/error.log;\nevents {}\nhttp {\n    include fabrique.conf;\n}\n`);
    // test
    const check = spawnSync(NGINX, ['-t', '-p', site, '-c', join(site, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.stderr).toContain('test is successful');
    expect(check.status).toBe(0);
  });
});
