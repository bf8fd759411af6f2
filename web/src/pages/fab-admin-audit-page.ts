import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { t } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import { ADMIN_PAGE_SIZE, listAuditEvents, type AuditEvent, type AuditFilters } from '../api/admin.js';
import { formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { FabAdminPage, adminStyles, formatDate } from './fab-admin-nav.js';
import '../fab-pager.js';

const FILTERS = ['actor', 'action', 'repo', 'since', 'until'] as const;

/** `/-/admin/audit`: the audit trail, filtered by actor, action, repository and date range (kept in the URL). */
@customElement('fab-admin-audit-page')
export class FabAdminAuditPage extends FabAdminPage {
  static override styles = [formStyles, adminStyles];
  protected readonly tab = 'audit';

  /** The page URL's query string, which carries the filters. */
  @property() search = '';
  @property({ type: Number }) page = 1;

  private _events = new Task(this, {
    task: ([admin, search, page], { signal }) => (admin ? listAuditEvents(filtersOf(search), page, signal) : Promise.resolve({ items: [], total: 0 })),
    args: () => [this.isAdmin, this.search, this.page] as const,
  });

  protected renderPage() {
    const filters = filtersOf(this.search);
    const field = (name: (typeof FILTERS)[number], type: 'text' | 'date', label: Parameters<typeof t>[0]) =>
      html`<div>
        <label for=${`admin-audit-${name}`}>${t(label)}</label>
        <input id=${`admin-audit-${name}`} name=${name} type=${type} .value=${filters[name] ?? ''} />
      </div>`;
    return html`
      <h1>${t('admin.audit.heading')}</h1>
      <form class="fab-admin-search" role="search" aria-label=${t('admin.audit.filters')} @submit=${this._filter}>
        ${field('actor', 'text', 'admin.audit.actor')} ${field('action', 'text', 'admin.audit.action')} ${field('repo', 'text', 'admin.audit.repo')}
        ${field('since', 'date', 'admin.audit.since')} ${field('until', 'date', 'admin.audit.until')}
        <button class="fab-button" type="submit">${t('admin.audit.apply')}</button>
      </form>
      ${renderTask(this._events, ({ items, total }) =>
        items.length === 0
          ? html`<p>${t('admin.audit.none')}</p>`
          : html`<p>${t('admin.total', { count: total })}</p>
              <ul class="fab-admin-list">
                ${items.map((event) => this._renderEvent(event))}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * ADMIN_PAGE_SIZE < total}></fab-pager>`,
      )}
    `;
  }

  private _renderEvent(event: AuditEvent) {
    const data = Object.keys(event.data).length > 0 ? JSON.stringify(event.data) : '';
    return html`<li>
      <dl class="fab-admin-facts">
        <dt>${t('admin.audit.when')}</dt><dd><time datetime=${event.created}>${formatDate(event.created)}</time></dd>
        <dt>${t('admin.audit.action')}</dt><dd><code>${event.action}</code></dd>
        <dt>${t('admin.audit.actor')}</dt><dd>${event.actor || t('admin.audit.nobody')}</dd>
        <dt>${t('admin.audit.target')}</dt><dd><code>${event.target}</code></dd>
        ${event.ip ? html`<dt>${t('admin.audit.ip')}</dt><dd>${event.ip}</dd>` : nothing}
        ${data ? html`<dt>${t('admin.audit.data')}</dt><dd><code>${data}</code></dd>` : nothing}
      </dl>
    </li>`;
  }

  private _filter(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value) params.set(name, value);
    }
    const search = params.toString();
    router.navigate(`/-/admin/audit${search ? `?${search}` : ''}`);
  }
}

/** The audit filters a page URL's query string carries. */
function filtersOf(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  const filters: AuditFilters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-audit-page': FabAdminAuditPage;
  }
}
