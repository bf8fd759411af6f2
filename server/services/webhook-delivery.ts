import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Db } from '../db/index.js';
import {
  claimDueDeliveries,
  countPendingDeliveries,
  disableWebhook,
  findWebhookById,
  markWebhookFailing,
  markWebhookHealthy,
  nextDueTime,
  recordAttempt,
  releaseClaims,
  type DeliveryRow,
  type WebhookRow,
} from '../db/webhooks.js';
import { isPrivateAddress, resolveHost } from '../lib/outbound.js';
import { recordAudit } from './audit.js';
import { openSecret } from './import.js';

/** One attempt may take this long, connection and answer together (Gitea's default). */
const TIMEOUT_MS = 10_000;
/** A worker holds a claimed delivery this long: past it, another process may send it. */
const CLAIM_MS = 60_000;
/** How often the worker looks for due deliveries when it was not woken (another process may have queued some). */
const POLL_MS = 1_000;
/** Deliveries sent at once. */
const CONCURRENCY = 4;
/** What is kept of a response body. */
const RESPONSE_BYTES = 4096;

/** What the worker needs from its app instance. */
export interface WebhookWorkerOptions {
  db: Db;
  /** FORGE_SECRET: hook secrets are sealed with it. */
  secret: string;
  allowedHosts: string[];
  retryDelaysMs: number[];
  disableAfterMs: number;
  userAgent: string;
  log: { warn: (data: object, message: string) => void };
}

/** How one attempt ended (for /metrics): sent, to be retried, or failed for good. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

/** A delivery that may not be sent at all (a refused address): failed at once, no retry. */
class Refused extends Error {}

/** Whether FORGE_WEBHOOK_ALLOWED_HOSTS lets a private address (reached through `hostname`) be called. */
function allowed(allowedHosts: string[], hostname: string, address: string): boolean {
  const parsed = ipaddr.process(address);
  return allowedHosts.some((entry) => {
    if (entry === 'private') return true;
    if (ipaddr.isValidCIDR(entry)) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      return range.kind() === parsed.kind() && parsed.match([range, bits]);
    }
    if (ipaddr.isValid(entry)) return ipaddr.process(entry).toNormalizedString() === parsed.toNormalizedString();
    return entry === hostname.toLowerCase();
  });
}

/**
 * Resolves the hook's host once and checks every address: loopback, private, link-local and the
 * like are refused unless allowed. The request then connects to the address checked here (a fixed
 * lookup), so a second DNS answer cannot send it elsewhere.
 */
async function resolveTarget(url: URL, allowedHosts: string[]): Promise<{ address: string; family: number }> {
  const { hostname, addresses } = await resolveHost(url);
  const refused = addresses.find((a) => isPrivateAddress(a.address) && !allowed(allowedHosts, hostname, a.address));
  if (refused) {
    throw new Refused(
      `${hostname} is a private, loopback or link-local address (${refused.address}); add it to FORGE_WEBHOOK_ALLOWED_HOSTS to let webhooks reach it.`,
    );
  }
  return addresses[0]!;
}

