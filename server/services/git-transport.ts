import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import type { RefUpdate } from '../db/ref-updates.js';
import { badRequest, ForgeError } from '../errors.js';
import { installHooks } from '../git/hooks.js';
import {
  gitProtocolFrom,
  isGitService,
  serviceAnnouncement,
  spawnService,
  parsePushCommands,
  parseV0FetchRequest,
  parseV2Request,
  pktLine,
  wantsProtocolV2,
  type GitService,
} from '../git/smart-http.js';
import { packCacheKey, refState, type PackCache } from '../git/pack-cache.js';
import { repoPath } from '../git/store.js';
import { unreachableObjects } from '../git/read.js';
import { HeldTail, pushCapabilities } from '../git/sideband.js';
import type { Policy } from '../auth/policy.js';
import { pushHints } from './pulls.js';
import { MaintenanceScheduler, removesHistory } from './maintenance.js';
import { checkPush, dropPushIntent, needsChecks, notePushIntent, PushSessions, recordPush, type PushSession } from './push.js';
import type { EventBus } from './events.js';
import type { JobLock } from './jobs.js';

export { isGitService, type GitService };

/** Where the pre-receive hook of a receive-pack this server spawned asks whether the push may go on. */
export const HOOK_PATH = '/-/internal/git/pre-receive';

/** Room for the ref commands that precede the pack in a receive-pack request body. */
const COMMANDS_ALLOWANCE = 1024 * 1024;
/** Room for a protocol v2 fetch request (its wants and haves), read whole before upload-pack starts. */
const FETCH_ALLOWANCE = 16 * 1024 * 1024;
/**
 * Protocol v0 upload-pack serves a commit by id only if some ref reaches it (protocol v2 does not
 * check: its wants are checked before upload-pack starts). Set here, whatever a repository's config says;
 * in this order, as allowAnySHA1InWant=false also clears the reachable flag.
 */
