import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

const MiB = 1024 ** 2;

/** Runs curl (a real client, in its own process, so the server's memory is the test process's alone) and returns its output. */
function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

/** Writes a file of `size` bytes that does not compress (so no layer can shrink it), one MiB at a time. */
function bigFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  for (let written = 0; written < size; written += MiB) {
    const chunk = createHash('sha512').update(String(written)).digest();
    writeSync(fd, Buffer.alloc(Math.min(MiB, size - written), chunk));
  }
  closeSync(fd);
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The highest resident set size seen while `work` runs, sampled every 20 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

/** A public repository with one commit and a release v1, for a server. */
async function releaseWorld(server: TestServer, owner: UserRow, name: string, isPrivate = false): Promise<{ path: string; id: number; token: string }> {
  const { db } = server.app.forge;
  const repo = await buildRepo(db, server.config.reposDir, owner, { name, isPrivate });
  pushHistory(repoPath(server.config.reposDir, owner.username, name), [{ message: 'First', files: { 'README.md': '# R\n' } }]);
  await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(repo.id);
  const token = await buildToken(db, owner, ['all']);
  const created = await api(server.url, 'POST', `/repos/${owner.username}/${name}/releases`, { auth: as(token), body: { tag_name: 'v1' } });
  expect(created.status).toBe(201);
  return { path: `/repos/${owner.username}/${name}`, id: created.body.id, token };
}

