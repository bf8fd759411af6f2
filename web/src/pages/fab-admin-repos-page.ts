import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { t } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import type { ApiError } from '../api/client.js';
import { ADMIN_PAGE_SIZE, listAdminRepos, runRepositoryMaintenance, type AdminRepository } from '../api/admin.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { FabAdminPage, adminStyles, formatBytes, formatDate } from './fab-admin-nav.js';
import '../fab-pager.js';

/** `/-/admin/repos`: every repository with its size, last push and mirror state, and "run maintenance". */
@customElement('fab-admin-repos-page')
export class FabAdminReposPage extends FabAdminPage {
  static override styles = [formStyles, adminStyles];
  protected readonly tab = 'repos';

  @property() query = '';
  @property({ type: Number }) page = 1;

  @state() private _error: ApiError | null = null;
  @state() private _done: string | null = null;
  /** The repository whose maintenance is running. */
  @state() private _running: string | null = null;

  private _repos = new Task(this, {
    task: ([admin, q, page], { signal }) => (admin ? listAdminRepos(q, page, signal) : Promise.resolve({ items: [], total: 0 })),
    args: () => [this.isAdmin, this.query, this.page] as const,
  });

  protected renderPage() {
    return html`
      <h1>${t('admin.repos.heading')}</h1>
      <form class="fab-admin-search" role="search" @submit=${this._search}>
        <div>
          <label for="admin-repos-q">${t('admin.repos.search')}</label>
          <input id="admin-repos-q" name="q" type="search" .value=${this.query} />
        </div>
        <button class="fab-button" type="submit">${t('admin.searchButton')}</button>
      </form>
      <div class="fab-alert" role="alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div role="status">
        ${this._running ? html`<p>${t('admin.repos.running', { repo: this._running })}</p>` : nothing}
        ${this._done ? html`<p class="fab-success">${this._done}</p>` : nothing}
      </div>
      ${renderTask(this._repos, ({ items, total }) =>
        items.length === 0
          ? html`<p>${t('admin.empty')}</p>`
          : html`<p>${t('admin.total', { count: total })}</p>
              <ul class="fab-admin-list">
                ${items.map((repo) => this._renderRepo(repo))}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * ADMIN_PAGE_SIZE < total}></fab-pager>`,
      )}
    `;
  }

  private _renderRepo(repo: AdminRepository) {
    return html`<li>
      <h2 class="fab-admin-repo-name">
        <a href=${`/${repo.full_name.split('/').map(encodeURIComponent).join('/')}`}>${repo.full_name}</a>
        ${repo.private ? html`<span class="fab-admin-badge">${t('admin.repos.private')}</span>` : nothing}
        ${repo.archived ? html`<span class="fab-admin-badge">${t('admin.repos.archived')}</span>` : nothing}
        ${repo.mirror ? html`<span class="fab-admin-badge">${t('admin.repos.mirror')}</span>` : nothing}
      </h2>
      <dl class="fab-admin-facts">
        <dt>${t('admin.repos.size')}</dt><dd>${formatBytes(repo.size * 1000)}</dd>
        <dt>${t('admin.repos.lastPush')}</dt><dd>${formatDate(repo.last_push)}</dd>
        ${repo.mirror
          ? html`<dt>${t('admin.repos.mirrorSync')}</dt>
              <dd>${formatDate(repo.mirror_updated)}${repo.mirror_error ? html` — <span class="fab-danger-text" lang="en">${repo.mirror_error}</span>` : nothing}</dd>`
          : nothing}
      </dl>
      <div class="fab-admin-actions">
        <button class="fab-button fab-secondary" type="button" ?disabled=${this._running !== null} @click=${() => this._maintain(repo)}>
          ${t('admin.repos.maintain')}<span class="visually-hidden"> ${repo.full_name}</span>
        </button>
      </div>
    </li>`;
  }

  private _search(event: SubmitEvent) {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
    router.navigate(`/-/admin/repos${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  private async _maintain(repo: AdminRepository) {
    this._running = repo.full_name;
    this._error = null;
    this._done = null;
    try {
      await runRepositoryMaintenance(repo.full_name);
      this._done = t('admin.repos.maintained', { repo: repo.full_name });
      void this._repos.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._running = null;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-repos-page': FabAdminReposPage;
  }
}
