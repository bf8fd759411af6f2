import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { t } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import { ADMIN_PAGE_SIZE, listAdminOrgs } from '../api/admin.js';
import { formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { FabAdminPage, adminStyles } from './fab-admin-nav.js';
import '../fab-pager.js';

/** `/-/admin/orgs`: every organisation, private ones too. */
@customElement('fab-admin-orgs-page')
export class FabAdminOrgsPage extends FabAdminPage {
  static override styles = [formStyles, adminStyles];
  protected readonly tab = 'orgs';

  @property() query = '';
  @property({ type: Number }) page = 1;

  private _orgs = new Task(this, {
    task: ([admin, q, page], { signal }) => (admin ? listAdminOrgs(q, page, signal) : Promise.resolve({ items: [], total: 0 })),
    args: () => [this.isAdmin, this.query, this.page] as const,
  });

  protected renderPage() {
    return html`
      <h1>${t('admin.orgs.heading')}</h1>
      <form class="fab-admin-search" role="search" @submit=${this._search}>
        <div>
          <label for="admin-orgs-q">${t('admin.orgs.search')}</label>
          <input id="admin-orgs-q" name="q" type="search" .value=${this.query} />
        </div>
        <button class="fab-button" type="submit">${t('admin.searchButton')}</button>
      </form>
      ${renderTask(this._orgs, ({ items, total }) =>
        items.length === 0
          ? html`<p>${t('admin.empty')}</p>`
          : html`<p>${t('admin.total', { count: total })}</p>
              <ul class="fab-admin-list">
                ${items.map(
                  (org) => html`<li>
                    <h2 class="fab-admin-repo-name"><a href=${`/org/${encodeURIComponent(org.name)}`}>${org.name}</a>
                      <span class="fab-admin-badge">${t(org.visibility === 'private' ? 'admin.orgs.private' : org.visibility === 'limited' ? 'admin.orgs.limited' : 'admin.orgs.public')}</span></h2>
                    ${org.full_name ? html`<p>${org.full_name}</p>` : ''}
                  </li>`,
                )}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * ADMIN_PAGE_SIZE < total}></fab-pager>`,
      )}
    `;
  }

  private _search(event: SubmitEvent) {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
    router.navigate(`/-/admin/orgs${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-orgs-page': FabAdminOrgsPage;
  }
}
