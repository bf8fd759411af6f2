import { request } from './client.js';
import { encodePath } from './browse.js';
import type { Contents, FileResponse, FilesResponse, ProposedChange } from '../../../contract/contents.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** UTF-8 text to base64, as Gitea's contents API carries file bodies. */
export function toBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** Base64 to UTF-8 text; null when the bytes are not valid UTF-8 (a binary file). */
export function fromBase64(data: string): string | null {
  const binary = atob(data);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** `GET /repos/{owner}/{repo}/contents/{path}?ref=`: one file with its content. */
export function getFileContents(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Contents> {
  return request<Contents>(`${repoApi(owner, repo)}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`, { signal });
}

/** What the edit page sends: the file's new text and the commit that records it. */
export interface FileChange {
  path: string;
  content: string;
  message: string;
  /** The branch the edit starts from. */
  branch: string;
  /** Commit on this new branch (started from `branch`) instead of `branch` itself. */
  newBranch?: string;
  /** For an existing file, the blob id it had when opened: the server refuses if it changed since. */
  sha?: string;
}

const fileBody = (change: FileChange) => ({
  content: toBase64(change.content),
  message: change.message || undefined,
  branch: change.branch,
  new_branch: change.newBranch || undefined,
  sha: change.sha,
});

/** Gitea's create (`POST`, new file) or update (`PUT`, with `sha`) of `/repos/{owner}/{repo}/contents/{path}`, for those with write access. */
export function writeFile(owner: string, repo: string, change: FileChange): Promise<FileResponse> {
  return request<FileResponse>(`${repoApi(owner, repo)}/contents/${encodePath(change.path)}`, {
    method: change.sha ? 'PUT' : 'POST',
    body: fileBody(change),
  });
}

/**
 * `POST /repos/{owner}/{repo}/contents-propose/{path}`: Fabrique's "propose a change" — the file is
 * committed on a new branch (in the viewer's fork, made if needed, when they may not write) and a
 * pull request into `branch` is opened.
 */
export function proposeChange(owner: string, repo: string, change: FileChange & { title?: string; body?: string }): Promise<ProposedChange> {
  return request<ProposedChange>(`${repoApi(owner, repo)}/contents-propose/${encodePath(change.path)}`, {
    method: 'POST',
    body: { ...fileBody(change), title: change.title || undefined, body: change.body || undefined },
  });
}

/** Bytes to base64, in slices so that a large file does not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** What the upload page sends: new files (path and bytes) committed together. */
export interface FilesUpload {
  files: Array<{ path: string; content: Uint8Array }>;
  message: string;
  branch: string;
  /** Commit on this new branch (started from `branch`) instead of `branch` itself. */
  newBranch?: string;
}

/** Gitea's ChangeFiles, `POST /repos/{owner}/{repo}/contents`: the files created in one commit. */
export function uploadFiles(owner: string, repo: string, upload: FilesUpload): Promise<FilesResponse> {
  return request<FilesResponse>(`${repoApi(owner, repo)}/contents`, {
    method: 'POST',
    body: {
      files: upload.files.map((f) => ({ operation: 'create', path: f.path, content: bytesToBase64(f.content) })),
      message: upload.message || undefined,
      branch: upload.branch,
      new_branch: upload.newBranch || undefined,
    },
  });
}
