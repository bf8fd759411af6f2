import { findRepoById } from '../db/repos.js';
import { openRemotePulls, type RemotePullSourceRow } from '../db/remote-pulls.js';
import { isPubliclyReadable } from '../services/repos.js';
import { parseSourceUrl } from '../services/remote-pulls.js';
import { RepoUrls } from '../presenters/browse.js';
import type { RemotePullSource, RemotePullSummary } from '../../contract/federation.js';
import type { ReadContext } from './context.js';

/** A pull request's remote source as the API shows it, with the "host/owner/repo:branch" label of its page. */
export function presentRemoteSource(source: RemotePullSourceRow): RemotePullSource {
  const url = new URL(source.source_key);
  return {
    clone_url: source.source_url,
    html_url: source.source_key,
    branch: source.source_branch,
    label: `${url.host}${url.pathname}:${source.source_branch}`,
    allow_force_push: source.allow_force_push === 1,
    last_fetch_at: source.last_fetch_at,
    last_error: source.last_error,
  };
}

/**
 * The open pull requests of this forge's public repositories whose head comes from a source (and
 * branch, when given): what another forge shows beside its branches. Nothing of a repository that
 * not everyone may read, so the answer is the same as if it had none; an unusable URL has none.
 */
export async function publicRemotePulls(ctx: ReadContext, sourceUrl: string, branch: string | undefined): Promise<RemotePullSummary[]> {
  let key: string;
  try {
    key = parseSourceUrl(sourceUrl).key;
  } catch {
    return [];
  }
  return (await Promise.all((await openRemotePulls(ctx.db, key, branch ?? null)).map(async (pull) => {
    const repo = await findRepoById(ctx.db, pull.base_repo_id);
    if (!repo || !isPubliclyReadable(repo)) return [];
    return [
      {
        html_url: `${new RepoUrls(ctx.config.baseUrl, repo).html}/pulls/${pull.number}`,
        number: pull.number,
        title: pull.title,
        state: pull.state,
        repository: `${repo.owner_name}/${repo.name}`,
        branch: pull.head_branch,
      },
    ];
  }))).flat();
}
