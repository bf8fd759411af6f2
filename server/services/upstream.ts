import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findRepoSource, stopMirroring, type RepoSourceRow } from '../db/mirrors.js';
import { listWebhooks } from '../db/webhooks.js';
import type { Actor } from '../auth/policy.js';
import { fetchCommit, remoteBranchTip, remoteHeadBranch, type RemoteLimits } from '../git/remote.js';
import { hasCommit, isAncestor, readRef } from '../git/write.js';
import { repoPath } from '../git/store.js';
import { Lru } from '../lib/lru.js';
import { isPrivateAddress, resolveHost } from '../lib/outbound.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { RemotePullSummary, Upstream, UpstreamProposal, UpstreamSync } from '../../contract/federation.js';
import { recordAudit } from './audit.js';
import type { EventBus } from './events.js';
import { CONTACT_TIMEOUT_MS, FETCH_TIMEOUT_MS, connectRemote, openSecret, remoteProblem } from './import.js';
import type { JobLock } from './jobs.js';
import { recordRefUpdates, type Pusher } from './push.js';
import { moveRefs } from './ref-gate.js';
import { sourceKey } from './remote-pulls.js';
import { createHook, type WebhookContext } from './webhooks.js';
import { isPubliclyReadable } from './repos.js';

/** A repository's upstream (where it was imported from), or null for a repository that was not imported. */
export async function upstreamOf(db: Db, repo: RepoRow): Promise<Upstream | null> {
  const source = await findRepoSource(db, repo.id);
  if (!source) return null;
  return { clone_url: source.clone_addr, html_url: sourceKey(source.clone_addr), mirror: repo.is_mirror === 1, working_fork: repo.is_mirror === 0 };
}

async function requireSource(db: Db, repo: RepoRow): Promise<RepoSourceRow> {
  const source = await findRepoSource(db, repo.id);
  if (!source) throw invalid(`${repo.owner_name}/${repo.name} was not imported from another forge: it has no upstream.`);
  return source;
}

