import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { resolve, join } from 'node:path';
import ipaddr from 'ipaddr.js';

/** Everything Fabrique reads from its environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** FORGE_DATABASE_URL: a postgres:// URL puts the metadata in PostgreSQL (several replicas); null keeps the SQLite file in dataDir. */
  databaseUrl: string | null;
  reposDir: string;
  baseUrl: string;
  secret: string;
  allowSignup: boolean;
  maxPushBytes: number;
  logRetentionDays: number;
  logLevel: string;
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | null;
  importAllowPrivate: boolean;
  /** Fastify's trustProxy: which proxies may name the client in X-Forwarded-For (false: none). */
  trustProxy: boolean | string[];
  /** How many issues an account younger than a day may open per hour (spam control on a public forge). */
  newAccountIssuesPerHour: number;
  /** Webhooks: hosts, addresses and CIDR ranges deliveries may reach although private ('private': all of them). */
  webhookAllowedHosts: string[];
  /** Webhooks: the waits before each retry of a failed delivery, in milliseconds (its length is the number of retries). */
  webhookRetryDelaysMs: number[];
  /** Webhooks: how long a hook's deliveries may all fail before the forge turns it off, in milliseconds. */
  webhookDisableAfterMs: number;
  /** The largest file a release may carry (FORGE_MAX_ATTACHMENT_BYTES); uploads are streamed to disk, so memory does not grow with it. */
  maxAttachmentBytes: number;
  /** log2 of scrypt's N for new password hashes: 14 (the default) in production, lower only to make tests cheap. */
  passwordHashCost: number;
  /** How long the mergeability checker waits after a push for more pushes before checking pull requests. */
  mergeabilityDelayMs: number;
  /** FORGE_SMTP_URL: the mail server (smtp://user:pass@host:port or smtps://…); null when the forge sends no mail. */
  smtpUrl: string | null;
  /** FORGE_MAIL_FROM: the sender of the forge's mails. */
  mailFrom: string;
  /** FORGE_SITE_NAME: the instance's name in titles, the header and mails. */
  siteName: string;
  /** FORGE_METRICS_TOKEN: the Bearer token Prometheus sends for /metrics; null: /metrics does not exist (404). */
  metricsToken: string | null;
  /** FORGE_PACK_CACHE, FORGE_PACK_CACHE_MAX_BYTES, FORGE_PACK_CACHE_TTL: identical full-clone answers served once (null: off). */
  packCache: { maxBytes: number; ttlMs: number } | null;
  /** FORGE_GIT_CACHE_BYTES, FORGE_GIT_BLOB_CACHE_BYTES: what the in-memory git object cache may hold. */
  gitCache: { repoBytes: number; blobBytes: number };
}

/** A configuration problem: the message names the variable, main prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** proxy-addr's names for address ranges, accepted in a trust list as Fastify does. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * FORGE_TRUST_PROXY: `false` (default), `true` (trust every hop: only when the forge is reachable
 * through the proxy alone), or a comma-separated list of the proxies' addresses and CIDR ranges.
 * A number of hops is refused: Fastify 5 ignores it (it cannot check the nearest peer), so it would
 * silently trust nothing.
 */
