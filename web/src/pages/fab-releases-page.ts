import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { language, LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/releases.js';
import { archiveUrl, getRepository } from '../api/browse.js';
import { downloadUrl, fileSize, listReleases, releaseUrl, type Release } from '../api/releases.js';
import { RepoLinks } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-markdown.js';

/** The styles of a release as the list, the release page and the repository home show it. */
export const releaseStyles = css`
  .fab-release {
    margin: 1rem 0;
    padding: 1rem;
    border: 1px solid var(--fab-border);
    border-radius: var(--fab-radius);
    overflow-wrap: anywhere;
  }
  .fab-release h2 {
    margin: 0;
    font-size: 1.375rem;
  }
  .fab-release-meta {
    margin: 0.25rem 0 0.75rem;
    color: var(--fab-muted);
  }
  .fab-badge {
    display: inline-block;
    margin-inline-start: 0.5rem;
    padding: 0 0.5rem;
    border: 1px solid currentColor;
    border-radius: 1rem;
    font-size: 0.875rem;
    font-weight: 600;
    vertical-align: middle;
  }
  .fab-badge-latest {
    color: var(--fab-success);
  }
  .fab-release-assets {
    margin: 0.75rem 0 0;
    padding: 0;
    list-style: none;
    border-top: 1px solid var(--fab-border);
  }
  .fab-release-assets li {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    padding: 0.375rem 0;
    border-bottom: 1px solid var(--fab-border);
  }
  .fab-release-assets .fab-asset-facts {
    color: var(--fab-muted);
  }
  .fab-release-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: center;
  }
`;

/** The badges of a release: latest, pre-release, draft. */
export function releaseBadges(release: Release, latestId: number | null): TemplateResult {
  return html`${release.id === latestId ? html`<span class="fab-badge fab-badge-latest">${t('releases.latest')}</span>` : nothing}${release.prerelease
    ? html`<span class="fab-badge">${t('releases.prerelease')}</span>`
    : nothing}${release.draft ? html`<span class="fab-badge">${t('releases.draft')}</span>` : nothing}`;
}

/** A release's tag, date, author, notes and files; its heading at `level` (2 in a list, none when the page's h1 names it). */
export function renderRelease(owner: string, repo: string, release: Release, options: { latestId: number | null; heading: boolean }): TemplateResult {
  const links = new RepoLinks(owner, repo);
  const headingId = `fab-release-${release.id}`;
  const assetsId = `fab-release-assets-${release.id}`;
  return html`<article class="fab-release" aria-labelledby=${options.heading ? headingId : nothing}>
    ${options.heading
      ? html`<h2 id=${headingId}><a href=${releaseUrl(owner, repo, release.tag_name)}>${release.name}</a>${releaseBadges(release, options.latestId)}</h2>`
      : nothing}
    <p class="fab-release-meta">
      <a href=${links.src('tag', release.tag_name)}>${release.tag_name}</a>
      ${release.published_at ? html` · <fab-relative-time .datetime=${release.published_at}></fab-relative-time>` : nothing}
      ${release.author ? html` · ${t('releases.by', { user: release.author.login })}` : nothing}
    </p>
    ${release.body_html ? html`<fab-markdown .html=${release.body_html} .level=${3}></fab-markdown>` : nothing}
    <h3 id=${assetsId} class="visually-hidden">${t('releases.assets')}</h3>
    <ul class="fab-release-assets" aria-labelledby=${assetsId}>
      ${release.assets.map(
        (asset) => html`<li>
          <a href=${downloadUrl(owner, repo, release.tag_name, asset.name)} download>${asset.name}</a>
          <span class="fab-asset-facts">${fileSize(asset.size, language())} · ${t('releases.downloads', { count: asset.download_count })}</span>
        </li>`,
      )}
      ${release.draft
        ? nothing
        : html`<li><a href=${archiveUrl(owner, repo, release.tag_name, 'zip')} download>${t('releases.sourceZip')}</a></li>
            <li><a href=${archiveUrl(owner, repo, release.tag_name, 'tar.gz')} download>${t('releases.sourceTarGz')}</a></li>`}
    </ul>
  </article>`;
}

/** `/{owner}/{repo}/releases`: every release, newest first, with its notes and files; writers add one. */
@customElement('fab-releases-page')
export class FabReleasesPage extends LightDomElement {
  static override styles = releaseStyles;

  @property() owner = '';
  @property() repo = '';

  private _locale = new LocaleController(this);

  private _data = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [repository, releases] = await Promise.all([getRepository(owner, repo, signal), listReleases(owner, repo, signal)]);
      // Gitea's latest: the newest published release that is not a pre-release.
      const latest = releases.find((r) => !r.draft && !r.prerelease) ?? null;
      return { releases, latestId: latest?.id ?? null, writer: (repository.permissions?.push ?? false) && !repository.archived };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const home = new RepoLinks(this.owner, this.repo).home;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="releases"></fab-repo-header>
      <h1>${t('releases.title')}</h1>
      ${renderTask(
        this._data,
        ({ releases, latestId, writer }) => html`
          <p class="fab-release-actions">
            ${writer ? html`<a class="fab-button" href=${`${home}/releases/new`}>${t('releases.new')}</a>` : nothing}
            <a href=${`${home}/releases.atom`} type="application/atom+xml">${t('releases.feed')}</a>
          </p>
          ${releases.length === 0 ? html`<p>${t('releases.none')}</p>` : releases.map((r) => renderRelease(this.owner, this.repo, r, { latestId, heading: true }))}
        `,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-releases-page': FabReleasesPage;
  }
}
