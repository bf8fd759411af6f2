import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PAGES, PatternMatcher } from '../../contract/routes.js';
import type { Db } from '../db/index.js';
import { notFound, unauthorized } from '../errors.js';
import type { GitExchange } from '../services/git-transport.js';
import '../context.js';

/** Seconds: from a cached API read (~1 ms) to a large clone (a minute). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const GIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Methods a route can have: anything else is counted as OTHER, so that a client cannot add label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The label of a request no route and no page matched (404s, probes): one series, whatever the URL. */
const UNMATCHED = '(unmatched)';

/** The forge's own metrics, owned by one app instance (its registry is not prom-client's global one). */
export class ForgeMetrics {
  readonly registry = new Registry();
  // Counters carry the outcome, histograms only what the latency depends on: a histogram's buckets
  // multiply its series, and status codes would multiply them again.
  private readonly httpRequests = new Counter({
    name: 'fabrique_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'fabrique_http_request_duration_seconds',
    help: 'How long HTTP answers took, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly gitOperations = new Counter({
    name: 'fabrique_git_operations_total',
    help: 'Clones, fetches and pushes over smart HTTP (one POST each) by service, operation and result.',
    labelNames: ['service', 'operation', 'result'],
    registers: [this.registry],
  });
  private readonly gitDuration = new Histogram({
    name: 'fabrique_git_operation_duration_seconds',
    help: 'How long git ran for a clone, fetch or push, by service and operation.',
    labelNames: ['service', 'operation'],
    buckets: GIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly gitSent = new Counter({
    name: 'fabrique_git_sent_bytes_total',
    help: 'Bytes git sent to clients (packs of clones and fetches, push reports).',
    labelNames: ['service', 'operation'],
    registers: [this.registry],
  });
  private readonly gitReceived = new Counter({
    name: 'fabrique_git_received_bytes_total',
    help: 'Bytes clients sent to git (packs of pushes, the wants and haves of fetches), decompressed.',
    labelNames: ['service', 'operation'],
    registers: [this.registry],
  });
  private readonly jobRuns = new Counter({
    name: 'fabrique_jobs_total',
    help: 'Background job runs (maintenance, mirror-sync, mergeability, auto-merge) by kind and result.',
    labelNames: ['kind', 'result'],
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'fabrique_job_duration_seconds',
    help: 'How long background job runs took, by kind.',
    labelNames: ['kind'],
    buckets: GIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'fabrique_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later) or failed (for good).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly deliveryDuration = new Histogram({
    name: 'fabrique_webhook_delivery_duration_seconds',
    help: 'How long webhook delivery attempts took.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly dbSeconds = new Counter({
    name: 'fabrique_db_statement_seconds_total',
    help: 'Time spent running SQLite statements (the event loop waits meanwhile).',
    registers: [this.registry],
  });
  private readonly dbStatements = new Counter({
    name: 'fabrique_db_statements_total',
    help: 'SQLite statements run.',
    registers: [this.registry],
  });
  private readonly pages = new PatternMatcher(PAGES);

  /** Counts an HTTP answer under its route pattern: Fastify's route, else the web page pattern, else (unmatched). */
  request(request: FastifyRequest, reply: FastifyReply): void {
    const labels = { method: METHODS.has(request.method) ? request.method : 'OTHER', route: this.routeOf(request, reply) };
    this.httpRequests.inc({ ...labels, status_code: String(reply.statusCode) });
    this.httpDuration.observe(labels, reply.elapsedTime / 1000);
  }

  /** Counts a clone, fetch or push. */
  git(exchange: GitExchange): void {
    const labels = { service: exchange.service, operation: exchange.operation };
    this.gitOperations.inc({ ...labels, result: exchange.ok ? 'ok' : 'failed' });
    this.gitDuration.observe(labels, exchange.seconds);
    this.gitSent.inc(labels, exchange.sentBytes);
    this.gitReceived.inc(labels, exchange.receivedBytes);
  }

  /** Counts a background job run. */
  job(kind: string, ok: boolean, seconds: number): void {
    this.jobRuns.inc({ kind, result: ok ? 'ok' : 'failed' });
    this.jobDuration.observe({ kind }, seconds);
  }

  /** Counts a webhook delivery attempt. */
  delivery(outcome: string, seconds: number): void {
    this.deliveries.inc({ outcome });
    this.deliveryDuration.observe(seconds);
  }

  /**
   * Times every statement the app prepares from now on into two counters. A histogram per statement
   * was measured at three times the cost (about 6 µs against 2 µs on an 11 µs prepare and get); the
   * counters' rate already says what matters with a synchronous driver: the share of time the event
   * loop spends in SQLite. `iterate` is left out: its rows are read after it returns.
   */
  timeStatements(db: Db): void {
    db.observe((seconds) => {
      this.dbSeconds.inc(seconds);
      this.dbStatements.inc();
    });
  }

  /** A gauge read when Prometheus scrapes (queue lengths): nothing to keep up to date meanwhile. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  private routeOf(request: FastifyRequest, reply: FastifyReply): string {
    const route = request.routeOptions.url;
    // Pages are answered by the app shell's catch-all route (or the not-found handler): named by the page table's pattern.
    if (route !== undefined && route !== '/*') return route;
    if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) return UNMATCHED;
    return this.pages.match(request.url.split('?')[0] ?? '/')?.route.pattern ?? UNMATCHED;
  }
}

/** Whether the Authorization header carries the metrics token (compared in constant time). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's metrics, or null when FORGE_METRICS_TOKEN is not set (nothing is measured then). */
    metrics: ForgeMetrics | null;
  }
}

/**
 * `/metrics` in Prometheus' text format, behind FORGE_METRICS_TOKEN (a Bearer token): without the
 * variable nothing is measured and /metrics is a 404. Registered before the session and auth
 * plugins: its token is not an account's, so their hooks must not see it (they would answer 401 and
 * count a failed sign-in against the scraper).
 */
export default fp(
  async (fastify) => {
    const token = fastify.forge.config.metricsToken;
    const metrics = token === null ? null : new ForgeMetrics();
    fastify.decorate('metrics', metrics);
    if (token !== null && metrics !== null) measure(fastify, metrics);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.url !== '/metrics') return;
      if (token !== null && !tokenMatches(request.headers.authorization, token)) {
        const refusal = unauthorized('The metrics token is missing or wrong (Authorization: Bearer <FORGE_METRICS_TOKEN>).');
        return reply.status(refusal.status).header('www-authenticate', 'Bearer realm="metrics"').send({ message: refusal.message });
      }
      // Not an account's token: the auth plugin, next, would refuse it and count a failed sign-in against the scraper.
      delete request.headers.authorization;
    });
    // Always routed, so that the app shell does not answer /metrics with a page. Answers are sent
    // here, not thrown: this route's context was built before the errors plugin set the error handler.
    fastify.get('/metrics', { config: { scope: 'none' }, schema: { hide: true } }, async (_request, reply) => {
      if (metrics === null) {
        const missing = notFound('This page');
        return reply.status(missing.status).send({ message: missing.message });
      }
      return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(await metrics.registry.metrics());
    });
  },
  { name: 'fabrique-metrics', dependencies: ['fabrique-db', 'fabrique-state'] },
);

/** Starts measuring: default metrics, statements, jobs, webhook deliveries, and every HTTP answer. */
function measure(fastify: FastifyInstance, metrics: ForgeMetrics): void {
  const { db } = fastify.forge;
  // Process memory, CPU, event-loop lag and GC: prom-client's defaults, in this registry only.
  // Its event-loop histogram and GC observer cannot be stopped: one per app instance, for the process's life.
  collectDefaultMetrics({ register: metrics.registry });
  metrics.timeStatements(db);
  fastify.jobs.watch?.((run) => metrics.job(run.kind, run.ok, run.seconds));
  const jobs = fastify.jobs;
  if (jobs.pending) metrics.gauge('fabrique_jobs_pending', 'Background job runs under way or waiting for their turn.', () => jobs.pending?.() ?? 0);
  fastify.webhooks.watch((outcome, seconds) => metrics.delivery(outcome, seconds));
  metrics.gauge('fabrique_webhook_deliveries_pending', 'Webhook deliveries waiting to be sent or retried.', async () => await fastify.webhooks.pending());

  fastify.addHook('onResponse', async (request, reply) => metrics.request(request, reply));
}
