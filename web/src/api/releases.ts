import { ApiError, csrfTokenValue, NETWORK_ERROR, request } from './client.js';
import type { Attachment, CreateReleaseOption, EditReleaseOption, GeneratedNotes, Release } from '../../../contract/releases.js';

export type { Attachment, Release };

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
const tagPath = (tag: string) => tag.split('/').map(encodeURIComponent).join('/');

/** `GET /repos/{o}/{r}/releases`: newest first, drafts only for writers. */
export function listReleases(owner: string, repo: string, signal?: AbortSignal): Promise<Release[]> {
  return request<Release[]>(`${repoApi(owner, repo)}/releases?limit=50`, { signal });
}

/** `GET /repos/{o}/{r}/releases/tags/{tag}`. */
export function getReleaseByTag(owner: string, repo: string, tag: string, signal?: AbortSignal): Promise<Release> {
  return request<Release>(`${repoApi(owner, repo)}/releases/tags/${encodeURIComponent(tag)}`, { signal });
}

/**
 * The latest release (the newest published one that is not a pre-release), or null when there is
 * none: read from the filtered list, since `/releases/latest` answers 404 then and the browser
 * reports every 404 as an error.
 */
export async function latestRelease(owner: string, repo: string, signal?: AbortSignal): Promise<Release | null> {
  const [latest] = await request<Release[]>(`${repoApi(owner, repo)}/releases?draft=false&pre-release=false&limit=1`, { signal });
  return latest ?? null;
}

/** `POST /repos/{o}/{r}/releases`. */
export function createRelease(owner: string, repo: string, input: CreateReleaseOption): Promise<Release> {
  return request<Release>(`${repoApi(owner, repo)}/releases`, { method: 'POST', body: input });
}

/** `PATCH /repos/{o}/{r}/releases/{id}`. */
export function editRelease(owner: string, repo: string, id: number, input: EditReleaseOption): Promise<Release> {
  return request<Release>(`${repoApi(owner, repo)}/releases/${id}`, { method: 'PATCH', body: input });
}

/** `DELETE /repos/{o}/{r}/releases/{id}`: the tag stays. */
export function deleteRelease(owner: string, repo: string, id: number): Promise<null> {
  return request<null>(`${repoApi(owner, repo)}/releases/${id}`, { method: 'DELETE' });
}

/** `POST /repos/{o}/{r}/releases/generate-notes`: the pull requests merged since the previous release. */
export function generateNotes(owner: string, repo: string, tag: string): Promise<GeneratedNotes> {
  return request<GeneratedNotes>(`${repoApi(owner, repo)}/releases/generate-notes`, { method: 'POST', body: { tag_name: tag } });
}

/** `DELETE /repos/{o}/{r}/releases/{id}/assets/{attachment}`. */
export function deleteAttachment(owner: string, repo: string, releaseId: number, id: number): Promise<null> {
  return request<null>(`${repoApi(owner, repo)}/releases/${releaseId}/assets/${id}`, { method: 'DELETE' });
}

/**
 * `POST /repos/{o}/{r}/releases/{id}/assets`: sends a file as multipart `attachment`, calling
 * `onProgress` with the fraction sent (XMLHttpRequest: fetch reports no upload progress).
 */
export function uploadAttachment(owner: string, repo: string, releaseId: number, file: File, onProgress: (fraction: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${repoApi(owner, repo)}/releases/${releaseId}/assets`);
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = csrfTokenValue();
    if (csrf !== null) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(NETWORK_ERROR, 'network error'));
    xhr.onload = () => {
      let body: { message?: string } | null;
      try {
        body = JSON.parse(xhr.responseText) as { message?: string };
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Attachment);
      else reject(new ApiError(xhr.status, body?.message ?? xhr.statusText));
    };
    const form = new FormData();
    form.append('attachment', file, file.name);
    xhr.send(form);
  });
}

/** Where a release's file is downloaded (Gitea's address), counted by the server. */
export function downloadUrl(owner: string, repo: string, tag: string, name: string): string {
  return `/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/releases/download/${tagPath(tag)}/${encodeURIComponent(name)}`;
}

/** The release page of a tag. */
export function releaseUrl(owner: string, repo: string, tag: string): string {
  return `/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/releases/tag/${tagPath(tag)}`;
}

/** Human file sizes: 1.5 MB, 320 kB (SI units, as browsers show downloads). */
export function fileSize(bytes: number, locale: string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
