import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { presentUser } from './user.js';
import { GitEntry, GitTreeResponse, Reference, RepoPermissions, Repository, TopicResponse } from '../../contract/repositories.js';

export { GitTreeResponse, Reference, RepoPermissions, Repository, TopicResponse };
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
    allow_merge_commits: repo.allow_merge_commits === 1,
    allow_rebase: repo.allow_rebase === 1,
    allow_rebase_explicit: repo.allow_rebase_explicit === 1,
    allow_squash_merge: repo.allow_squash_merge === 1,
    allow_fast_forward_only_merge: repo.allow_fast_forward_only_merge === 1,
    default_merge_style: repo.default_merge_style,
  };
}

/** Gitea's Reference: the ref's own address and the object it names (a commit, or an annotated tag). */
export function presentReference(apiRepoUrl: string, ref: { ref: string; oid: string; type: string }): Reference {
  return {
    ref: ref.ref,
    url: `${apiRepoUrl}/git/${ref.ref.split('/').map(encodeURIComponent).join('/')}`,
    object: { type: ref.type, sha: ref.oid, url: `${apiRepoUrl}/git/${ref.type}s/${ref.oid}` },
  };
}

/** Gitea's GitEntry: a folder's or a submodule's size is 0. */
export function presentGitEntry(apiRepoUrl: string, entry: { path: string; mode: string; type: string; oid: string; size: number | null }): GitEntry {
  return { path: entry.path, mode: entry.mode, type: entry.type, size: entry.size ?? 0, sha: entry.oid, url: `${apiRepoUrl}/git/${entry.type}s/${entry.oid}` };
}

/** Gitea's TopicResponse. Fabrique keeps no dates for a topic: Gitea's "never" stands for them. */
export function presentTopic(topic: { id: number; topic: string; repo_count: number }): TopicResponse {
  return { id: topic.id, topic_name: topic.topic, repo_count: topic.repo_count, created: ZERO_TIME, updated: ZERO_TIME };
}
