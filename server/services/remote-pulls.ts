import { setTimeout as delay } from 'node:timers/promises';
import type { RepoRow } from '../db/repos.js';
import { findRepoById } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { deletePullRow, findPullById, insertPull, setPullHead, type PullRow } from '../db/pulls.js';
import { findOpenRemotePull, findRemotePullSource, insertRemotePullSource, openRemotePulls, recordRemoteFetch } from '../db/remote-pulls.js';
import { ANONYMOUS, type Actor } from '../auth/policy.js';
import { fetchCommit, remoteBranchTip, RemoteError, type Remote, type RemoteLimits } from '../git/remote.js';
import { hasCommit, isAncestor, readRef, ZERO_OID } from '../git/write.js';
import { isValidRefName } from '../lib/names.js';
import { parseCloneAddress } from '../lib/outbound.js';
import { conflict, ForgeError, invalid, notFound } from '../errors.js';
import { CONTACT_TIMEOUT_MS, FETCH_TIMEOUT_MS, connectRemote } from './import.js';
import { gitdirOf, newPullTitle, pullHeadRef, type PullContext } from './pulls.js';
import { moveRefs } from './ref-gate.js';
import { notePullPush } from './timeline.js';
import { publishPullConversation } from './notifications.js';

/** How this forge reaches other forges: the import's address rule and size limit. */
export interface RemoteFetchOptions {
  /** FORGE_IMPORT_ALLOW_PRIVATE: private, loopback and link-local addresses may be reached. */
  allowPrivate: boolean;
  /** FORGE_MAX_PUSH_BYTES: what one fetch may add to the base repository. */
  maxBytes: number;
  signal?: AbortSignal;
}

