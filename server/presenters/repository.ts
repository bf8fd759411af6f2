import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { presentUser } from './user.js';
import { RepoPermissions, Repository } from '../../contract/repositories.js';

export { RepoPermissions, Repository };
import { formatDuration } from '../lib/duration.js';

/** Gitea's "never" for a time that has not happened (a mirror not yet synced, a repository that is none). */
const ZERO_TIME = '0001-01-01T00:00:00Z';



/** Counts that other parts of the forge (forks, pull requests) know; zero until they fill them. */
export interface RepoCounts {
  /** A fork's parent, already presented for the same viewer. */
  parent?: Repository | null;
  forks?: number;
  openPulls?: number;
  /** Open issues only, as Gitea counts them (pull requests apart). */
  openIssues?: number;
  /** The licence detected in the default branch's licence file. */
  licenses?: string[];
}

/** A repository as Gitea shows it, with the permissions of the actor who asked. */
export function presentRepository(repo: RepoRow, owner: UserRow, permissions: RepoPermissions, baseUrl: string, counts: RepoCounts = {}): Repository {
  const fullName = `${repo.owner_name}/${repo.name}`;
  return {
    id: repo.id,
    owner: presentUser(owner, baseUrl),
    name: repo.name,
    full_name: fullName,
    description: repo.description,
    empty: repo.is_empty === 1,
    private: repo.is_private === 1,
    fork: repo.fork_id !== null,
    template: false,
    // One level only: the parent's own parent is left out, as Gitea does.
    parent: counts.parent ? { ...counts.parent, parent: null } : null,
    mirror: repo.is_mirror === 1,
    size: repo.size_kb,
    language: '',
    html_url: `${baseUrl}/${fullName}`,
    url: `${baseUrl}/api/v1/repos/${fullName}`,
    link: '',
    clone_url: `${baseUrl}/${fullName}.git`,
    ssh_url: '',
    original_url: repo.original_url ?? '',
    mirror_interval: repo.is_mirror === 1 && repo.mirror_interval_s !== null ? formatDuration(repo.mirror_interval_s) : '',
    mirror_updated: repo.is_mirror === 1 ? (repo.mirror_updated ?? ZERO_TIME) : ZERO_TIME,
    website: repo.website,
    stars_count: 0,
    forks_count: counts.forks ?? 0,
    watchers_count: 0,
    open_issues_count: counts.openIssues ?? 0,
    open_pr_counter: counts.openPulls ?? 0,
    release_counter: 0,
    default_branch: repo.default_branch,
    archived: repo.is_archived === 1,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
    permissions,
    has_issues: repo.has_issues === 1,
    has_wiki: false,
    has_pull_requests: true,
    internal: false,
    object_format_name: 'sha1',
    licenses: counts.licenses ?? [],
    allow_merge_commits: true,
    allow_rebase: true,
    allow_rebase_explicit: true,
    allow_squash_merge: true,
    allow_fast_forward_only_merge: true,
    default_merge_style: 'merge',
  };
}