function trustProxy(env: Env): boolean | string[] {
  const raw = (env.FORGE_TRUST_PROXY ?? '').trim();
  if (raw === '' || ['false', 'no', '0'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) {
    throw new ConfigError('FORGE_TRUST_PROXY', `a number of proxies (${raw}) cannot be checked; list the proxies' addresses instead, e.g. 10.0.0.1,10.0.0.2`);
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const wrong = entries.find((entry) => !PROXY_RANGE_NAMES.includes(entry) && !ipaddr.isValid(entry) && !ipaddr.isValidCIDR(entry));
  if (wrong !== undefined) {
    throw new ConfigError(
      'FORGE_TRUST_PROXY',
      `"${wrong}" is not an IP address or CIDR range (expected true, false, or a list such as 10.0.0.1,192.168.0.0/16)`,
    );
  }
  return entries;
}

/**
 * FORGE_WEBHOOK_ALLOWED_HOSTS: host names, IP addresses, CIDR ranges, or the word `private`, that
 * webhook deliveries may reach although they are not public (a municipality's CI on its network).
 */
function webhookAllowedHosts(env: Env): string[] {
  const raw = (env.FORGE_WEBHOOK_ALLOWED_HOSTS ?? '').trim();
  if (raw === '') return [];
  const entries = raw.split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const wrong = entries.find((entry) => entry !== 'private' && !ipaddr.isValid(entry) && !ipaddr.isValidCIDR(entry) && !/^[a-z0-9.-]+$/.test(entry));
  if (wrong !== undefined) {
    throw new ConfigError('FORGE_WEBHOOK_ALLOWED_HOSTS', `"${wrong}" is not a host name, an IP address, a CIDR range or the word private`);
  }
  return entries;
}

/** FORGE_WEBHOOK_RETRY_DELAYS: seconds (decimals allowed) before each retry, e.g. 10,60,600,3600,21600. */
function retryDelays(env: Env): number[] {
  const raw = (env.FORGE_WEBHOOK_RETRY_DELAYS ?? '').trim();
  if (raw === '') return [10_000, 60_000, 600_000, 3_600_000];
  return raw.split(',').map((entry) => {
    const trimmed = entry.trim();
    if (!/^\d+(\.\d+)?$/.test(trimmed)) throw new ConfigError('FORGE_WEBHOOK_RETRY_DELAYS', `"${trimmed}" is not a number of seconds (expected e.g. 10,60,600,3600)`);
    return Math.round(Number(trimmed) * 1000);
  });
}

/** FORGE_METRICS_TOKEN: long enough that it cannot be guessed, as /metrics shows the forge's traffic. */
function metricsToken(env: Env): string | null {
  const raw = (env.FORGE_METRICS_TOKEN ?? '').trim();
  if (raw === '') return null;
  if (raw.length < 16) throw new ConfigError('FORGE_METRICS_TOKEN', 'must be at least 16 characters long (e.g. openssl rand -hex 32)');
  return raw;
}

/** FORGE_PACK_CACHE: on (default) or off; the bound and the lifetime of its files come with it. */
function packCache(env: Env): Config['packCache'] {
  const raw = (env.FORGE_PACK_CACHE ?? '').trim().toLowerCase();
  if (['off', 'false', 'no', '0'].includes(raw)) return null;
  if (!['', 'on', 'true', 'yes', '1'].includes(raw)) throw new ConfigError('FORGE_PACK_CACHE', `expected on or off, got "${raw}"`);
  return {
    maxBytes: integer(env, 'FORGE_PACK_CACHE_MAX_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    ttlMs: integer(env, 'FORGE_PACK_CACHE_TTL', 300, 1, 24 * 3600) * 1000,
  };
}

/** Creates the directory if needed and proves it is writable, naming the variable when it is not. */
function writableDir(variable: string, dir: string): string {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
    return dir;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(variable, `the directory ${dir} cannot be created or written (${reason})`);
  }
}

function readSecret(env: Env, dataDir: string): string {
  const given = env.FORGE_SECRET;
  if (given !== undefined && given !== '') {
    if (given.length < 32) throw new ConfigError('FORGE_SECRET', 'must be at least 32 characters long');
    return given;
  }
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

function baseUrlOf(env: Env, host: string, port: number): string {
  const raw = env.FORGE_BASE_URL;
  if (raw === undefined || raw === '') {
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('FORGE_BASE_URL', `"${raw}" is not a URL (expected e.g. https://forge.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('FORGE_BASE_URL', `must start with http:// or https://, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** FORGE_SMTP_URL: an smtp:// or smtps:// URL, checked at start so that a typo is not found at the first reset. */
function smtpUrl(env: Env): string | null {
  const raw = (env.FORGE_SMTP_URL ?? '').trim();
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('FORGE_SMTP_URL', 'is not a URL (expected e.g. smtp://user:password@mail.example.org:587 or smtps://…)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('FORGE_SMTP_URL', `must start with smtp:// or smtps://, got "${url.protocol}"`);
  if (url.hostname === '') throw new ConfigError('FORGE_SMTP_URL', 'names no host');
  return raw;
}

/** FORGE_MAIL_FROM: an address, or `Name <address>`; by default the site's name at noreply@ the base URL's host. */
function mailFrom(env: Env, siteName: string, baseUrl: string): string {
  const raw = (env.FORGE_MAIL_FROM ?? '').trim();
  if (raw === '') return `"${siteName.replace(/["\\\r\n]/g, '')}" <noreply@${new URL(baseUrl).hostname.replace(/^\[|\]$/g, '')}>`;
  if (/[\r\n]/.test(raw) || !/@/.test(raw)) throw new ConfigError('FORGE_MAIL_FROM', `"${raw}" is not an e-mail address (expected e.g. Fabrique <forge@example.org>)`);
  return raw;
}

/** Reads and checks the configuration; creates the data and repositories directories. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError('HOST', `"${host}" is not a host name or address`);
  const dataDir = writableDir('FORGE_DATA_DIR', resolve(env.FORGE_DATA_DIR || './data'));
  const reposDir = writableDir('FORGE_REPOS_DIR', resolve(env.FORGE_REPOS_DIR || './repos'));
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const issuer = env.FORGE_OIDC_ISSUER ?? '';
  let oidc: Config['oidc'] = null;
  if (issuer !== '') {
    try { new URL(issuer); } catch { throw new ConfigError('FORGE_OIDC_ISSUER', `"${issuer}" is not a URL`); }
    if (!env.FORGE_OIDC_CLIENT_ID) throw new ConfigError('FORGE_OIDC_CLIENT_ID', 'is required when FORGE_OIDC_ISSUER is set');
    oidc = {
      issuer,
      clientId: env.FORGE_OIDC_CLIENT_ID,
      clientSecret: env.FORGE_OIDC_CLIENT_SECRET ?? '',
      name: env.FORGE_OIDC_NAME || 'OpenID Connect',
    };
  }
  const siteName = (env.FORGE_SITE_NAME ?? '').trim() || 'Fabrique';
  if (siteName.length > 100) throw new ConfigError('FORGE_SITE_NAME', 'must be at most 100 characters long');
  return {
    port,
    host,
    dataDir,
    databaseUrl: databaseUrl(env),
    reposDir,
    baseUrl: baseUrlOf(env, host, port),
    secret: readSecret(env, dataDir),
    allowSignup: boolean(env, 'FORGE_ALLOW_SIGNUP', true),
    maxPushBytes: integer(env, 'FORGE_MAX_PUSH_BYTES', 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    logRetentionDays: integer(env, 'FORGE_LOG_RETENTION_DAYS', 180, 1, 3650),
    logLevel,
    oidc,
    importAllowPrivate: boolean(env, 'FORGE_IMPORT_ALLOW_PRIVATE', false),
    trustProxy: trustProxy(env),
    newAccountIssuesPerHour: integer(env, 'FORGE_NEW_ACCOUNT_ISSUES_PER_HOUR', 5, 0, 100_000),
    webhookAllowedHosts: webhookAllowedHosts(env),
    webhookRetryDelaysMs: retryDelays(env),
    webhookDisableAfterMs: integer(env, 'FORGE_WEBHOOK_DISABLE_AFTER', 3 * 24 * 3600, 1, 365 * 24 * 3600) * 1000,
    maxAttachmentBytes: integer(env, 'FORGE_MAX_ATTACHMENT_BYTES', 128 * 1024 ** 2, 1, Number.MAX_SAFE_INTEGER),
    // Below 2^10 scrypt no longer slows a password guess down in any useful way.
    passwordHashCost: integer(env, 'FORGE_PASSWORD_HASH_COST', 14, 10, 17),
    mergeabilityDelayMs: integer(env, 'FORGE_MERGEABILITY_DELAY_MS', 150, 0, 60_000),
    smtpUrl: smtpUrl(env),
    mailFrom: mailFrom(env, siteName, baseUrlOf(env, host, port)),
    siteName,
    metricsToken: metricsToken(env),
    packCache: packCache(env),
    gitCache: {
      repoBytes: integer(env, 'FORGE_GIT_CACHE_BYTES', 96 * 1024 ** 2, 0, Number.MAX_SAFE_INTEGER),
      blobBytes: integer(env, 'FORGE_GIT_BLOB_CACHE_BYTES', 16 * 1024 ** 2, 0, Number.MAX_SAFE_INTEGER),
    },
  };
}

/** FORGE_DATABASE_URL: unset for SQLite, else a PostgreSQL URL (postgres:// or postgresql://). */
function databaseUrl(env: Env): string | null {
  const url = (env.FORGE_DATABASE_URL ?? '').trim();
  if (url === '') return null;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('FORGE_DATABASE_URL', 'must be a postgres:// URL (leave it unset for the SQLite file)');
  return url;
}
