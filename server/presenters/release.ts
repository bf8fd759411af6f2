import type { AttachmentRow, ReleaseRow } from '../db/releases.js';
import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { presentUser } from './user.js';
import type { Attachment, Release } from '../../contract/releases.js';

/** A ref name in a URL path: each segment escaped, its slashes kept (as Gitea's PathEscapeSegments). */
export const pathSegments = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/** Gitea's Attachment: its download address is `/attachments/{uuid}`, as Gitea answers it. */
export function presentAttachment(row: AttachmentRow, baseUrl: string): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    download_count: row.download_count,
    created_at: row.created_at,
    uuid: row.uuid,
    browser_download_url: `${baseUrl}/attachments/${row.uuid}`,
    type: 'attachment',
  };
}

/** What a release answer is made of: its row, repository, rendered notes, author and files. */
export interface ReleaseParts {
  row: ReleaseRow;
  repo: RepoRow;
  baseUrl: string;
  bodyHtml: string;
  author: UserRow | null;
  assets: AttachmentRow[];
}

/** Gitea's Release. */
export function presentRelease({ row, repo, baseUrl, bodyHtml, author, assets }: ReleaseParts): Release {
  const repoPath = `${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}`;
  const api = `${baseUrl}/api/v1/repos/${repoPath}`;
  const tag = pathSegments(row.tag_name);
  return {
    id: row.id,
    tag_name: row.tag_name,
    target_commitish: row.target_commitish,
    name: row.title,
    body: row.note,
    body_html: bodyHtml,
    url: `${api}/releases/${row.id}`,
    html_url: `${baseUrl}/${repoPath}/releases/tag/${tag}`,
    tarball_url: `${api}/archive/${tag}.tar.gz`,
    zipball_url: `${api}/archive/${tag}.zip`,
    upload_url: `${api}/releases/${row.id}/assets`,
    draft: row.is_draft === 1,
    prerelease: row.is_prerelease === 1,
    created_at: row.created_at,
    published_at: row.published_at,
    author: author ? presentUser(author, baseUrl) : null,
    assets: assets.map((a) => presentAttachment(a, baseUrl)),
  };
}

/** A release as GitLab v4's `GET /projects/:id/releases` shows it (read-only: links are the release's files). */
export function presentGitlabRelease(release: Release, author: { id: number; username: string; name: string; web_url: string } | null, sha: string) {
  return {
    tag_name: release.tag_name,
    name: release.name,
    description: release.body,
    description_html: release.body_html,
    created_at: release.created_at,
    released_at: release.published_at ?? release.created_at,
    upcoming_release: false,
    author,
    commit: { id: sha, short_id: sha.slice(0, 8) },
    tag_path: release.html_url.replace(/\/releases\/tag\//, '/src/tag/').replace(/^https?:\/\/[^/]+/, ''),
    assets: {
      count: release.assets.length + 2,
      sources: [
        { format: 'zip', url: release.zipball_url },
        { format: 'tar.gz', url: release.tarball_url },
      ],
      links: release.assets.map((a) => ({ id: a.id, name: a.name, url: a.browser_download_url, direct_asset_url: a.browser_download_url, link_type: 'package' })),
    },
    _links: { self: release.html_url },
  };
}
