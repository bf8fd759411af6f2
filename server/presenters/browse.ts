import type { RepoRow } from '../db/repos.js';
import { gitDate, type GitCommit, type GitEntry, type GitPerson, type RefInfo, type ResolvedRef } from '../git/read.js';
import type { FileDiff as GitFileDiff } from '../git/diff.js';
import { Blame, BlameCommit, Blob, Branch, BranchOverview, Commit, CommitUser, CommitWithDiff, Comparison, Diff, FileDiff, LastCommit, Readme, Ref, Tag, Tree } from '../../contract/browse.js';
import { Contents } from '../../contract/contents.js';

export { Blame, BlameCommit, Blob, Branch, BranchOverview, Commit, CommitUser, CommitWithDiff, Comparison, Contents, Diff, FileDiff, LastCommit, Readme, Ref, Tag, Tree };

/** The URLs of one repository, from the configured base URL. */
export class RepoUrls {
  readonly api: string;
  readonly html: string;
  constructor(readonly baseUrl: string, readonly repo: Pick<RepoRow, 'owner_name' | 'name'>) {
    const path = `${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}`;
    this.api = `${baseUrl}/api/v1/repos/${path}`;
    this.html = `${baseUrl}/${path}`;
  }
}

export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

const person = (p: GitPerson) => ({ name: p.name, email: p.email, date: gitDate(p) });

/** A commit as Gitea's API shows it; `files` and `stats` when a diff is given. */
export function presentCommit(urls: RepoUrls, commit: GitCommit, files?: GitFileDiff[]): Commit {
  const created = gitDate(commit.committer);
  const result: Commit = {
    url: `${urls.api}/git/commits/${commit.oid}`,
    sha: commit.oid,
    created,
    html_url: `${urls.html}/commit/${commit.oid}`,
    commit: {
      url: `${urls.api}/git/commits/${commit.oid}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      tree: { url: `${urls.api}/git/trees/${commit.tree}`, sha: commit.tree, created },
      verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ url: `${urls.api}/git/commits/${sha}`, sha, created })),
  };
  if (files) {
    result.files = files.map((f) => ({ filename: f.filename, status: f.status }));
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    result.stats = { total: additions + deletions, additions, deletions };
  }
  return result;
}

/** A branch with its head commit, as Gitea shows it. Protection is reported by the branch protection API. */
export function presentBranch(urls: RepoUrls, name: string, commit: GitCommit, canPush: boolean): Branch {
  return {
    name,
    commit: {
      id: commit.oid,
      message: commit.message,
      url: `${urls.html}/commit/${commit.oid}`,
      author: { ...person(commit.author), username: '' },
      committer: { ...person(commit.committer), username: '' },
      verification: null,
      timestamp: gitDate(commit.committer),
      added: [],
      removed: [],
      modified: [],
    },
    protected: false,
    required_approvals: 0,
    enable_status_check: false,
    status_check_contexts: [],
    user_can_push: canPush,
    user_can_merge: canPush,
    effective_branch_protection_name: '',
  };
}

export function presentTag(urls: RepoUrls, tag: RefInfo, commit: GitCommit): Tag {
  return {
    name: tag.name,
    message: tag.message,
    id: tag.id,
    commit: { url: `${urls.api}/git/commits/${tag.commit}`, sha: tag.commit, created: gitDate(commit.committer) },
    zipball_url: `${urls.api}/archive/${encodePath(tag.name)}.zip`,
    tarball_url: `${urls.api}/archive/${encodePath(tag.name)}.tar.gz`,
  };
}

export type ContentsType = Contents['type'];

/** The Gitea contents type of a tree entry. */
export function contentsType(entry: Pick<GitEntry, 'type' | 'mode'>): ContentsType {
  if (entry.type === 'tree') return 'dir';
  if (entry.type === 'commit') return 'submodule';
  return entry.mode === '120000' ? 'symlink' : 'file';
}

export function presentContents(
  urls: RepoUrls,
  ref: ResolvedRef,
  entry: GitEntry,
  details: { size: number; lastCommit: string; content?: Uint8Array | null; target?: string | null },
): Contents {
  const type = contentsType(entry);
  const path = encodePath(entry.path);
  const query = `?ref=${encodeURIComponent(ref.name)}`;
  const self = `${urls.api}/contents/${path}${query}`;
  const gitUrl = `${urls.api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.oid}`;
  const html = `${urls.html}/src/${ref.kind}/${encodePath(ref.name)}/${path}`;
  return {
    name: entry.name,
    path: entry.path,
    sha: entry.oid,
    last_commit_sha: details.lastCommit,
    type,
    size: details.size,
    encoding: details.content ? 'base64' : null,
    content: details.content ? Buffer.from(details.content).toString('base64') : null,
    target: details.target ?? null,
    url: self,
    html_url: html,
    git_url: gitUrl,
    download_url: type === 'file' ? `${urls.html}/raw/${ref.kind}/${encodePath(ref.name)}/${path}` : null,
    submodule_git_url: null,
    _links: { self, git: gitUrl, html },
  };
}

/** A resolved ref as the browse pages show it. */
export const presentRef = (ref: ResolvedRef): Ref => ({ name: ref.name, kind: ref.kind, commit: ref.oid });

/** A commit summarised for a listing, or null when there is none. */
export function presentLastCommit(commit: GitCommit | null): LastCommit | null {
  return commit ? { sha: commit.oid, summary: commit.message.split('\n', 1)[0], author_name: commit.author.name, date: gitDate(commit.author) } : null;
}
