import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { pageForks } from '../api/forks.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-repo-list.js';
import '../fab-pager.js';

/** Forks per page: Gitea's largest page. */
const PAGE_SIZE = 50;

/** `/{owner}/{repo}/forks?page=`: who reuses the project, each fork with its owner and last update. */
@customElement('fab-repo-forks-page')
export class FabRepoForksPage extends LightDomElement {
  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private _forks = new Task(this, {
    task: ([owner, repo, page], { signal }) => pageForks(owner, repo, page, signal),
    args: () => [this.owner, this.repo, this.page] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="code"></fab-repo-header>
      <h1>${t('visitor.forksHeading', { repo: `${this.owner}/${this.repo}` })}</h1>
      <p>${t('visitor.forksIntro')}</p>
      ${renderTask(this._forks, ({ items, total }) =>
        total === 0
          ? html`<p>${t('visitor.forksEmpty')}</p>`
          : html`<fab-repo-list .repositories=${items} .hideParent=${true}></fab-repo-list>
              <fab-pager .page=${this.page} .hasNext=${this.page * PAGE_SIZE < total} .pages=${Math.ceil(total / PAGE_SIZE)}></fab-pager>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-forks-page': FabRepoForksPage;
  }
}
