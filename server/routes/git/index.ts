import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { RepoAction } from '../../auth/policy.js';
import { findRepoRedirect, type RepoRow } from '../../db/repos.js';
import { badRequest, ForgeError, notFound, unauthorized } from '../../errors.js';
import { installHooks } from '../../git/hooks.js';
import {
  gitProtocolFrom,
  isGitService,
  serviceAnnouncement,
  spawnService,
  parsePushCommands,
  parseV2Request,
  pktLine,
  wantsProtocolV2,
  type GitService,
} from '../../git/smart-http.js';
import { repoPath } from '../../git/store.js';
import { HeldTail, pushCapabilities } from '../../git/sideband.js';
import { pushHints } from '../../services/pulls.js';
import { unreachableObjects } from '../../git/read.js';
import { nameProblem } from '../../lib/names.js';
import { MaintenanceScheduler, removesHistory } from '../../services/maintenance.js';
import { checkPush, dropPushIntent, needsChecks, notePushIntent, PushSessions, recordPush, type PushSession } from '../../services/push.js';
import { HookAnswer, HookBody, InfoRefsQuery, RepoParams } from './schema.js';

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
const HOOK_PATH = '/-/internal/git/pre-receive';
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

/**
 * Git's smart HTTP protocol: clone, fetch and push with plain git. Authentication and permissions
 * are Fabrique's; the packs are git's own upload-pack / receive-pack, streamed both ways. Errors
 * answer text/plain, which git prints as `remote: <message>`.
 */
const gitRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config, db } = fastify.forge;
  const hooksDir = installHooks(join(config.dataDir, 'git-hooks'));
  const emptyHooksDir = join(config.dataDir, 'git-hooks-none');
  mkdirSync(emptyHooksDir, { recursive: true });
  const pushes = new PushSessions(fastify.events);
  const maintenance = new MaintenanceScheduler({
    jobs: fastify.jobs,
    events: fastify.events,
    delayMs: MAINTENANCE_DELAY_MS,
    onError: (path, err) => fastify.log.error({ err, repoPath: path }, 'repository maintenance failed'),
  });
  fastify.addHook('onClose', () => maintenance.close());

  // The request body is git's pkt-line stream: handed over untouched, never buffered.
  for (const service of ['upload-pack', 'receive-pack']) {
    fastify.addContentTypeParser(`application/x-git-${service}-request`, (_request, payload, done) => done(null, payload));
  }

  fastify.setErrorHandler((error, request, reply) => {
    const forge = error instanceof ForgeError ? error : null;
    const status = forge?.status ?? (typeof (error as { statusCode?: number }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500);
    if (status >= 500) request.log.error({ err: error }, 'git request failed');
    if (status === 401) reply.header('www-authenticate', 'Basic realm="Fabrique"');
    const message = status >= 500 ? 'Internal server error. The incident was logged.' : (error as Error).message;
    return reply.status(status).type('text/plain; charset=utf-8').headers(noCache).send(`${message}\n`);
  });

  /**
   * The repository behind `/{owner}/{repo}[.git]` if the actor may act on it. Anonymous refusals are
   * a 401 challenge so that git asks for credentials; a signed-in user who may not read it gets 404.
   */
  function repositoryFor(request: FastifyRequest, params: RepoParams, action: RepoAction): { repo: RepoRow } | { moved: RepoRow } {
    const name = params.repo.endsWith('.git') ? params.repo.slice(0, -4) : params.repo;
    const anonymous = request.actor.kind === 'anonymous';
    try {
      if (nameProblem(params.owner) || nameProblem(name)) throw notFound('The repository');
      // The policy refuses writes to archived repositories and mirrors with the reason git shows.
      return { repo: fastify.policy.requireRepo(request.actor, params.owner, name, action) };
    } catch (err) {
      if (!(err instanceof ForgeError)) throw err;
      if (err.kind === 'not_found') {
        const moved = findRepoRedirect(db, params.owner, name);
        if (moved && fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: moved })) return { moved };
      }
      if (anonymous && (err.kind === 'not_found' || err.kind === 'forbidden')) throw unauthorized('Authentication required.');
      throw err;
    }
  }

  function hookUrl(): string {
    const address = fastify.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address for the git hooks');
    const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}${HOOK_PATH}`;
  }

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
  }

  /** Spawns the git service and streams it: the request body in, stdout out; a client that leaves kills it. */
  function serve(request: FastifyRequest, reply: FastifyReply, run: Run): FastifyReply {
    const asked = gitProtocolFrom(request.headers['git-protocol']);
    // Push has no protocol v2: git itself never asks for it, and receive-pack would answer v0 anyway.
    const protocol = run.service === 'git-receive-pack' && wantsProtocolV2(asked) ? null : asked;
    const settings: Array<[string, string]> = run.service === 'git-upload-pack' ? [...UPLOAD_PACK_SETTINGS] : [];
    const env: Record<string, string> = {};
    if (run.session) {
      // No hooks at all (not even a repository's own) unless the push needs the check.
      settings.push(['core.hooksPath', run.checks ? hooksDir : emptyHooksDir], ['receive.maxInputSize', String(config.maxPushBytes)]);
      env.FABRIQUE_HOOK_URL = hookUrl();
      env.FABRIQUE_PUSH_TOKEN = run.session.token;
    }
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

    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.on('error', (err) => {
      request.log.error({ err }, 'git could not be started');
      if (run.session) {
        dropPushIntent(db, run.session);
        pushes.close(run.session);
      }
      out.destroy(err);
    });
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) request.log.warn({ service: run.service, code, stderr }, 'git service failed');
      const session = run.session;
      if (!session) {
        out.end();
        return;
      }
      if (CRASH_AFTER_RECEIVE_PACK && session.accepted.length > 0) process.kill(process.pid, 'SIGKILL');
      // The client's push ends only once the database knows about it.
      let hints: string[] = [];
      recordPush(db, session, (err) => request.log.error({ err }, 'a push listener failed'))
        .then(async (event) => {
          if (event && held) hints = pushHints({ db, policy: fastify.policy, baseUrl: config.baseUrl }, event);
          // A push that took commits away (a forced update, a deletion) has them pruned soon after.
          if (event) maintenance.schedule(session.repoPath, { prune: await removesHistory(session.repoPath, event.updates) });
        })
        .catch((err) => request.log.error({ err }, 'recording the push failed'))
        .finally(() => {
          pushes.close(session);
          if (held) out.write(held.finish(hints));
          out.end();
        });
    });
    reply.raw.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });

    if (run.body) feed(request, run.body, run, child.stdin);
    else child.stdin.end();

    const kind = run.advertise ? 'advertisement' : 'result';
    return reply.headers(noCache).type(`application/x-${run.service}-${kind}`).send(out);
  }

  /** The request body as git reads it: gzip-encoded bodies are decompressed as they stream. */
  function decodedBody(request: FastifyRequest): Readable {
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
  function readHead<T>(source: Readable, parse: (head: Buffer) => T | null | undefined, allowance: number): Promise<{ head: Buffer; parsed: T | null }> {
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
  function feed(request: FastifyRequest, body: NonNullable<Run['body']>, run: Run, stdin: Writable): void {
    const { source, head } = body;
    const limit = run.session ? config.maxPushBytes + COMMANDS_ALLOWANCE : null;
    let received = head.length;
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

  fastify.get(
    '/:owner/:repo/info/refs',
    { config: { scope: 'read:repository', gitAuth: true }, schema: { hide: true, params: RepoParams, querystring: InfoRefsQuery } },
    async (request, reply) => {
      const service = request.query.service;
      if (!isGitService(service)) throw new ForgeError('forbidden', 'Only git smart HTTP is served here (service=git-upload-pack or git-receive-pack).');
      const push = service === 'git-receive-pack';
      const found = repositoryFor(request, request.params, push ? 'repo:write' : 'repo:read');
      if ('moved' in found) {
        const suffix = request.params.repo.endsWith('.git') ? '.git' : '';
        return reply.redirect(`/${found.moved.owner_name}/${found.moved.name}${suffix}/info/refs?service=${service}`, 301);
      }
      const path = repoPath(config.reposDir, found.repo.owner_name, found.repo.name);
      return serve(request, reply, { service, path, advertise: true });
    },
  );

  for (const service of ['git-upload-pack', 'git-receive-pack'] as const) {
    fastify.post(`/:owner/:repo/${service}`, { config: { scope: service === 'git-receive-pack' ? 'write:repository' : 'read:repository', gitAuth: true }, schema: { hide: true, params: RepoParams } }, async (request, reply) => {
      const push = service === 'git-receive-pack';
      const found = repositoryFor(request, request.params, push ? 'repo:write' : 'repo:read');
      if ('moved' in found) throw notFound('The repository');
      const { repo } = found;
      if (push && Number(request.headers['content-length'] ?? 0) > config.maxPushBytes + COMMANDS_ALLOWANCE) {
        throw new ForgeError('payload_too_large', `This push is larger than the limit of ${config.maxPushBytes} bytes.`);
      }
      const path = repoPath(config.reposDir, repo.owner_name, repo.name);
      const source = decodedBody(request);
      const actor = request.actor;
      if (!push && wantsProtocolV2(gitProtocolFrom(request.headers['git-protocol']))) {
        const { head, parsed } = await readHead(source, parseV2Request, FETCH_ALLOWANCE);
        if (!parsed) throw badRequest('The fetch request could not be read.');
        // v2 upload-pack would serve any object named: one no ref reaches (force-pushed away) is refused as v0 refuses it.
        const [hidden] = parsed.command === 'fetch' ? await unreachableObjects(path, parsed.wants) : [];
        if (hidden) return reply.headers(noCache).type('application/x-git-upload-pack-result').send(pktLine(`ERR upload-pack: not our ref ${hidden}\n`));
        return serve(request, reply, { service, path, advertise: false, body: { source, head } });
      }
      if (!push || actor.kind !== 'user') return serve(request, reply, { service, path, advertise: false, body: { source, head: Buffer.alloc(0) } });
      const { head, parsed: commands } = await readHead(source, parsePushCommands, COMMANDS_ALLOWANCE);
      const session = pushes.open(repo, path, { id: actor.user.id, username: actor.user.username }, commands ?? []);
      // Before receive-pack may move a ref: a crash from here on is reconciled at the next start.
      notePushIntent(db, session, commands);
      const checks = commands === null || needsChecks(db, repo, commands);
      const held = pushCapabilities(head).some((c) => c === 'side-band-64k' || c === 'side-band') ? new HeldTail() : undefined;
      return serve(request, reply, { service, path, advertise: false, body: { source, head }, session, checks, held });
    });
  }

  // Asked by the pre-receive hook of a receive-pack this server spawned, from this machine, with its push's token.
  fastify.post(HOOK_PATH, { config: { scope: 'none' }, schema: { hide: true, body: HookBody, response: { 200: HookAnswer } } }, async (request) => {
    const { remoteAddress, localAddress } = request.socket;
    const token = request.headers['x-fabrique-push-token'];
    const session = typeof token === 'string' && remoteAddress === localAddress ? pushes.find(token) : undefined;
    if (!session) throw notFound();
    const { updates, ...quarantine } = request.body;
    return checkPush(db, session, updates, quarantine);
  });
};

export default gitRoutes;