const UPLOAD_PACK_SETTINGS: Array<[string, string]> = [
  ['uploadpack.allowAnySHA1InWant', 'false'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['transfer.advertiseObjectInfo', 'false'],
];
/** How long after a push its repository is repacked, so that a burst of pushes costs one repack. */
const MAINTENANCE_DELAY_MS = 10_000;
/**
 * Set only by the crash test: the server kills itself at this point, so that a crash between
 * receive-pack moving a ref and the database recording it can be reproduced every time.
 */
const CRASH_AFTER_RECEIVE_PACK = process.env.FORGE_TEST_CRASH_POINT === 'after-receive-pack';

const noCache = {
  'cache-control': 'no-cache, max-age=0, must-revalidate',
  expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
  pragma: 'no-cache',
};

/** What the transport runs with: the app instance's stores, workers and log, and where its hook asks. */
export interface GitTransportOptions {
  config: Config;
  db: Db;
  events: EventBus;
  jobs: JobLock;
  log: FastifyBaseLogger;
  /** The one policy: a push's hints point at a fork's parent only for a pusher who may read it. */
  policy: Policy;
  /** The URL of HOOK_PATH on this server, known once it listens. */
  hookUrl: () => string;
  /** Told of every clone, fetch and push as git ends (for /metrics). */
  onExchange?: (exchange: GitExchange) => void;
  /** The app instance's cache of identical clone answers; null: every fetch runs its own git. */
  packCache?: PackCache | null;
  /** This process's id among the replicas, written with each push's intent. */
  replicaId?: string;
}

/** One POST to upload-pack or receive-pack, as /metrics counts it. */
export interface GitExchange {
  service: GitService;
  /** clone: a fetch that has nothing yet (no `have` line); ls-refs: protocol v2's ref listing, not a transfer. */
  operation: 'clone' | 'fetch' | 'ls-refs' | 'push';
  /** git exited 0. */
  ok: boolean;
  seconds: number;
  /** The request body as git read it (decompressed), and what git answered. */
  receivedBytes: number;
  sentBytes: number;
}

/** Where a fetch says what it already has: a fetch without any is a clone. */
const HAVE_LINE = Buffer.from('have ');

interface Run {
  service: GitService;
  path: string;
  advertise: boolean;
  /** The decoded request body, and what of it was already read (a push's command list). */
  body?: { source: Readable; head: Buffer };
  session?: PushSession;
  /** Run the pre-receive check (in a Node process): only for pushes some command of which may be refused. */
  checks?: boolean;
  /** The push's answer, its end held back for the pull request hints (side-band pushes only). */
  held?: HeldTail;
  /** Protocol v2's command (fetch, ls-refs), read before git starts. */
  command?: string;
  /** What the body fed to git held: its size, and whether a fetch named objects it already has. */
  received?: { bytes: number; haves: boolean };
}

/**
 * Git's smart HTTP transport for one app instance: git's own upload-pack / receive-pack, spawned per
 * request and streamed both ways, with the push sessions, the pre-receive check and the maintenance
 * that follows pushes. It reads and answers the Fastify request and reply as streams: a git exchange is
 * not a JSON document, and the client going away must stop git.
 */
export class GitTransport {
  private readonly config: Config;
  private readonly db: Db;
  private readonly hooksDir: string;
  private readonly emptyHooksDir: string;
  private readonly pushes: PushSessions;
  private readonly maintenance: MaintenanceScheduler;
  private readonly hookUrl: () => string;
  private readonly policy: Policy;
  private readonly onExchange: GitTransportOptions['onExchange'];
  private readonly packCache: PackCache | null;

  constructor(options: GitTransportOptions) {
    this.packCache = options.packCache ?? null;
    this.config = options.config;
    this.db = options.db;
    this.hookUrl = options.hookUrl;
    this.policy = options.policy;
    this.onExchange = options.onExchange;
    this.hooksDir = installHooks(join(options.config.dataDir, 'git-hooks'));
    this.emptyHooksDir = join(options.config.dataDir, 'git-hooks-none');
    mkdirSync(this.emptyHooksDir, { recursive: true });
    this.pushes = new PushSessions(options.events, options.replicaId ?? '');
    this.maintenance = new MaintenanceScheduler({
      jobs: options.jobs,
      events: options.events,
      delayMs: MAINTENANCE_DELAY_MS,
      onError: (path, err) => options.log.error({ err, repoPath: path }, 'repository maintenance failed'),
    });
  }

  /** Stops the maintenance timers (the app is closing). */
  close(): Promise<void> | void {
    return this.maintenance.close();
  }

  /** Answers `info/refs`: git's advertisement of the repository's refs for the service. */
  advertise(request: FastifyRequest, reply: FastifyReply, repo: RepoRow, service: GitService): FastifyReply {
    const path = repoPath(this.config.reposDir, repo.owner_name, repo.name);
    return this.serve(request, reply, { service, path, advertise: true });
  }

  /** Answers a POST to upload-pack (a fetch) or receive-pack (a push): the request body streams into git. */
  async exchange(request: FastifyRequest, reply: FastifyReply, repo: RepoRow, service: GitService): Promise<FastifyReply> {
    const push = service === 'git-receive-pack';
    if (push && Number(request.headers['content-length'] ?? 0) > this.config.maxPushBytes + COMMANDS_ALLOWANCE) {
      throw new ForgeError('payload_too_large', `This push is larger than the limit of ${this.config.maxPushBytes} bytes.`);
    }
    const path = repoPath(this.config.reposDir, repo.owner_name, repo.name);
    const source = this.decodedBody(request);
    const actor = request.actor;
    if (!push && wantsProtocolV2(gitProtocolFrom(request.headers['git-protocol']))) {
      const { head, parsed } = await this.readHead(source, parseV2Request, FETCH_ALLOWANCE);
      if (!parsed) throw badRequest('The fetch request could not be read.');
      // v2 upload-pack would serve any object named: one no ref reaches (force-pushed away) is refused as v0 refuses it.
      const [hidden] = parsed.command === 'fetch' ? await unreachableObjects(path, parsed.wants) : [];
      if (hidden) return reply.headers(noCache).type('application/x-git-upload-pack-result').send(pktLine(`ERR upload-pack: not our ref ${hidden}\n`));
      if (parsed.command === 'fetch' && !head.includes(HAVE_LINE)) return this.serveCached(request, reply, source, { service, path, advertise: false, command: 'fetch' }, head);
      return this.serve(request, reply, { service, path, advertise: false, body: { source, head }, command: parsed.command });
    }
    if (!push && this.packCache) {
      // A v0/v1 fetch is read up to its `done` (a few pkt-lines for a clone) to know whether it is a clone.
      const { head, parsed } = await this.readHead(source, parseV0FetchRequest, FETCH_ALLOWANCE);
      if (parsed && !parsed.haves) return this.serveCached(request, reply, source, { service, path, advertise: false }, head);
      return this.serve(request, reply, { service, path, advertise: false, body: { source, head } });
    }
    if (!push || actor.kind !== 'user') return this.serve(request, reply, { service, path, advertise: false, body: { source, head: Buffer.alloc(0) } });
    const { head, parsed: commands } = await this.readHead(source, parsePushCommands, COMMANDS_ALLOWANCE);
    const session = this.pushes.open(repo, path, { id: actor.user.id, username: actor.user.username }, commands ?? []);
    // Before receive-pack may move a ref: a crash from here on is reconciled at the next start.
    await notePushIntent(this.db, session, commands);
    // A maintainer's edit of a fork (no write access) is always checked: the gate limits its refs.
    const checks = commands === null || !await this.policy.can(actor, 'repo:write', { type: 'repo', repo }) || (await needsChecks(this.db, repo, commands));
    const held = pushCapabilities(head).some((c) => c === 'side-band-64k' || c === 'side-band') ? new HeldTail() : undefined;
    return this.serve(request, reply, { service, path, advertise: false, body: { source, head }, session, checks, held });
  }

  /**
   * The pre-receive hook's question, asked from this machine with its push's token: the ref gate's
   * answer, or `undefined` when no push of this server has that token.
   */
  checkHook(
    token: unknown,
    addresses: { remote: string | undefined; local: string | undefined },
    updates: RefUpdate[],
    quarantine: Parameters<typeof checkPush>[3],
  ): Promise<{ ok: boolean; messages: string[] }> | undefined {
    const session = typeof token === 'string' && addresses.remote === addresses.local ? this.pushes.find(token) : undefined;
    return session && checkPush(this.db, session, updates, quarantine);
  }

  /** Spawns the git service and streams it: the request body in, stdout out; a client that leaves kills it. */
  private serve(request: FastifyRequest, reply: FastifyReply, run: Run): FastifyReply {
    const asked = gitProtocolFrom(request.headers['git-protocol']);
    // Push has no protocol v2: git itself never asks for it, and receive-pack would answer v0 anyway.
    const protocol = run.service === 'git-receive-pack' && wantsProtocolV2(asked) ? null : asked;
    const settings: Array<[string, string]> = run.service === 'git-upload-pack' ? [...UPLOAD_PACK_SETTINGS] : [];
    const env: Record<string, string> = {};
    if (run.session) {
      // No hooks at all (not even a repository's own) unless the push needs the check.
      settings.push(['core.hooksPath', run.checks ? this.hooksDir : this.emptyHooksDir], ['receive.maxInputSize', String(this.config.maxPushBytes)]);
      env.FABRIQUE_HOOK_URL = this.hookUrl();
      env.FABRIQUE_PUSH_TOKEN = run.session.token;
    }
    const started = performance.now();
    let sent = 0;
    const child = spawnService({ service: run.service, repoPath: run.path, advertise: run.advertise, protocol, config: settings, env });
    const out = new PassThrough();
    if (run.advertise && !wantsProtocolV2(protocol)) out.write(serviceAnnouncement(run.service));
    const held = run.held;
    if (held) {
      child.stdout.on('data', (chunk: Buffer) => {
        if (!out.write(held.take(chunk))) {
          child.stdout.pause();
          out.once('drain', () => child.stdout.resume());
        }
      });
    } else child.stdout.pipe(out, { end: false });

    child.stdout.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.on('error', (err) => {
      request.log.error({ err }, 'git could not be started');
      out.destroy(err);
      const session = run.session;
      if (session) {
        this.pushes.close(session);
        dropPushIntent(this.db, session).catch((dropErr: unknown) => request.log.error({ err: dropErr }, 'push intent not dropped'));
      }
    });
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) request.log.warn({ service: run.service, code, stderr }, 'git service failed');
      if (!run.advertise) this.observe(run, code === 0, (performance.now() - started) / 1000, sent);
      const session = run.session;
      if (!session) {
        out.end();
        return;
      }
      if (CRASH_AFTER_RECEIVE_PACK && session.accepted.length > 0) process.kill(process.pid, 'SIGKILL');
      // The client's push ends only once the database knows about it.
      let hints: string[] = [];
      recordPush(this.db, session, (err) => request.log.error({ err }, 'a push listener failed'))
        .then(async (event) => {
          if (event && held) hints = await pushHints({ db: this.db, policy: this.policy, baseUrl: this.config.baseUrl }, event);
          // A push that took commits away (a forced update, a deletion) has them pruned soon after.
          if (event) this.maintenance.schedule(session.repoPath, { prune: await removesHistory(session.repoPath, event.updates) });
        })
        .catch((err) => request.log.error({ err }, 'recording the push failed'))
        .finally(() => {
          this.pushes.close(session);
          if (held) out.write(held.finish(hints));
          out.end();
        });
    });
    reply.raw.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });

    if (run.body) this.feed(request, run.body, run, child.stdin);
    else child.stdin.end();

    const kind = run.advertise ? 'advertisement' : 'result';
    return reply.headers(noCache).type(`application/x-${run.service}-${kind}`).send(out);
  }

  /**
   * Answers a clone (a fetch without `have`) from the pack cache: the key is taken after the access
   * check (the route loaded the repository for this reader), from the refs as they are now and the whole
   * request, so that a push gives the next clone a new answer and only identical requests share one.
   */
  private async serveCached(request: FastifyRequest, reply: FastifyReply, source: Readable, run: Run, body: Buffer): Promise<FastifyReply> {
    const cache = this.packCache;
    if (!cache) return this.serve(request, reply, { ...run, body: { source, head: body } });
    // The request was read whole: what the client may still send after it is not git's.
    source.resume();
    const protocol = gitProtocolFrom(request.headers['git-protocol']);
    const key = packCacheKey({ repoPath: run.path, protocol, refs: await refState(run.path), body });
    const started = performance.now();
    const start = () => spawnService({ service: run.service, repoPath: run.path, advertise: false, protocol, config: [...UPLOAD_PACK_SETTINGS] });
    const { stream, source: served } = cache.open(key, run.path, start, body);
    let sent = 0;
    stream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    stream.on('end', () => this.observe({ ...run, received: { bytes: body.length, haves: false } }, true, (performance.now() - started) / 1000, sent));
    reply.raw.on('close', () => stream.destroy());
    return reply.headers(noCache).header('x-fabrique-pack-cache', served).type('application/x-git-upload-pack-result').send(stream);
  }

  private observe(run: Run, ok: boolean, seconds: number, sentBytes: number): void {
    if (!this.onExchange) return;
    const received = run.received ?? { bytes: 0, haves: false };
    const operation =
      run.service === 'git-receive-pack' ? 'push' : run.command === 'ls-refs' ? 'ls-refs' : received.haves ? 'fetch' : 'clone';
    this.onExchange({ service: run.service, operation, ok, seconds, receivedBytes: received.bytes, sentBytes });
  }

  /** The request body as git reads it: gzip-encoded bodies are decompressed as they stream. */
  private decodedBody(request: FastifyRequest): Readable {
    const body = request.body as Readable;
    if (request.headers['content-encoding'] !== 'gzip') return body;
    const gunzip = createGunzip();
    body.on('error', (err) => gunzip.destroy(err));
    return body.pipe(gunzip);
  }

  /**
   * Reads the pkt-lines at the head of a request body until `parse` can answer (a push's command
   * list, a v2 request), leaving the stream paused after it; null past `allowance` bytes or malformed.
   */
  private readHead<T>(source: Readable, parse: (head: Buffer) => T | null | undefined, allowance: number): Promise<{ head: Buffer; parsed: T | null }> {
    return new Promise((resolveHead, reject) => {
      let head = Buffer.alloc(0);
      const finish = (parsed: T | null | undefined) => {
        source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
        resolveHead({ head, parsed: parsed ?? null });
      };
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const parsed = parse(head);
        if (parsed === undefined && head.length <= allowance) return;
        source.pause();
        finish(parsed);
      };
      const onEnd = () => finish(parse(head));
      const onError = (err: Error) => {
        source.off('data', onData).off('end', onEnd).off('close', onClose);
        reject(badRequest(`The request body could not be read: ${err.message}`));
      };
      const onClose = () => onError(new Error('the client went away'));
      source.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    });
  }

  /** Streams the request body into git after what was already read, counting bytes against the push limit. */
  private feed(request: FastifyRequest, body: NonNullable<Run['body']>, run: Run, stdin: Writable): void {
    const { source, head } = body;
    const limit = run.session ? this.config.maxPushBytes + COMMANDS_ALLOWANCE : null;
    let received = head.length;
    const stats: NonNullable<Run['received']> = { bytes: received, haves: false };
    run.received = stats;
    // A fetch's body is a few pkt-lines: looking for `have ` costs nothing; the tail carried over finds one split across chunks.
    const fetch = run.service === 'git-upload-pack';
    let tail = Buffer.alloc(0);
    const lookForHaves = (chunk: Buffer) => {
      if (!fetch || stats.haves) return;
      const window = Buffer.concat([tail, chunk]);
      stats.haves = window.includes(HAVE_LINE);
      tail = window.subarray(Math.max(0, window.length - HAVE_LINE.length + 1));
    };
    lookForHaves(head);
    let open = true;
    const stop = () => {
      open = false;
      source.destroy();
      request.raw.destroy();
    };
    stdin.on('error', () => {
      // git stopped reading (it answered or refused): drain what the client still sends.
      open = false;
      source.resume();
    });
    source.on('data', (chunk: Buffer) => {
      received += chunk.length;
      stats.bytes = received;
      lookForHaves(chunk);
      if (limit !== null && received > limit) {
        request.log.warn({ received, limit }, 'push larger than FORGE_MAX_PUSH_BYTES cut off');
        stop();
        return;
      }
      if (open && !stdin.write(chunk)) {
        source.pause();
        stdin.once('drain', () => source.resume());
      }
    });
    source.on('end', () => {
      if (open) stdin.end();
    });
    source.on('error', (err) => {
      request.log.info({ err }, 'git request body failed');
      stop();
    });
    if (head.length > 0) stdin.write(head);
    if (source.readableEnded) stdin.end();
    else source.resume();
  }
}