/** Hex HMAC-SHA256 of the body with the hook's secret. */
export function signature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The short text a chat hook (Slack-compatible, Matrix) shows for an event. */
function chatText(delivery: DeliveryRow): string {
  const p = JSON.parse(delivery.payload) as Record<string, unknown>;
  const repo = (p.repository as { full_name?: string } | null)?.full_name ?? 'Fabrique';
  const sender = (p.sender as { login?: string } | null)?.login ?? 'someone';
  const subject = (p.pull_request ?? p.issue ?? p.release) as { title?: string; name?: string; number?: number; html_url?: string } | undefined;
  if (delivery.event === 'push') {
    const commits = (p.total_commits as number | undefined) ?? 0;
    return `[${repo}] ${sender} pushed ${commits} commit(s) to ${String(p.ref ?? '').replace(/^refs\/heads\//, '')}`;
  }
  if (subject) return `[${repo}] ${sender} ${String(p.action ?? delivery.event_type)} ${subject.number ? `#${subject.number} ` : ''}${subject.title ?? subject.name ?? ''} ${subject.html_url ?? ''}`.trim();
  return `[${repo}] ${delivery.event_type} by ${sender}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The body and headers of an attempt, for the hook's type and content type, signed with its secret. */
function request(hook: WebhookRow, delivery: DeliveryRow, secret: string, userAgent: string): { body: string; headers: Record<string, string> } {
  let body: string;
  let contentType = 'application/json';
  if (hook.type === 'slack') body = JSON.stringify({ text: chatText(delivery), username: 'Fabrique' });
  else if (hook.type === 'matrix') {
    const text = chatText(delivery);
    body = JSON.stringify({ msgtype: 'm.notice', body: text, format: 'org.matrix.custom.html', formatted_body: escapeHtml(text) });
  } else if (hook.content_type === 'form') {
    body = new URLSearchParams({ payload: delivery.payload }).toString();
    contentType = 'application/x-www-form-urlencoded';
  } else body = delivery.payload;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': userAgent,
    'x-gitea-delivery': delivery.uuid,
    'x-gitea-event': delivery.event,
    'x-gitea-event-type': delivery.event_type,
    'x-github-delivery': delivery.uuid,
    'x-github-event': delivery.event,
    'x-github-event-type': delivery.event_type,
  };
  if (secret !== '') {
    // The signature covers the body as sent, so that a receiver checks the very bytes it read.
    const hex = signature(secret, body);
    headers['x-gitea-signature'] = hex;
    headers['x-hub-signature-256'] = `sha256=${hex}`;
  }
  return { body, headers };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One POST to the checked address, no redirect followed, the first bytes of the answer kept. */
function post(url: URL, target: { address: string; family: number }, body: string, headers: Record<string, string>): Promise<Answer> {
  const fixed: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: fixed, signal: AbortSignal.timeout(TIMEOUT_MS) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
          // Enough is kept: a receiver answering endlessly does not hold the worker.
          if (size >= RESPONSE_BYTES) res.destroy();
        });
        const done = () => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks).subarray(0, RESPONSE_BYTES).toString('utf8') });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends the delivery rows, owned by one app instance: woken when rows are written, and every second
 * for rows another process wrote or whose retry time came. A failed attempt is retried after the
 * configured waits; a hook whose deliveries all failed for FORGE_WEBHOOK_DISABLE_AFTER is turned off.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** The poll under way: it may claim rows and start attempts after close() was called, so close() waits for it first. */
  private polling: Promise<void> | null = null;
  private closed = false;
  private readonly listeners: Array<(outcome: DeliveryOutcome, seconds: number) => void> = [];

  constructor(private readonly options: WebhookWorkerOptions) {}

  /** Calls `listener` after every attempt (for /metrics). */
  watch(listener: (outcome: DeliveryOutcome, seconds: number) => void): void {
    this.listeners.push(listener);
  }

  /** Deliveries waiting to be sent or retried, by every process of the forge. */
  async pending(): Promise<number> {
    return await countPendingDeliveries(this.options.db);
  }

  /** Starts sending: first what a previous run left pending. */
  start(): void {
    this.plan(0);
  }

  /** New rows are due: look now. */
  wake(): void {
    this.plan(0);
  }

  /** Stops looking and waits for the attempts under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private plan(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .catch((err: unknown) => this.options.log.warn({ err }, 'webhook deliveries could not be claimed'))
        .finally(() => (this.polling = null));
    }, ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    const { db } = this.options;
    const free = CONCURRENCY - this.inFlight.size;
    if (free > 0) {
      const now = new Date();
      const rows = await claimDueDeliveries(db, now.toISOString(), new Date(now.getTime() + CLAIM_MS).toISOString(), free);
      for (const row of rows) {
        const attempt = this.attempt(row)
          .catch(async (err: unknown) => {
            this.options.log.warn({ err, delivery: row.uuid }, 'a webhook delivery could not be recorded');
            // Its claim runs out on its own (CLAIM_MS) if the database cannot take the release either.
            await releaseClaims(db, [row.id]).catch((releaseErr: unknown) => this.options.log.warn({ err: releaseErr, delivery: row.uuid }, 'a webhook delivery claim could not be released'));
          })
          .finally(() => {
            this.inFlight.delete(row.id);
            this.wake();
          });
        this.inFlight.set(row.id, attempt);
      }
    }
    // Rows being sent are left out: the end of their attempt wakes the worker (no busy loop meanwhile).
    const next = await nextDueTime(db, new Date().toISOString());
    const wait = next === null ? POLL_MS : Math.max(0, Math.min(POLL_MS, Date.parse(next) - Date.now()));
    // Busy: the end of an attempt wakes the worker.
    if (this.inFlight.size < CONCURRENCY) this.plan(wait);
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const { db } = this.options;
    const hook = await findWebhookById(db, row.hook_id);
    if (!hook) return;
    const attemptedAt = new Date();
    let secret = '';
    let answer: Answer | null = null;
    let error = '';
    let permanent = false;
    try {
      secret = hook.secret === '' ? '' : openSecret(this.options.secret, hook.secret);
    } catch {
      error = "The webhook's secret cannot be read (FORGE_SECRET changed?): set the secret again.";
      permanent = true;
    }
    const { body, headers } = request(hook, row, secret, this.options.userAgent);
    const started = Date.now();
    // An unreadable secret sends nothing: never an unsigned body in place of a signed one.
    if (!permanent && hook.active === 0 && row.is_test === 0) {
      error = 'The webhook is turned off.';
      permanent = true;
    } else if (!permanent) {
      try {
        const url = new URL(hook.url);
        const target = await resolveTarget(url, this.options.allowedHosts);
        answer = await post(url, target, body, headers);
        if (answer.status < 200 || answer.status >= 300) error = `The receiver answered ${answer.status}.`;
        if (answer.status >= 300 && answer.status < 400) error += ' Redirects are not followed.';
      } catch (err) {
        permanent = err instanceof Refused;
        error = err instanceof Error && err.name === 'TimeoutError' ? `No answer within ${TIMEOUT_MS / 1000} s.` : (err as Error).message;
      }
    }
    const delivered = error === '';
    const attempts = row.attempts + 1;
    const delay = this.options.retryDelaysMs[attempts - 1];
    const retry = !delivered && !permanent && delay !== undefined;
    await recordAttempt(db, row.id, {
      status: delivered ? 'delivered' : retry ? 'pending' : 'failed',
      nextAttemptAt: retry ? new Date(Date.now() + delay).toISOString() : null,
      requestUrl: hook.url,
      requestHeaders: JSON.stringify(headers),
      responseStatus: answer?.status ?? null,
      responseHeaders: JSON.stringify(answer?.headers ?? {}),
      responseBody: answer?.body ?? '',
      error,
      durationMs: Date.now() - started,
      attemptedAt: attemptedAt.toISOString(),
    });
    if (delivered) await markWebhookHealthy(db, hook.id);
    else if (hook.active === 1) await this.noteFailure(hook, attemptedAt);
    const outcome: DeliveryOutcome = delivered ? 'delivered' : retry ? 'retry' : 'failed';
    for (const listener of this.listeners) listener(outcome, (Date.now() - started) / 1000);
  }

  /** A hook failing for longer than allowed is turned off, and its owners told (the audit trail and its settings page). */
  private async noteFailure(hook: WebhookRow, at: Date): Promise<void> {
    const { db, disableAfterMs } = this.options;
    const since = await markWebhookFailing(db, hook.id, at.toISOString());
    if (at.getTime() - Date.parse(since) < disableAfterMs) return;
    const reason = `Every delivery failed since ${since}: the forge turned this webhook off. Check the receiver, then turn it on again.`;
    await disableWebhook(db, hook.id, reason);
    await recordAudit(db, { actor: null, action: 'webhook.disable', target: hook.repo_id !== null ? `repo:${hook.repo_id}` : hook.org_id !== null ? `org:${hook.org_id}` : 'site', data: { hook: hook.id, url: hook.url, since } });
    this.options.log.warn({ hook: hook.id, since }, 'a failing webhook was turned off');
  }
}