/** A clone URL as notifications are matched against it: no trailing "/" or ".git". */
export function sourceKey(url: string): string {
  return url.replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * A source URL given by a person or a notification, checked as an import's clone address. It is
 * fetched without credentials (the pull request stores none), so a URL that carries some is refused.
 */
export function parseSourceUrl(raw: string): { url: string; key: string } {
  let address;
  try {
    address = parseCloneAddress(raw);
  } catch (err) {
    if (err instanceof ForgeError) throw invalid(err.message, { field: 'source_url' });
    throw err;
  }
  if (address.username !== '' || address.password !== '') {
    throw invalid('Give the public clone address of the branch, without credentials: this forge fetches it anonymously and stores no credential.', { field: 'source_url' });
  }
  return { url: address.url, key: sourceKey(address.url) };
}

async function connect(url: string, options: RemoteFetchOptions): Promise<Remote> {
  try {
    return (await connectRemote(url, { username: '', secret: '' }, options.allowPrivate)).remote;
  } catch (err) {
    if (err instanceof ForgeError) throw invalid(err.message, { field: 'source_url' });
    throw err;
  }
}

/** A failure of the other forge as the request's problem (422), with the field it came from. */
function sourceProblem(err: unknown): unknown {
  return err instanceof RemoteError ? invalid(err.message, { field: 'source_url', reason: err.kind }) : err;
}

/** The tip of the source branch, brought into the base repository (objects only, no ref). */
async function fetchTip(gitdir: string, remote: Remote, branch: string, options: RemoteFetchOptions): Promise<string | null> {
  const contact: RemoteLimits = { timeoutMs: CONTACT_TIMEOUT_MS, maxBytes: options.maxBytes, signal: options.signal };
  const tip = await remoteBranchTip(remote, branch, contact);
  if (tip === null) return null;
  if (!(await hasCommit(gitdir, tip))) await fetchCommit(gitdir, remote, tip, { ...contact, timeoutMs: FETCH_TIMEOUT_MS });
  // The branch moved between the two requests: its old tip is no longer advertised.
  if (!(await hasCommit(gitdir, tip))) throw conflict(`The branch "${branch}" changed meanwhile at ${remote.url}; try again.`);
  return tip;
}

export interface NewRemotePullRequest {
  base: RepoRow;
  poster: UserRow;
  actor: Actor;
  sourceUrl: string;
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  allowForcePush: boolean;
}

/**
 * Opens a pull request whose head is a branch of a repository on another forge: the branch is
 * fetched through the import's address checks and limits (anonymously), then the row takes the next
 * number and refs/pull/<n>/head is created through the ref gate as the forge's own ref.
 */
export async function createRemotePullRequest(ctx: PullContext, options: RemoteFetchOptions, input: NewRemotePullRequest): Promise<PullRow> {
  const { base } = input;
  const title = newPullTitle(base, input.title);
  if (!isValidRefName(input.branch)) throw invalid(`"${input.branch}" is not a branch name git accepts.`, { field: 'branch' });
  const basePath = gitdirOf(ctx.reposDir, base);
  const baseTip = isValidRefName(input.baseBranch) ? await readRef(basePath, `refs/heads/${input.baseBranch}`) : null;
  if (!baseTip) throw notFound(`The branch "${input.baseBranch}" of ${base.owner_name}/${base.name}`);
  const source = parseSourceUrl(input.sourceUrl);
  const existing = await findOpenRemotePull(ctx.db, base.id, input.baseBranch, source.key, input.branch);
  if (existing) throw conflict(`A pull request from this branch is already open: #${existing.number}.`, { number: existing.number });
  const remote = await connect(source.url, options);
  const tip = await fetchTip(basePath, remote, input.branch, options).catch((err: unknown) => {
    throw sourceProblem(err);
  });
  if (tip === null) throw invalid(`${source.url} has no branch "${input.branch}".`, { field: 'branch' });
  const pull = await ctx.db.transaction(async () => {
    const row = await insertPull(ctx.db, {
      baseRepoId: base.id,
      posterId: input.poster.id,
      title,
      body: input.body,
      baseBranch: input.baseBranch,
      headRepoId: null,
      headBranch: input.branch,
      headSha: tip,
    });
    await insertRemotePullSource(ctx.db, { pullId: row.id, url: source.url, key: source.key, branch: input.branch, allowForcePush: input.allowForcePush });
    return row;
  });
  try {
    // The forge's own ref, as for a fork's pull request: no permission of the poster is involved.
    await moveRefs({ db: ctx.db, repo: base, gitdir: basePath, actor: ANONYMOUS, kind: 'pull-head', updates: [{ ref: pullHeadRef(pull), oldId: ZERO_OID, newId: tip }] });
  } catch (err) {
    await deletePullRow(ctx.db, pull.id);
    throw err;
  }
  ctx.checker.schedule(pull.id);
  await publishPullConversation(ctx.events, pull, 'opened', input.poster.id, { text: pull.body });
  return pull;
}

/** What a refresh did: the head moved, stayed, or a new head was refused (and why). */
export interface RefreshOutcome {
  moved: boolean;
  head_sha: string;
  refused: string;
}

/**
 * Fetches a pull request's source branch again and moves its head there, unless the pull request
 * says no force push and the new head is not a descendant of the current one: then the pull
 * request keeps its head and its source records why.
 */
async function refetch(ctx: PullContext, options: RemoteFetchOptions, pullId: number): Promise<RefreshOutcome> {
  const pull = await findPullById(ctx.db, pullId);
  const source = await findRemotePullSource(ctx.db, pullId);
  const base = pull ? await findRepoById(ctx.db, pull.base_repo_id) : undefined;
  if (!pull || !base) throw notFound('The pull request');
  if (!source) throw notFound('A source on another forge for this pull request');
  if (pull.state !== 'open') throw conflict('The pull request is closed: its head no longer follows its source.');
  const basePath = gitdirOf(ctx.reposDir, base);
  const refuse = async (reason: string): Promise<RefreshOutcome> => {
    await recordRemoteFetch(ctx.db, pull.id, reason);
    return { moved: false, head_sha: pull.head_sha, refused: reason };
  };
  let tip: string | null;
  try {
    tip = await fetchTip(basePath, await connect(source.source_url, options), source.source_branch, options);
  } catch (err) {
    const problem = sourceProblem(err);
    if (problem instanceof ForgeError) return await refuse(problem.message);
    throw problem;
  }
  if (tip === null) return await refuse(`${source.source_url} no longer has the branch "${source.source_branch}": the pull request keeps its last head.`);
  if (tip === pull.head_sha) {
    await recordRemoteFetch(ctx.db, pull.id, '');
    return { moved: false, head_sha: tip, refused: '' };
  }
  if (!source.allow_force_push && !(await isAncestor(basePath, pull.head_sha, tip))) {
    return await refuse(`The branch "${source.source_branch}" was rewritten (force-pushed) at its source; this pull request does not allow force pushes, so it keeps ${pull.head_sha.slice(0, 10)}.`);
  }
  const current = (await readRef(basePath, pullHeadRef(pull))) ?? ZERO_OID;
  await moveRefs({ db: ctx.db, repo: base, gitdir: basePath, actor: ANONYMOUS, kind: 'pull-head', updates: [{ ref: pullHeadRef(pull), oldId: current, newId: tip }] });
  await setPullHead(ctx.db, pull.id, tip);
  await recordRemoteFetch(ctx.db, pull.id, '');
  await notePullPush(ctx.db, basePath, pull, null, pull.head_sha, tip);
  ctx.checker.schedule(pull.id);
  return { moved: true, head_sha: tip, refused: '' };
}

/** The calls a notification names: a Gitea push payload (repository.clone_url / html_url + ref), or Fabrique's {source_url, branch}. */
export interface Notification {
  source_url?: string;
  branch?: string;
  ref?: string;
  repository?: { clone_url?: string; html_url?: string };
}

/** The source keys and branch a notification names, or null when it names none this forge could match. */
export function notifiedSource(body: Notification): { keys: string[]; branch: string } | null {
  const branch = body.branch ?? (body.ref?.startsWith('refs/heads/') ? body.ref.slice('refs/heads/'.length) : undefined);
  const urls = [body.source_url, body.repository?.clone_url, body.repository?.html_url].filter((u): u is string => typeof u === 'string' && u !== '');
  if (branch === undefined || urls.length === 0) return null;
  const keys = new Set<string>();
  for (const url of urls) {
    try {
      keys.add(parseSourceUrl(url).key);
    } catch {
      // A URL that is no clone address matches no pull request.
    }
  }
  return keys.size === 0 ? null : { keys: [...keys], branch };
}

/**
 * Refreshes pull requests from other forges, one app instance's worth: at most one fetch of a pull
 * request's source per interval, whoever asks (its refresh button, a notification, forged or not);
 * calls during a wait share the next fetch, so that a real update is never dropped. close() stops
 * the waits and the fetches under way.
 */
export class RemotePullService {
  private readonly entries = new Map<number, { last: number; waiting: Promise<RefreshOutcome> | null; chain: Promise<unknown> }>();
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: PullContext,
    private readonly options: Omit<RemoteFetchOptions, 'signal'> & { minIntervalMs: number; onError: (err: unknown, pullId: number) => void },
  ) {}

  private get fetchOptions(): RemoteFetchOptions {
    return { allowPrivate: this.options.allowPrivate, maxBytes: this.options.maxBytes, signal: this.abort.signal };
  }

  /** Opens a pull request from another forge (see createRemotePullRequest). */
  create(input: NewRemotePullRequest): Promise<PullRow> {
    return createRemotePullRequest(this.ctx, this.fetchOptions, input);
  }

  /** Fetches the pull request's source now, or as soon as its interval allows; calls made while it waits share it. */
  refresh(pullId: number): Promise<RefreshOutcome> {
    let entry = this.entries.get(pullId);
    if (!entry) this.entries.set(pullId, (entry = { last: 0, waiting: null, chain: Promise.resolve() }));
    if (entry.waiting) return entry.waiting;
    const current = entry;
    const run = current.chain.then(async () => {
      const wait = current.last + this.options.minIntervalMs - Date.now();
      if (wait > 0) await delay(wait, undefined, { signal: this.abort.signal });
      // From now on a call waits for the next fetch: the branch may move after this one looked.
      current.waiting = null;
      current.last = Date.now();
      return refetch(this.ctx, this.fetchOptions, pullId);
    });
    current.waiting = run;
    current.chain = run.catch(() => undefined);
    return run;
  }

  /** Refreshes, in the background, every open pull request whose source a notification names; answers how many. */
  async notify(body: Notification): Promise<number> {
    const source = notifiedSource(body);
    if (!source) return 0;
    const pulls = (await Promise.all(source.keys.map((key) => openRemotePulls(this.ctx.db, key, source.branch)))).flat();
    for (const pull of pulls) this.refresh(pull.id).catch((err: unknown) => this.options.onError(err, pull.id));
    return pulls.length;
  }

  /** Stops the waits and interrupts the fetches under way. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.entries.values()].map((entry) => entry.chain));
  }
}
