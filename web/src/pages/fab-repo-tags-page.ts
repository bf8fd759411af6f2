import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { archiveUrl, pageTags } from '../api/browse.js';
import { RepoLinks, shortSha, summaryOf } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import { refListStyles } from './fab-repo-branches-page.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-pager.js';

/** Tags per page: Gitea's largest page. */
const PAGE_SIZE = 50;

/** `/{owner}/{repo}/tags?page=`: each tag with its commit, message and archives, 50 a page. */
@customElement('fab-repo-tags-page')
export class FabRepoTagsPage extends LightDomElement {
  static override styles = refListStyles('fab-repo-tags-page');

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private _tags = new Task(this, {
    task: ([owner, repo, page], { signal }) => pageTags(owner, repo, { page, limit: PAGE_SIZE }, signal),
    args: () => [this.owner, this.repo, this.page] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="tags"></fab-repo-header>
      <h1>${t('repo.tags')}</h1>
      ${renderTask(this._tags, ({ items: tags, total }) =>
        total === 0
          ? html`<p>${t('tags.empty')}</p>`
          : html`<p class="fab-ref-count">${t('visitor.tagCount', { count: total })}</p>
              <ul class="fab-refs">
                ${tags.map(
                  (tag) => html`<li>
                    <div>
                      <p class="fab-ref-name"><a href=${links.src('tag', tag.name)}>${tag.name}</a></p>
                      <p class="fab-ref-commit">
                        <a href=${links.commit(tag.commit.sha)}>${shortSha(tag.commit.sha)}</a>${tag.message ? ` — ${summaryOf(tag.message)}` : ''},
                        <fab-relative-time .datetime=${tag.commit.created}></fab-relative-time>
                      </p>
                    </div>
                    <div class="fab-ref-actions">
                      <a href=${archiveUrl(this.owner, this.repo, tag.name, 'zip')} download>${t('repo.archiveZip', { ref: tag.name })}</a>
                      <a href=${archiveUrl(this.owner, this.repo, tag.name, 'tar.gz')} download>${t('repo.archiveTarGz', { ref: tag.name })}</a>
                    </div>
                  </li>`,
                )}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * PAGE_SIZE < total} .pages=${Math.ceil(total / PAGE_SIZE)}></fab-pager>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-tags-page': FabRepoTagsPage;
  }
}
