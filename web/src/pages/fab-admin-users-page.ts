import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { t } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import type { ApiError } from '../api/client.js';
import {
  ADMIN_PAGE_SIZE,
  createAdminUser,
  deleteAdminUser,
  editAdminUser,
  listAdminRepos,
  listAdminUsers,
  transferRepository,
  type User,
} from '../api/admin.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { FabAdminPage, adminStyles, formatDate } from './fab-admin-nav.js';
import '../fab-pager.js';

const ERROR_ID = 'admin-users-error';

/** `/-/admin/users`: search accounts, create one, suspend, make administrator, delete (with their repositories or after transferring them). */
@customElement('fab-admin-users-page')
export class FabAdminUsersPage extends FabAdminPage {
  static override styles = [formStyles, adminStyles];
  protected readonly tab = 'users';

  @property() query = '';
  @property({ type: Number }) page = 1;

  @state() private _error: ApiError | null = null;
  @state() private _done: string | null = null;
  @state() private _busy = false;
  /** The account whose deletion waits for a confirmation. */
  @state() private _deleting: User | null = null;
  @state() private _creating = false;

  private _users = new Task(this, {
    task: ([admin, q, page], { signal }) => (admin ? listAdminUsers(q, page, signal) : Promise.resolve({ items: [], total: 0 })),
    args: () => [this.isAdmin, this.query, this.page] as const,
  });

