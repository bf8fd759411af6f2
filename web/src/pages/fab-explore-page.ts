import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import { searchOrganisations, searchRepositories, type RepoMode, type RepoSort } from '../api/browse.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import '../fab-repo-list.js';
import '../fab-pager.js';
import '../fab-review-queue.js';
import { SessionController } from '../session.js';
import { tCount } from '../browse-links.js';

const PAGE_SIZE = 20;
const ORG_LIMIT = 20;

/** `/` and `/explore`: the public repositories of the forge, searchable, sorted (sources before forks), filtered by kind, paginated (`?q=&sort=&mode=&page=`). */
@customElement('fab-explore-page')
export class FabExplorePage extends LightDomElement {
  static override styles = css`
    fab-explore-page .fab-empty {
      margin: 0;
      padding: 2rem 1rem;
      color: var(--fab-muted);
      text-align: center;
      background: var(--fab-surface);
      border: 1px dashed var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-explore-page form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: end;
      margin-bottom: 1.5rem;
    }
    fab-explore-page form div {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
    fab-explore-page input,
    fab-explore-page select,
    fab-explore-page button {
      font: inherit;
      padding: 0.375rem 0.5rem;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-explore-page input {
      min-width: 16rem;
    }
    fab-explore-page button {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border-color: var(--fab-accent);
      cursor: pointer;
    }
    fab-explore-page h2 {
      font-size: 1.25rem;
    }
    fab-explore-page .fab-org-list {
      list-style: none;
      margin: 0;
      padding: 0;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-explore-page .fab-org-list li {
      padding: 0.75rem 1rem;
    }
    fab-explore-page .fab-org-list li + li {
      border-top: 1px solid var(--fab-border);
    }
    fab-explore-page .fab-org-list p {
      margin: 0.25rem 0 0;
    }
    fab-explore-page .fab-muted {
      color: var(--fab-muted);
    }
  `;

  @property() query = '';
  @property() sort: RepoSort = 'updated';
  /** All repositories with sources first (the default), sources only, or forks only. */
  @property() mode: RepoMode = 'all';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _results = new Task(this, {
    task: ([q, sort, mode, page], { signal }) => searchRepositories({ q, sort, mode, page, limit: PAGE_SIZE }, signal),
    args: () => [this.query, this.sort, this.mode, this.page] as const,
  });

  private _organisations = new Task(this, {
    task: ([q], { signal }) => searchOrganisations(q, ORG_LIMIT, signal),
    args: () => [this.query] as const,
  });

  private _onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const params = new URLSearchParams();
    const q = String(data.get('q') ?? '').trim();
    if (q) params.set('q', q);
    if (data.get('sort') === 'alpha') params.set('sort', 'alpha');
    const mode = data.get('mode');
    if (mode === 'source' || mode === 'fork') params.set('mode', mode);
    const search = params.toString();
    router.navigate(`/explore${search ? `?${search}` : ''}`);
  }

  override render() {
    return html`
      <h1>${t('explore.heading')}</h1>
      ${this._session.user ? html`<fab-review-queue></fab-review-queue>` : ''}
      <form role="search" @submit=${this._onSubmit}>
        <div>
          <label for="fab-explore-q">${t('explore.search')}</label>
          <input id="fab-explore-q" name="q" type="search" .value=${this.query} />
        </div>
        <div>
          <label for="fab-explore-sort">${t('explore.sort')}</label>
          <select id="fab-explore-sort" name="sort">
            <option value="updated" ?selected=${this.sort === 'updated'}>${t('explore.sortUpdated')}</option>
            <option value="alpha" ?selected=${this.sort === 'alpha'}>${t('explore.sortAlpha')}</option>
          </select>
        </div>
        <div>
          <label for="fab-explore-mode">${t('visitor.mode')}</label>
          <select id="fab-explore-mode" name="mode">
            <option value="all" ?selected=${this.mode === 'all'}>${t('visitor.modeAll')}</option>
            <option value="source" ?selected=${this.mode === 'source'}>${t('visitor.modeSource')}</option>
            <option value="fork" ?selected=${this.mode === 'fork'}>${t('visitor.modeFork')}</option>
          </select>
        </div>
        <button type="submit">${t('explore.searchButton')}</button>
      </form>
      <h2>${t('explore.results')}</h2>
      ${renderTask(this._results, ({ items, total }) =>
        total === 0
          ? html`<p class="fab-empty">${this.query ? t('explore.noResults', { q: this.query }) : t('explore.empty')}</p>`
          : html`<p class="fab-muted fab-total">${tCount('explore.repositories', total)}</p>
              <fab-repo-list .repositories=${items}></fab-repo-list>
              <fab-pager .page=${this.page} .hasNext=${this.page * PAGE_SIZE < total} .pages=${Math.ceil(total / PAGE_SIZE)}></fab-pager>`,
      )}
      <h2>${t('explore.organisations')}</h2>
      ${renderTask(this._organisations, (organisations) =>
        organisations.length === 0
          ? html`<p class="fab-empty">${this.query ? t('explore.noOrganisationResults', { q: this.query }) : t('explore.noOrganisations')}</p>`
          : html`<ul class="fab-org-list">
              ${organisations.map(
                (org) => html`<li>
                  <a href=${`/${encodeURIComponent(org.username)}`}>${org.full_name || org.username}</a>
                  ${org.full_name ? html` <span class="fab-muted">${org.username}</span>` : ''}
                  ${org.description ? html`<p>${org.description}</p>` : ''}
                </li>`,
              )}
            </ul>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-explore-page': FabExplorePage;
  }
}
