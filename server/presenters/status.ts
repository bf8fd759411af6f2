import type { CommitStatusRow } from '../db/statuses.js';
import type { RepoUrls } from './browse.js';
import { CombinedStatus, CommitStatus, CommitStates, type CommitStatusState } from '../../contract/statuses.js';
import type { Repository } from '../../contract/repositories.js';
import type { UserSummary } from '../../contract/users.js';
import { Type, type Static } from '@sinclair/typebox';

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

/** GitLab v4's CommitStatus, read-only: what a GitLab client (or a harvester) reads of a commit's checks. */
export const GitlabCommitStatus = Type.Object({
  id: Type.Integer(),
  sha: Type.String(),
  ref: Type.Null(),
  status: Type.String(),
  name: Type.String(),
  target_url: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  started_at: Type.Null(),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  allow_failure: Type.Boolean(),
  coverage: Type.Null(),
  author: Type.Union([Type.Object({ id: Type.Integer(), username: Type.String(), web_url: Type.String() }), Type.Null()]),
});
export type GitlabCommitStatus = Static<typeof GitlabCommitStatus>;

/** GitLab's names for Gitea's states: error and failure are `failed`, a warning a failure allowed to fail. */
const GITLAB_STATES: Record<CommitStatusState, string> = { pending: 'pending', success: 'success', error: 'failed', failure: 'failed', warning: 'failed' };

/** A posted status as GitLab v4 shows it. */
export function presentGitlabStatus(row: CommitStatusRow, author: UserSummary | null): GitlabCommitStatus {
  return {
    id: row.id,
    sha: row.sha,
    ref: null,
    status: GITLAB_STATES[row.state],
    name: row.context,
    target_url: row.target_url || null,
    description: row.description || null,
    created_at: row.created_at,
    started_at: null,
    finished_at: row.state === 'pending' ? null : row.updated_at,
    allow_failure: row.state === 'warning',
    coverage: null,
    author: author ? { id: author.id, username: author.login, web_url: author.html_url } : null,
  };
}
