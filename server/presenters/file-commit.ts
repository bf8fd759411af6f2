import type { RepoRow } from '../db/repos.js';
import { gitDate, type GitCommit, type GitEntry } from '../git/read.js';
import { RepoUrls, presentContents } from './browse.js';
import type { FileCommit, FileResponse, FilesResponse } from '../../contract/contents.js';

/** A file the forge just committed on the web: the repository, the branch it moved, the commit and the file's entry. */
export interface CommittedFile {
  repo: RepoRow;
  branch: string;
  commit: GitCommit;
  entry: GitEntry;
}

/** The commit of a web edit as Gitea's FileCommitResponse. */
export function presentFileCommit(baseUrl: string, written: Omit<CommittedFile, 'entry'>): FileCommit {
  const urls = new RepoUrls(baseUrl, written.repo);
  const { commit } = written;
  const person = (p: typeof commit.author) => ({ name: p.name, email: p.email, date: gitDate(p) });
  return {
    url: `${urls.api}/git/commits/${commit.oid}`,
    html_url: `${urls.html}/commit/${commit.oid}`,
    sha: commit.oid,
    created: gitDate(commit.committer),
    author: person(commit.author),
    committer: person(commit.committer),
    parents: commit.parents.map((sha) => ({ url: `${urls.api}/git/commits/${sha}`, sha })),
    message: commit.message,
    tree: { url: `${urls.api}/git/trees/${commit.tree}`, sha: commit.tree },
  };
}

/** A web edit as Gitea's FileResponse: the file's contents entry on its branch and the commit (never signed). */
export function presentFileResponse(baseUrl: string, written: CommittedFile): FileResponse {
  const urls = new RepoUrls(baseUrl, written.repo);
  const ref = { oid: written.commit.oid, kind: 'branch' as const, name: written.branch };
  return {
    content: presentContents(urls, ref, written.entry, { size: 0, lastCommit: written.commit.oid }),
    commit: presentFileCommit(baseUrl, written),
    verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' },
  };
}

/** A commit of several files as Gitea's FilesResponse: each file's contents entry on its branch (null when deleted) and the commit. */
export function presentFilesResponse(baseUrl: string, written: Omit<CommittedFile, 'entry'> & { entries: Array<GitEntry | null> }): FilesResponse {
  const urls = new RepoUrls(baseUrl, written.repo);
  const ref = { oid: written.commit.oid, kind: 'branch' as const, name: written.branch };
  return {
    files: written.entries.map((entry) => (entry ? presentContents(urls, ref, entry, { size: 0, lastCommit: written.commit.oid }) : null)),
    commit: presentFileCommit(baseUrl, written),
    verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' },
  };
}