/** The other forge's base URL and the repository's path there, from its clone URL (a Fabrique or Gitea URL: origin/owner/name.git). */
function upstreamPlace(source: RepoSourceRow): { origin: string; path: string } {
  const url = new URL(sourceKey(source.clone_addr));
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/**
 * Makes an imported repository a working fork: a mirror stops mirroring (its scheduled syncs end,
 * pushes are taken) and keeps its upstream URL. Waits for a sync under way, which would otherwise
 * overwrite the first pushes. A one-shot import already is one.
 */
export async function makeWorkingFork(ctx: { db: Db; jobs: JobLock }, repo: RepoRow, by: { actor: Actor; ip: string | null }): Promise<RepoRow> {
  await requireSource(ctx.db, repo);
  if (!repo.is_mirror) return repo;
  await ctx.jobs.run(`mirror-sync:${repo.id}`, async () => {
    await stopMirroring(ctx.db, repo.id);
    await recordAudit(ctx.db, { actor: by.actor, ip: by.ip, action: 'repo.working_fork', target: `repo:${repo.owner_name}/${repo.name}` });
  });
  return await findRepoById(ctx.db, repo.id) ?? repo;
}

/** The credential a mirror kept for its source, if any and still readable; a working fork syncs with it. */
function storedCredentials(config: Config, source: RepoSourceRow): { username: string; secret: string } {
  if (!source.auth_secret) return { username: source.auth_username, secret: '' };
  try {
    return { username: source.auth_username, secret: openSecret(config.secret, source.auth_secret) };
  } catch {
    throw invalid("This repository's stored credential for its upstream cannot be read (FORGE_SECRET changed since the import?).");
  }
}

/**
 * "Sync from upstream": fetches the upstream's default branch and fast-forwards the branch of the
 * same name here, through the ref gate as the person who asked; a clear 409 when this branch has
 * commits the upstream lacks, as for a fork on this forge.
 */
export async function syncFromUpstream(
  ctx: { db: Db; config: Config; events: EventBus },
  repo: RepoRow,
  actor: Actor,
  pusher: Pusher,
): Promise<UpstreamSync> {
  const source = await requireSource(ctx.db, repo);
  if (repo.is_mirror) throw conflict(`${repo.owner_name}/${repo.name} is a mirror: it follows its upstream by itself. Make it a working fork first.`);
  const gitdir = repoPath(ctx.config.reposDir, repo.owner_name, repo.name);
  const limits: RemoteLimits = { timeoutMs: CONTACT_TIMEOUT_MS, maxBytes: ctx.config.maxPushBytes };
  try {
    const { remote } = await connectRemote(source.clone_addr, storedCredentials(ctx.config, source), ctx.config.importAllowPrivate);
    const branch = (await remoteHeadBranch(remote, limits)) ?? repo.default_branch;
    const upstream = await remoteBranchTip(remote, branch, limits);
    if (!upstream) throw notFound(`The branch "${branch}" of ${source.clone_addr}`);
    const ref = `refs/heads/${branch}`;
    const current = await readRef(gitdir, ref);
    if (!current) throw notFound(`The branch "${branch}" of ${repo.owner_name}/${repo.name}`);
    if (current === upstream) return { branch, sha: current, moved: false };
    if (!(await hasCommit(gitdir, upstream))) await fetchCommit(gitdir, remote, upstream, { ...limits, timeoutMs: FETCH_TIMEOUT_MS });
    if (await isAncestor(gitdir, upstream, current)) return { branch, sha: current, moved: false };
    if (!(await isAncestor(gitdir, current, upstream))) {
      throw conflict(
        `The branch "${branch}" of ${repo.owner_name}/${repo.name} has commits that its upstream does not have: it cannot be fast-forwarded. Merge or rebase it with git.`,
      );
    }
    const updates = [{ ref, oldId: current, newId: upstream }];
    await moveRefs({ db: ctx.db, repo, gitdir, actor, kind: 'push', updates });
    await recordRefUpdates(ctx.db, repo, gitdir, pusher, updates, ctx.events);
    return { branch, sha: upstream, moved: true };
  } catch (err) {
    throw remoteProblem(err);
  }
}

/**
 * "Propose upstream" for a branch: makes sure the repository has a push webhook to the upstream
 * forge's notification endpoint (so that its pull request follows the branch), and answers the
 * upstream's new pull request page, prefilled with this repository and branch.
 */
export async function proposeUpstream(
  ctx: WebhookContext,
  repo: RepoRow,
  branch: string,
  by: { actor: Actor; ip: string | null },
): Promise<UpstreamProposal> {
  const source = await requireSource(ctx.db, repo);
  if (repo.is_mirror) throw conflict(`${repo.owner_name}/${repo.name} is a mirror: make it a working fork before proposing its branches upstream.`);
  const gitdir = repoPath(ctx.config.reposDir, repo.owner_name, repo.name);
  if (!(await readRef(gitdir, `refs/heads/${branch}`))) throw notFound(`The branch "${branch}" of ${repo.owner_name}/${repo.name}`);
  const place = upstreamPlace(source);
  const notifyUrl = `${place.origin}/api/v1/remote-pulls/notify`;
  const existing = (await listWebhooks(ctx.db, { repoId: repo.id })).find((hook) => hook.url === notifyUrl);
  const hook = existing ?? await createHook(ctx, { repoId: repo.id }, { type: 'gitea', config: { url: notifyUrl, content_type: 'json' }, events: ['push'], active: true }, by);
  const cloneUrl = `${ctx.config.baseUrl}/${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}.git`;
  const query = new URLSearchParams({ remote_url: cloneUrl, remote_branch: branch });
  return { compare_url: `${place.origin}${place.path}/pulls/new?${query.toString()}`, notify_url: notifyUrl, hook_id: hook.id };
}

/** How long the upstream's answer about open pull requests is kept, and how long it may take. */
const UPSTREAM_PULLS_TTL_MS = 30_000;
const UPSTREAM_TIMEOUT_MS = 5_000;
const UPSTREAM_MAX_BYTES = 256 * 1024;

/** One GET of JSON from an address already checked, connecting only there, with size and time limits. */
function getJson(url: URL, target: { address: string; family: number }): Promise<unknown> {
  const fixed: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { lookup: fixed, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS), headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > UPSTREAM_MAX_BYTES) res.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`answered ${res.statusCode ?? 0}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
  });
}

/** Keeps only what has the shape of the upstream's public answer, with http(s) links. */
function summaries(answer: unknown): RemotePullSummary[] {
  if (!Array.isArray(answer)) return [];
  return answer.flatMap((item: unknown) => {
    const p = item as Partial<RemotePullSummary> | null;
    if (!p || typeof p.html_url !== 'string' || !/^https?:\/\//.test(p.html_url) || typeof p.number !== 'number' || typeof p.title !== 'string') return [];
    if (typeof p.repository !== 'string' || typeof p.branch !== 'string' || (p.state !== 'open' && p.state !== 'closed')) return [];
    return [{ html_url: p.html_url, number: p.number, title: p.title, state: p.state, repository: p.repository, branch: p.branch }];
  });
}

/**
 * What the upstream forge says of the open pull requests from a working fork's branches: asked on
 * its public endpoint server-side (the import's address rule), kept briefly; a failure is shown as
 * nothing. One per app instance.
 */
export class UpstreamPulls {
  private readonly cache = new Lru<string, { at: number; pulls: Promise<RemotePullSummary[]> }>(500);

  constructor(private readonly options: { db: Db; config: Config; onError: (err: unknown) => void }) {}

  /** The open pull requests on the upstream whose head is a branch of this repository. */
  async get(repo: RepoRow): Promise<RemotePullSummary[]> {
    const source = await findRepoSource(this.options.db, repo.id);
    // The question names the repository to another forge: never one that is not public.
    if (!source || !isPubliclyReadable(repo)) return Promise.resolve([]);
    const { baseUrl } = this.options.config;
    const cloneUrl = `${baseUrl}/${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}.git`;
    const url = new URL(`${upstreamPlace(source).origin}/api/v1/remote-pulls`);
    url.searchParams.set('source_url', cloneUrl);
    const key = url.toString();
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < UPSTREAM_PULLS_TTL_MS) return hit.pulls;
    const pulls = this.ask(url).catch((err: unknown) => {
      this.options.onError(err);
      return [];
    });
    this.cache.set(key, { at: Date.now(), pulls });
    return pulls;
  }

  private async ask(url: URL): Promise<RemotePullSummary[]> {
    const { addresses } = await resolveHost(url);
    if (!this.options.config.importAllowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return [];
    return summaries(await getJson(url, addresses[0]));
  }
}
