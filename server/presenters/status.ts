import type { CommitStatusRow } from '../db/statuses.js';
import type { RepoUrls } from './browse.js';
import { CombinedStatus, CommitStatus, CommitStates, type CommitStatusState } from '../../contract/statuses.js';
import type { Repository } from '../../contract/repositories.js';
import type { UserSummary } from '../../contract/users.js';

export { CombinedStatus, CommitStatus, CommitStates };

/** A posted status as Gitea's CommitStatus. */
export function presentStatus(urls: RepoUrls, row: CommitStatusRow, creator: UserSummary | null): CommitStatus {
  return {
    id: row.id,
    status: row.state,
    target_url: row.target_url,
    description: row.description,
    url: `${urls.api}/statuses/${row.sha}`,
    context: row.context,
    creator,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Gitea's CombinedStatus of a commit: its state ('' without statuses) and the latest status of each context. */
export function presentCombinedStatus(
  urls: RepoUrls,
  sha: string,
  state: CommitStatusState | null,
  statuses: CommitStatus[],
  repository: Repository | null,
): CombinedStatus {
  return {
    state: state ?? '',
    sha,
    total_count: statuses.length,
    statuses,
    repository,
    commit_url: `${urls.api}/commits/${sha}`,
    url: `${urls.api}/commits/${sha}/status`,
  };
}