  protected renderPage() {
    return html`
      <h1>${t('admin.users.heading')}</h1>
      <form class="fab-admin-search" role="search" @submit=${this._search}>
        <div>
          <label for="admin-users-q">${t('admin.users.search')}</label>
          <input id="admin-users-q" name="q" type="search" .value=${this.query} />
        </div>
        <button class="fab-button" type="submit">${t('admin.searchButton')}</button>
        <button class="fab-button fab-secondary" type="button" aria-expanded=${this._creating ? 'true' : 'false'} @click=${() => (this._creating = !this._creating)}>
          ${t('admin.users.new')}
        </button>
      </form>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div role="status">${this._done ? html`<p class="fab-success">${this._done}</p>` : nothing}</div>
      ${this._creating ? this._renderCreate() : nothing}
      <h2>${t('admin.users.list')}</h2>
      ${renderTask(this._users, ({ items, total }) =>
        items.length === 0
          ? html`<p>${t('admin.empty')}</p>`
          : html`<p>${t('admin.total', { count: total })}</p>
              <ul class="fab-admin-list">
                ${items.map((user) => this._renderUser(user))}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * ADMIN_PAGE_SIZE < total}></fab-pager>`,
      )}
    `;
  }

  private _renderCreate() {
    const invalid = (field: string) => this._error?.field === field;
    return html`<form class="fab-form" @submit=${this._create} aria-labelledby="admin-users-create">
      <h2 id="admin-users-create">${t('admin.users.new')}</h2>
      ${textField({ id: 'admin-new-username', name: 'username', label: 'admin.users.username', type: 'text', autocomplete: 'off', invalid: invalid('username'), errorId: ERROR_ID })}
      ${textField({ id: 'admin-new-fullname', name: 'full_name', label: 'admin.users.fullName', type: 'text', autocomplete: 'off', required: false, invalid: false, errorId: ERROR_ID })}
      ${textField({ id: 'admin-new-email', name: 'email', label: 'admin.users.email', type: 'email', autocomplete: 'off', invalid: invalid('email'), errorId: ERROR_ID })}
      ${textField({ id: 'admin-new-password', name: 'password', label: 'admin.users.password', type: 'password', autocomplete: 'new-password', invalid: invalid('password'), errorId: ERROR_ID })}
      <button class="fab-button" type="submit" ?disabled=${this._busy}>${t('admin.users.create')}</button>
    </form>`;
  }

  private _renderUser(user: User) {
    const self = user.login === this._session.user?.login;
    return html`<li>
      <h3>
        <a href=${`/${encodeURIComponent(user.login)}`}>${user.login}</a>
        ${user.is_admin ? html`<span class="fab-admin-badge">${t('admin.users.adminBadge')}</span>` : nothing}
        ${user.prohibit_login ? html`<span class="fab-admin-badge fab-danger-text">${t('admin.users.suspendedBadge')}</span>` : nothing}
      </h3>
      <dl class="fab-admin-facts">
        ${user.full_name ? html`<dt>${t('admin.users.fullName')}</dt><dd>${user.full_name}</dd>` : nothing}
        <dt>${t('admin.users.email')}</dt><dd>${user.email}</dd>
        <dt>${t('admin.users.lastLogin')}</dt><dd>${formatDate(user.last_login)}</dd>
      </dl>
      ${self
        ? nothing
        : html`<div class="fab-admin-actions">
            <button class="fab-button fab-secondary" type="button" ?disabled=${this._busy} @click=${() => this._edit(user, { prohibit_login: !user.prohibit_login })}>
              ${t(user.prohibit_login ? 'admin.users.restore' : 'admin.users.suspend')}<span class="visually-hidden"> ${user.login}</span>
            </button>
            <button class="fab-button fab-secondary" type="button" ?disabled=${this._busy} @click=${() => this._edit(user, { admin: !user.is_admin })}>
              ${t(user.is_admin ? 'admin.users.revokeAdmin' : 'admin.users.makeAdmin')}<span class="visually-hidden"> ${user.login}</span>
            </button>
            <button class="fab-button fab-danger" type="button" aria-expanded=${this._deleting?.id === user.id ? 'true' : 'false'} @click=${() => (this._deleting = user)}>
              ${t('admin.users.delete')}<span class="visually-hidden"> ${user.login}</span>
            </button>
          </div>`}
      ${this._deleting?.id === user.id ? this._renderDelete(user) : nothing}
    </li>`;
  }

  private _renderDelete(user: User) {
    return html`<form class="fab-form" @submit=${this._delete}>
      <fieldset>
        <legend>${t('admin.users.deleteWhat', { user: user.login })}</legend>
        <div><label><input type="radio" name="repos" value="refuse" checked /> ${t('admin.users.deleteKeep')}</label></div>
        <div><label><input type="radio" name="repos" value="purge" /> ${t('admin.users.deletePurge')}</label></div>
        <div><label><input type="radio" name="repos" value="transfer" /> ${t('admin.users.deleteTransfer')}</label></div>
      </fieldset>
      <div>
        <label for="admin-transfer-to">${t('admin.users.transferTo')}</label>
        <span class="fab-hint" id="admin-transfer-to-hint">${t('admin.users.transferHint')}</span>
        <input id="admin-transfer-to" name="to" type="text" autocomplete="off" aria-describedby="admin-transfer-to-hint" />
      </div>
      <div class="fab-admin-actions">
        <button class="fab-button fab-danger" type="submit" ?disabled=${this._busy}>${t('admin.users.deleteConfirm', { user: user.login })}</button>
        <button class="fab-button fab-secondary" type="button" @click=${() => (this._deleting = null)}>${t('admin.cancel')}</button>
      </div>
    </form>`;
  }

  private _search(event: SubmitEvent) {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
    router.navigate(`/-/admin/users${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  /** Runs one change, then shows its outcome and reloads the list. */
  private async _act(change: () => Promise<unknown>, done: string): Promise<boolean> {
    this._busy = true;
    this._error = null;
    this._done = null;
    try {
      await change();
      this._done = done;
      void this._users.run();
      return true;
    } catch (err) {
      this._error = asApiError(err);
      return false;
    } finally {
      this._busy = false;
    }
  }

  private _edit(user: User, changes: { prohibit_login?: boolean; admin?: boolean }) {
    const key =
      changes.prohibit_login !== undefined
        ? changes.prohibit_login
          ? 'admin.users.suspended'
          : 'admin.users.restored'
        : changes.admin
          ? 'admin.users.madeAdmin'
          : 'admin.users.adminRevoked';
    void this._act(() => editAdminUser(user.login, changes), t(key, { user: user.login }));
  }

  private async _create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const username = value('username');
    const created = await this._act(
      () => createAdminUser({ username, email: value('email'), password: String(data.get('password') ?? ''), full_name: value('full_name') }),
      t('admin.users.created', { user: username }),
    );
    if (created) this._creating = false;
  }

  private async _delete(event: SubmitEvent) {
    event.preventDefault();
    const user = this._deleting;
    if (!user) return;
    const data = new FormData(event.target as HTMLFormElement);
    const choice = String(data.get('repos'));
    const to = String(data.get('to') ?? '').trim();
    const deleted = await this._act(async () => {
      if (choice === 'transfer') {
        // The account's repositories: the admin list searched by "owner/", kept to that owner exactly,
        // page after page (each transferred one leaves the list; a failed transfer stops with its error).
        for (;;) {
          const { items } = await listAdminRepos(`${user.login}/`, 1);
          const owned = items.filter((r) => r.owner.toLowerCase() === user.login.toLowerCase());
          if (owned.length === 0) break;
          for (const repo of owned) await transferRepository(repo.full_name, to);
        }
      }
      await deleteAdminUser(user.login, choice === 'purge');
    }, t('admin.users.deleted', { user: user.login }));
    if (deleted) this._deleting = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-users-page': FabAdminUsersPage;
  }
}
