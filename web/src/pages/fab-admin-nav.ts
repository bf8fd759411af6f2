import { css, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, language, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import { SessionController } from '../session.js';
import './fab-not-found-page.js';

/** The tabs of the admin area, with Gitea's paths; "site" is the site settings page. */
export const ADMIN_TABS = [
  { name: 'system', href: '/-/admin', label: 'admin.tab.system' },
  { name: 'users', href: '/-/admin/users', label: 'admin.tab.users' },
  { name: 'orgs', href: '/-/admin/orgs', label: 'admin.tab.orgs' },
  { name: 'repos', href: '/-/admin/repos', label: 'admin.tab.repos' },
  { name: 'audit', href: '/-/admin/audit', label: 'admin.tab.audit' },
  { name: 'site', href: '/-/admin/site', label: 'admin.tab.site' },
] as const satisfies readonly { name: string; href: string; label: MessageKey }[];

export type AdminTab = (typeof ADMIN_TABS)[number]['name'];

/** Layout shared by the admin pages: search rows, cards that stack at 390 px, badges, action rows. */
export const adminStyles = css`
  .fab-admin-search {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem 1rem;
    margin-block: 1rem;
  }
  .fab-admin-search label {
    display: block;
    font-weight: 600;
  }
  .fab-admin-search input,
  .fab-admin-search select {
    max-width: 100%;
    padding: 0.5rem 0.625rem;
    font: inherit;
    border: 2px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  .fab-admin-list {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .fab-admin-list > li {
    padding: 0.75rem 0;
    border-bottom: 1px solid var(--fab-border);
    overflow-wrap: anywhere;
  }
  .fab-admin-list h2,
  .fab-admin-list h3 {
    margin: 0 0 0.25rem;
    font-size: 1.125rem;
  }
  .fab-admin-facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.25rem 1rem;
    margin: 0.25rem 0;
  }
  .fab-admin-facts dt {
    font-weight: 600;
  }
  .fab-admin-facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .fab-admin-badge {
    display: inline-block;
    margin-left: 0.5rem;
    padding: 0 0.5rem;
    font-size: 0.875rem;
    font-weight: 600;
    border: 1px solid currentColor;
    border-radius: 0.75rem;
  }
  .fab-danger-text {
    color: var(--fab-danger);
  }
  .fab-admin-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.5rem;
  }
  @media (max-width: 30rem) {
    .fab-admin-facts {
      grid-template-columns: 1fr;
    }
    .fab-admin-facts dd {
      margin-bottom: 0.25rem;
    }
  }
`;

/** The admin area's tabs, the current one marked for screen readers. */
@customElement('fab-admin-nav')
export class FabAdminNav extends LightDomElement {
  static override styles = css`
    fab-admin-nav ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      margin: 0 0 1rem;
      padding: 0 0 0.5rem;
      list-style: none;
      border-bottom: 2px solid var(--fab-border);
    }
    fab-admin-nav a[aria-current='page'] {
      font-weight: 700;
      text-decoration-thickness: 3px;
    }
  `;

  @property() current: AdminTab = 'system';

  private _locale = new LocaleController(this);

  override render() {
    return html`<nav aria-label=${t('admin.nav')}>
      <ul>
        ${ADMIN_TABS.map(
          (tab) => html`<li><a href=${tab.href} aria-current=${tab.name === this.current ? 'page' : 'false'}>${t(tab.label)}</a></li>`,
        )}
      </ul>
    </nav>`;
  }
}

/**
 * An admin page: the tabs and the page for site administrators, the "not found" page for anyone
 * else (as the server answers them: nothing tells that the area exists).
 */
export abstract class FabAdminPage extends LightDomElement {
  protected _locale = new LocaleController(this);
  protected _session = new SessionController(this);
  protected abstract readonly tab: AdminTab;

  /** Whether the signed-in account is a site administrator; data is loaded only then. */
  protected get isAdmin(): boolean {
    return this._session.user?.is_admin === true;
  }

  protected abstract renderPage(): TemplateResult;

  override render() {
    if (!this._session.loaded) return html`<p role="status">${t('admin.loading')}</p>`;
    if (!this.isAdmin) return html`<fab-not-found-page .path=${window.location.pathname}></fab-not-found-page>`;
    return html`<fab-admin-nav .current=${this.tab}></fab-admin-nav>${this.renderPage()}`;
  }
}

/** A date and time in the interface's language. */
export function formatDate(iso: string | null): string {
  if (!iso || iso.startsWith('0001-')) return t('admin.never');
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A size in bytes as KB, MB or GB (decimal units, as disks are sold). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${new Intl.NumberFormat(language(), { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-nav': FabAdminNav;
  }
}