describe('release attachments', () => {
  let server: TestServer;
  let owner: UserRow;
  let work: string;
  let world: { path: string; id: number; token: string };

  beforeAll(async () => {
    // setup
    server = await startServer();
    owner = await buildUser(server.app.forge.db);
    world = await releaseWorld(server, owner, 'tool');
    work = mkdtempSync(join(tmpdir(), 'fabrique-attachments-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads and downloads a 100 MiB file with curl while the server\'s memory stays flat', async () => {
    // setup: a warm-up upload, so that the code paths are loaded before measuring
    const small = join(work, 'small.bin');
    writeFileSync(small, 'warm-up');
    const warm = await curl(['-f', '-H', `Authorization: token ${world.token}`, '-F', `attachment=@${small}`, `${server.url}/api/v1${world.path}/releases/${world.id}/assets`]);
    expect(warm.code).toBe(0);
    const big = join(work, 'big.bin');
    bigFile(big, 100 * MiB);
    const expected = await sha256(big);
    // test
    const before = process.memoryUsage.rss();
    const upload = await peakRss(() =>
      curl(['-f', '-H', `Authorization: token ${world.token}`, '-F', `attachment=@${big};filename=donnees.bin`, `${server.url}/api/v1${world.path}/releases/${world.id}/assets`]),
    );
    expect(upload.result.code).toBe(0);
    const asset = JSON.parse(upload.result.stdout) as { id: number; name: string; size: number; browser_download_url: string; uuid: string };
    expect(asset).toMatchObject({ name: 'donnees.bin', size: 100 * MiB });
    expect(asset.browser_download_url).toBe(`${server.url}/attachments/${asset.uuid}`);
    const out = join(work, 'out.bin');
    const download = await peakRss(() => curl(['-f', '-o', out, `${server.url}/${owner.username}/tool/releases/download/v1/donnees.bin`]));
    expect(download.result.code).toBe(0);
    expect(statSync(out).size).toBe(100 * MiB);
    expect(await sha256(out)).toBe(expected);
    const growth = Math.max(upload.peak, download.peak) - before;
    expect(growth).toBeLessThan(30 * MiB);
  }, 180_000);

  it('counts downloads, by the tag URL and by the uuid URL', async () => {
    // setup
    const uploaded = await curl(['-f', '-H', `Authorization: token ${world.token}`, '-F', 'attachment=@-;filename=notes.txt', `${server.url}/api/v1${world.path}/releases/${world.id}/assets`]);
    const asset = JSON.parse(uploaded.stdout) as { id: number; uuid: string };
    // test
    const byTag = await fetch(`${server.url}/${owner.username}/tool/releases/download/v1/notes.txt`);
    expect(byTag.status).toBe(200);
    await byTag.arrayBuffer();
    const byUuid = await fetch(`${server.url}/attachments/${asset.uuid}`);
    expect(byUuid.status).toBe(200);
    expect(byUuid.headers.get('content-length')).toBe(String((await byUuid.arrayBuffer()).byteLength));
    const read = await api(server.url, 'GET', `${world.path}/releases/${world.id}/assets/${asset.id}`);
    expect(read.body.download_count).toBe(2);
    expect((await fetch(`${server.url}/${owner.username}/tool/releases/download/v1/none.txt`)).status).toBe(404);
  });

  it('names a hostile file name safely in Content-Disposition, and refuses names with a slash', async () => {
    // setup
    const hostile = 'évil"; filename=x.html; .txt';
    const uploaded = await curl([
      '-f',
      '-H',
      `Authorization: token ${world.token}`,
      '-F',
      'attachment=@-',
      `${server.url}/api/v1${world.path}/releases/${world.id}/assets?name=${encodeURIComponent(hostile)}`,
    ]);
    expect(uploaded.code).toBe(0);
    const asset = JSON.parse(uploaded.stdout) as { uuid: string; name: string };
    expect(asset.name).toBe(hostile);
    // test
    const answer = await fetch(`${server.url}/attachments/${asset.uuid}`);
    const disposition = answer.headers.get('content-disposition') ?? '';
    expect(disposition).toBe(`attachment; filename="_vil__ filename=x.html_ .txt"; filename*=UTF-8''${encodeURIComponent(hostile)}`);
    expect(answer.headers.get('content-type')).toBe('application/octet-stream');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const slash = await api(server.url, 'PATCH', `${world.path}/releases/${world.id}/assets/1`, { auth: as(world.token), body: { name: '../../etc/passwd' } });
    expect(slash.status).toBe(422);
    const rows = await server.app.forge.db.prepare('SELECT count(*) FROM release_attachments').pluck().get();
    const dots = await curl(['-H', `Authorization: token ${world.token}`, '-F', 'attachment=@-;filename=..', '-w', '\n%{http_code}', `${server.url}/api/v1${world.path}/releases/${world.id}/assets`]);
    expect(dots.stdout.split('\n').pop()).toBe('422');
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM release_attachments').pluck().get()).toBe(rows);
  });

  it('answers 404 for the files of a private repository to anyone who may not read it', async () => {
    // setup
    const secret = await releaseWorld(server, owner, 'secret', true);
    const uploaded = await curl(['-f', '-H', `Authorization: token ${secret.token}`, '-F', 'attachment=@-;filename=plan.pdf', `${server.url}/api/v1${secret.path}/releases/${secret.id}/assets`]);
    const asset = JSON.parse(uploaded.stdout) as { uuid: string };
    const stranger = await buildToken(server.app.forge.db, await buildUser(server.app.forge.db), ['all']);
    // test
    for (const headers of [{}, as(stranger)]) {
      expect((await fetch(`${server.url}/attachments/${asset.uuid}`, { headers })).status).toBe(404);
      expect((await fetch(`${server.url}/${owner.username}/secret/releases/download/v1/plan.pdf`, { headers })).status).toBe(404);
    }
    expect((await fetch(`${server.url}/attachments/${asset.uuid}`, { headers: as(secret.token) })).status).toBe(200);
  });
});

describe('the attachment size limit', () => {
  let server: TestServer;
  let root: string;

  beforeAll(async () => {
    // setup: a server whose limit is 1 MiB
    server = await startServer({ env: { FORGE_MAX_ATTACHMENT_BYTES: String(MiB) } });
    root = mkdtempSync(join(tmpdir(), 'fabrique-limit-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 413 with a clear message over the limit and keeps neither a row nor a file', async () => {
    // setup
    const owner = await buildUser(server.app.forge.db);
    const world = await releaseWorld(server, owner, 'tool');
    const file = join(root, 'two.bin');
    bigFile(file, 2 * MiB);
    // test
    const answer = await curl(['-H', `Authorization: token ${world.token}`, '-F', `attachment=@${file}`, '-w', '\n%{http_code}', `${server.url}/api/v1${world.path}/releases/${world.id}/assets`]);
    const [body, status] = answer.stdout.split('\n');
    expect(status).toBe('413');
    expect(JSON.parse(body).message).toContain('1 MiB');
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM release_attachments').pluck().get()).toBe(0);
    const dir = join(server.config.dataDir, 'attachments');
    expect(readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile())).toEqual([]);
  });

  it('removes at the next start what an interrupted upload left', async () => {
    // setup: a temporary upload as a crash leaves it, and a file no row names
    const leftovers = join(server.config.dataDir, 'attachments', '.tmp');
    mkdirSync(leftovers, { recursive: true });
    writeFileSync(join(leftovers, '0b7d6a52-0000-4000-8000-000000000001'), 'half');
    writeFileSync(join(server.config.dataDir, 'attachments', '0b7d6a52-0000-4000-8000-000000000002'), 'orphan');
    // ... and an avatar upload a crash cut short (written as .tmp-*, then renamed)
    mkdirSync(join(server.config.dataDir, 'avatars'), { recursive: true });
    const halfAvatar = join(server.config.dataDir, 'avatars', '.tmp-0b7d6a52-0000-4000-8000-000000000003');
    writeFileSync(halfAvatar, 'half');
    // Left by the process before this one: recovery only removes what is older than its own start.
    const before = new Date(Date.now() - 3_600_000);
    for (const file of [halfAvatar, join(leftovers, '0b7d6a52-0000-4000-8000-000000000001'), join(server.config.dataDir, 'attachments', '0b7d6a52-0000-4000-8000-000000000002')]) {
      utimesSync(file, before, before);
    }
    // test: a server started on the same folders
    const again = await startServer({ env: { FORGE_DATA_DIR: server.config.dataDir, FORGE_REPOS_DIR: server.config.reposDir } });
    try {
      expect(existsSync(join(leftovers, '0b7d6a52-0000-4000-8000-000000000001'))).toBe(false);
      expect(existsSync(join(server.config.dataDir, 'attachments', '0b7d6a52-0000-4000-8000-000000000002'))).toBe(false);
      expect(existsSync(halfAvatar)).toBe(false);
    } finally {
      await again.close();
    }
  });
});
