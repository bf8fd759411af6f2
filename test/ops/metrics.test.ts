import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import parsePrometheusTextFormat, { type PrometheusFamily, type PrometheusSample } from 'parse-prometheus-text-format';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { commitFiles, git, makeWorkTree, repoUrl, tempDir } from '../helpers/git.js';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';

let server: TestServer;
let owner: UserRow;
let token: string;
let repo: RepoRow;
let work: string;

beforeAll(async () => {
  // setup
  // Webhooks may call this machine (the test's receiver), and a failed delivery waits 10 minutes for its retry.
  server = await startServer({ env: { FORGE_METRICS_TOKEN: METRICS_TOKEN, FORGE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', FORGE_WEBHOOK_RETRY_DELAYS: '600' } });
  const { db } = server.app.forge;
  owner = await buildUser(db);
  token = await buildToken(db, owner);
  repo = await buildRepo(db, server.config.reposDir, owner);
  work = await makeWorkTree(3);
  await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
});
afterAll(() => server.close());

/** Scrapes /metrics as Prometheus does and parses it; `text` keeps the exposition itself. */
async function scrape(): Promise<PrometheusFamily[] & { text: string }> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

/** The samples of a family whose labels include `labels`. */
function samples(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): PrometheusSample[] {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name} in /metrics`);
  return family.metrics.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value));
}

/** The sum of the values of the matching samples (counters and gauges). */
function total(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
  return samples(families, name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

/**
 * A labelled histogram's count, read from the text: parse-prometheus-text-format folds every series
 * of a histogram into one (it knows label-less histograms only), so the parse proves the format and
 * this reads the series.
 */
function histogramCount(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('/metrics', () => {
  it('answers 404 when FORGE_METRICS_TOKEN is not set, even to a request with a token', async () => {
    const bare = await startServer();
    try {
      for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}` }] as Array<Record<string, string>>) {
        const response = await fetch(`${bare.url}/metrics`, { headers });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ message: expect.stringMatching(/does not exist/) });
      }
    } finally {
      await bare.close();
    }
  });

  it('answers 401 without the token or with a wrong one, and does not count it as a failed sign-in', async () => {
    for (const authorization of ['', 'Bearer wrong-token-wrong-token-wrong', `Basic ${Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64')}`]) {
      const headers: Record<string, string> = authorization === '' ? {} : { authorization };
      const response = await fetch(`${server.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.json()).toEqual({ message: expect.stringMatching(/metrics token/) });
    }
    // The right token works right after, many times, and the sign-in throttle heard of none of them.
    for (let i = 0; i < 3; i++) await scrape();
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM login_attempts').pluck().get()).toBe(0);
  });

  it('parses as Prometheus text and carries the process metrics (memory, event-loop lag)', async () => {
    const families = await scrape();
    const names = families.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']));
    expect(Number(samples(families, 'process_resident_memory_bytes')[0]?.value)).toBeGreaterThan(1024 * 1024);
    expect(families.find((f) => f.name === 'fabrique_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('counts a clone, its bytes and a fetch with what it had, apart from each other', async () => {
    const before = await scrape();
    const clone = { service: 'git-upload-pack', operation: 'clone' };
    const fetchOp = { service: 'git-upload-pack', operation: 'fetch' };
    // test
    const copy = tempDir('fabrique-clone-');
    await git(['clone', '-q', repoUrl(server.url, owner.username, repo.name), copy]);
    const afterClone = await scrape();
    expect(total(afterClone, 'fabrique_git_operations_total', { ...clone, result: 'ok' })).toBe(
      total(before, 'fabrique_git_operations_total', { ...clone, result: 'ok' }) + 1,
    );
    // The pack of three commits with their files is some hundreds of bytes at least.
    expect(total(afterClone, 'fabrique_git_sent_bytes_total', clone) - total(before, 'fabrique_git_sent_bytes_total', clone)).toBeGreaterThan(500);
    expect(total(afterClone, 'fabrique_git_received_bytes_total', clone)).toBeGreaterThan(total(before, 'fabrique_git_received_bytes_total', clone));

    await commitFiles(work, { 'NEWS.md': 'more\n' }, 'news');
    await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
    await git(['fetch', '-q', 'origin'], { cwd: copy });
    const afterFetch = await scrape();
    expect(total(afterFetch, 'fabrique_git_operations_total', fetchOp)).toBeGreaterThan(total(afterClone, 'fabrique_git_operations_total', fetchOp));
    expect(total(afterFetch, 'fabrique_git_operations_total', clone)).toBe(total(afterClone, 'fabrique_git_operations_total', clone));
    const push = { service: 'git-receive-pack', operation: 'push', result: 'ok' };
    expect(total(afterFetch, 'fabrique_git_operations_total', push)).toBe(total(afterClone, 'fabrique_git_operations_total', push) + 1);
    expect(total(afterFetch, 'fabrique_git_received_bytes_total', { service: 'git-receive-pack' })).toBeGreaterThan(total(afterClone, 'fabrique_git_received_bytes_total', { service: 'git-receive-pack' }));
  });

  it('counts HTTP requests under their route pattern, never the raw URL', async () => {
    await fetch(`${server.url}/api/v1/repos/${owner.username}/${repo.name}`);
    await fetch(`${server.url}/${owner.username}/${repo.name}`, { headers: { accept: 'text/html' } });
    await fetch(`${server.url}/api/v1/no/such/path-${Date.now()}`);
    const families = await scrape();
    const api = { method: 'GET', route: '/api/v1/repos/:owner/:repo', status_code: '200' };
    expect(total(families, 'fabrique_http_requests_total', api)).toBe(1);
    expect(total(families, 'fabrique_http_requests_total', { method: 'GET', route: '/:owner/:repo', status_code: '200' })).toBe(1);
    expect(total(families, 'fabrique_http_requests_total', { route: '(unmatched)', status_code: '404' })).toBeGreaterThanOrEqual(1);
    const routes = samples(families, 'fabrique_http_requests_total').map((sample) => sample.labels?.route ?? '');
    expect(routes.filter((route) => route.includes(owner.username) || route.includes(repo.name) || route.includes('path-'))).toEqual([]);
    expect(families.text).not.toContain(owner.username);
    expect(histogramCount(families.text, 'fabrique_http_request_duration_seconds', 'method="GET",route="/api/v1/repos/:owner/:repo"')).toBe(1);
  });

  it('keeps the counts of each app instance apart, two in one process', async () => {
    const other = await startServer({ env: { FORGE_METRICS_TOKEN: METRICS_TOKEN } });
    try {
      const response = await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.status).toBe(200);
      const families = parsePrometheusTextFormat(await response.text());
      // The first server answered clones and repository reads; this one none.
      expect(samples(families, 'fabrique_git_operations_total')).toEqual([]);
      expect(samples(families, 'fabrique_http_requests_total', { route: '/api/v1/repos/:owner/:repo' })).toEqual([]);
      expect(samples(families, 'process_resident_memory_bytes')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('counts background job runs and failures, webhook attempts and their queue, and database time', async () => {
    // setup: a webhook receiver that answers 500, so the delivery waits for its retry.
    const receiver = createHttpServer((_request, response) => response.writeHead(500).end('down'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      const hook = await fetch(`${server.url}/api/v1/repos/${owner.username}/${repo.name}/hooks`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'gitea', config: { url: `http://127.0.0.1:${port}/hook`, content_type: 'json' }, events: ['push'], active: true }),
      });
      expect(hook.status).toBe(201);
      // test
      await commitFiles(work, { 'CHANGES.md': 'again\n' }, 'changes');
      await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
      // A job that fails, run on the app's own lock, as a mirror sync that cannot reach its remote would.
      await expect(server.app.jobs.run('mirror-sync:0', () => Promise.reject(new Error('unreachable remote')))).rejects.toThrow('unreachable remote');

      // The push's maintenance waits 10 s for more pushes, the delivery is sent at once: scrape until both show.
      let families = await scrape();
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (total(families, 'fabrique_jobs_total', { kind: 'maintenance', result: 'ok' }) < 1 || total(families, 'fabrique_webhook_deliveries_total', { outcome: 'retry' }) < 1)) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        families = await scrape();
      }
      expect(total(families, 'fabrique_jobs_total', { kind: 'maintenance', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(total(families, 'fabrique_jobs_total', { kind: 'mirror-sync', result: 'failed' })).toBe(1);
      expect(total(families, 'fabrique_webhook_deliveries_total', { outcome: 'retry' })).toBe(1);
      expect(total(families, 'fabrique_webhook_deliveries_pending')).toBe(1);
      expect(samples(families, 'fabrique_jobs_pending')).toHaveLength(1);
      expect(total(families, 'fabrique_db_statements_total')).toBeGreaterThan(10);
      expect(total(families, 'fabrique_db_statement_seconds_total')).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 90_000);
});
