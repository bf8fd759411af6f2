import type { Actor } from '../auth/policy.js';
import { notFound } from '../errors.js';
import { findRepo, findRepoById, type RepoRow } from '../db/repos.js';
import { findUserByName } from '../db/users.js';
import { networkReposOf } from '../db/pulls.js';
import { repoPath } from '../git/store.js';
import { RepoReader, isSafeRefName, type ResolvedRef } from '../git/read.js';
import { diffCommits, type Diff, type DiffLimits } from '../git/diff.js';
import { highlightDiff } from '../services/diff-highlight.js';
import { crossHistory } from '../git/network.js';
import { RepoUrls, presentCommit, type Commit } from '../presenters/browse.js';
import type { CompareHeadRepository } from '../../contract/compare.js';
import type { ReadContext } from './context.js';
import { filterAsync } from '../lib/async.js';

/** At most this many commits are listed; `total_commits` still counts them all. */
const COMPARE_COMMITS = 250;

/** The head of a cross-repository comparison, as Gitea writes it: `{user}:{branch}` or `{user}/{repo}:{branch}`. */
export interface CrossHead {
  owner: string;
  repo: string | null;
  ref: string;
}

/**
 * Splits `base...head` when the head names another repository of the fork network; null for a
 * comparison inside one repository (a ref name can hold no colon, so the first one separates).
 */
export function crossCompareSpec(spec: string): { base: string; head: CrossHead } | null {
  const dots = spec.indexOf('...');
  if (dots <= 0) return null;
  const head = spec.slice(dots + 3);
  const colon = head.indexOf(':');
  if (colon <= 0) return null;
  const where = head.slice(0, colon);
  const slash = where.indexOf('/');
  return {
    base: spec.slice(0, dots),
    head: { owner: slash < 0 ? where : where.slice(0, slash), repo: slash < 0 ? null : where.slice(slash + 1), ref: head.slice(colon + 1) },
  };
}

/**
 * The repository a cross head names, as the actor may read it: `{user}` alone is that user's fork of
 * the base first, then any of their repositories in the same fork network (as a pull request's head
 * is found); `{user}/{repo}` must be in the network too. Anything else is a 404, as Gitea answers.
 */
async function headRepository(ctx: ReadContext, actor: Actor, base: RepoRow, head: CrossHead): Promise<RepoRow> {
  const missing = () => notFound(`A repository of ${head.owner} in the fork network of ${base.owner_name}/${base.name}`);
  const owner = await findUserByName(ctx.db, head.owner);
  if (!owner) throw missing();
  const network = new Set(await networkReposOf(ctx.db, owner.id, base));
  const readable = async (repo: RepoRow | undefined): Promise<boolean> =>
    repo !== undefined && network.has(repo.id) && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo });
  if (head.repo !== null) {
    const named = await findRepo(ctx.db, owner.username, head.repo);
    if (!(await readable(named))) throw missing();
    return named as RepoRow;
  }
  const candidates = (await filterAsync(await Promise.all([...network].map((id) => findRepoById(ctx.db, id))), readable)) as RepoRow[];
  const repo = candidates.find((r) => r.fork_id === base.id) ?? candidates[0];
  if (!repo) throw missing();
  return repo;
}

async function resolveOr404(reader: RepoReader, repo: RepoRow, ref: string): Promise<ResolvedRef> {
  const resolved = isSafeRefName(ref) ? await reader.resolve(ref) : null;
  if (!resolved) throw notFound(`The ref "${ref}" of ${repo.owner_name}/${repo.name}`);
  return resolved;
}

/** What a cross-repository comparison answers: the same shape as one inside a repository, and where the head was read. */
export interface CrossComparison {
  base: { name: string; kind: ResolvedRef['kind']; commit: string };
  head: { name: string; kind: ResolvedRef['kind']; commit: string };
  head_repository: CompareHeadRepository;
  merge_base: string | null;
  total_commits: number;
  commits: Commit[];
  diff: Diff;
}

/**
 * Gitea's `compare/{base}...{user}:{branch}`: what a branch of a fork (or of the parent, seen from a
 * fork) has that the base repository's ref lacks, read without copying anything into either.
 */
export async function crossRepositoryComparison(ctx: ReadContext, actor: Actor, base: RepoRow, spec: string, limits: DiffLimits): Promise<CrossComparison> {
  const parsed = crossCompareSpec(spec);
  if (!parsed) throw notFound('The comparison (ask for <base>...<user>:<branch>)');
  const headRepo = await headRepository(ctx, actor, base, parsed.head);
  const baseDir = repoPath(ctx.config.reposDir, base.owner_name, base.name);
  const headDir = repoPath(ctx.config.reposDir, headRepo.owner_name, headRepo.name);
  const headReader = new RepoReader(headDir, ctx.gitCache);
  const [baseRef, headRef] = await Promise.all([
    resolveOr404(new RepoReader(baseDir, ctx.gitCache), base, parsed.base),
    resolveOr404(headReader, headRepo, parsed.head.ref),
  ]);
  const history = await crossHistory({ baseDir, baseOid: baseRef.oid, headDir, headOid: headRef.oid, limit: COMPARE_COMMITS });
  const urls = new RepoUrls(ctx.config.baseUrl, headRepo);
  const shown = history.commits.slice().reverse();
  return {
    base: { name: baseRef.name, kind: baseRef.kind, commit: baseRef.oid },
    head: { name: headRef.name, kind: headRef.kind, commit: headRef.oid },
    head_repository: { owner: headRepo.owner_name, name: headRepo.name, full_name: `${headRepo.owner_name}/${headRepo.name}` },
    merge_base: history.mergeBase,
    total_commits: history.total,
    commits: await Promise.all(shown.map(async (oid) => presentCommit(urls, await headReader.commit(oid)))),
    diff: highlightDiff(await diffCommits(headReader, history.mergeBase, headRef.oid, limits)),
  };
}
