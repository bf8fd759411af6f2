import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { buildToken } from '../helpers/factories.js';
import { basic } from '../helpers/http.js';
import { browseFixture, type BrowseFixture } from '../browse/setup.js';

let f: BrowseFixture;
let token: string;

// setup: a public repository with a history, so that git and archives have something to send
beforeAll(async () => {
  f = await browseFixture();
  token = await buildToken(f.server.app.forge.db, f.owner, ['write:repository']);
});
afterAll(async () => {
  await f?.server.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request whose body is kept as sent on the wire (fetch would decode it). */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${f.server.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const ACCEPT = { 'accept-encoding': 'br, gzip' };

/** A git pkt-line. */
const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

describe('compression', () => {
  it('compresses pages, JSON and scripts with brotli or gzip as the client asks', async () => {
    const page = await raw('/explore', { headers: { ...ACCEPT, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    const gzipPage = await raw('/explore', { headers: { 'accept-encoding': 'gzip', accept: 'text/html' } });
    expect(gzipPage.headers['content-encoding']).toBe('gzip');

    const json = await raw(`/api/v1/repos/${f.owner.username}/projet/commits?limit=30`, { headers: ACCEPT });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(json.headers['content-encoding']).toBe('br');

    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await (await fetch(`${f.server.url}/explore`)).text()))?.[1];
    expect(script).toBeDefined();
    const js = await raw(script ?? '', { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['content-type']).toMatch(/javascript/);
  });

  it("never compresses git's smart HTTP streams", async () => {
    const auth = basic(f.owner.username, token);
    const refs = await raw(`/${f.owner.username}/projet.git/info/refs?service=git-upload-pack`, { headers: ACCEPT });
    expect(refs.status).toBe(200);
    expect(refs.headers['content-encoding']).toBeUndefined();
    const head = /([0-9a-f]{40}) HEAD/.exec(refs.body.toString('latin1'))?.[1];
    expect(head).toBeDefined();

    // A whole clone's pack in one stateless request: want HEAD, done.
    const wants = `${pkt(`want ${head} ofs-delta\n`)}0000${pkt('done\n')}`;
    const pack = await raw(`/${f.owner.username}/projet.git/git-upload-pack`, {
      method: 'POST',
      headers: { ...ACCEPT, 'content-type': 'application/x-git-upload-pack-request' },
      body: Buffer.from(wants),
    });
    expect(pack.status).toBe(200);
    expect(pack.headers['content-type']).toBe('application/x-git-upload-pack-result');
    expect(pack.headers['content-encoding']).toBeUndefined();
    expect(pack.body.includes(Buffer.from('PACK'))).toBe(true);

    const pushRefs = await raw(`/${f.owner.username}/projet.git/info/refs?service=git-receive-pack`, { headers: { ...ACCEPT, ...auth } });
    expect(pushRefs.status).toBe(200);
    expect(pushRefs.headers['content-encoding']).toBeUndefined();
    // An empty command list: receive-pack answers (nothing to do) without compression either.
    const push = await raw(`/${f.owner.username}/projet.git/git-receive-pack`, {
      method: 'POST',
      headers: { ...ACCEPT, ...auth, 'content-type': 'application/x-git-receive-pack-request' },
      body: Buffer.from('0000'),
    });
    expect(push.status).toBeLessThan(500);
    expect(push.headers['content-encoding']).toBeUndefined();
  });

  it('never compresses archives', async () => {
    for (const name of ['v1.0.zip', 'v1.0.tar.gz']) {
      const archive = await raw(`/api/v1/repos/${f.owner.username}/projet/archive/${name}`, { headers: ACCEPT });
      expect(archive.status, name).toBe(200);
      expect(archive.headers['content-disposition'], name).toMatch(/^attachment/);
      expect(archive.headers['content-encoding'], name).toBeUndefined();
    }
  });
});
