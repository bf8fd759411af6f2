import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { forkRepository } from './api/forks.js';
import { listMyOrganizations } from './api/orgs.js';
import type { Repository } from './api/browse.js';
import type { ApiError } from './api/client.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import { RepoLinks } from './browse-links.js';
import { SessionController } from './session.js';
import { renderTask } from './task-status.js';
import { router } from './routes.js';

/**
 * On a repository's home: "forked from …" for a fork, and a button that opens the fork form: the
 * owner (one's account or one of one's organisations; the server refuses those where one may not
 * create repositories) and an optional name.
 */
@customElement('fab-fork-button')
export class FabForkButton extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-fork-button {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin: 0 0 1rem;
      }
      fab-fork-button p {
        margin: 0;
      }
      fab-fork-button .fab-form {
        flex-basis: 100%;
        margin-top: 0;
        gap: 0.75rem;
      }
      fab-fork-button select {
        display: block;
        margin-top: 0.25rem;
        padding: 0.375rem 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-fork-button .fab-buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) repository: Repository | null = null;

  @state() private _open = false;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  /** The organisations offered as owners, read once the form opens. */
  private _organizations = new Task(this, {
    task: ([open], { signal }) => (open ? listMyOrganizations(signal) : Promise.resolve([])),
    args: () => [this._open] as const,
  });

  override render() {
    const repository = this.repository;
    if (!repository) return nothing;
    const parent = repository.parent;
    const user = this._session.user;
    return html`
      ${parent
        ? html`<p>${t('fork.forkedFrom')} <a href=${new RepoLinks(parent.owner.login, parent.name).home}>${parent.full_name}</a></p>`
        : nothing}
      ${user
        ? html`<button type="button" class="fab-button fab-secondary" aria-expanded=${this._open ? 'true' : 'false'} @click=${this._toggle}>
            ${t('fork.button')}
          </button>`
        : nothing}
      ${user && this._open ? this._renderForm(repository, user.login) : nothing}
    `;
  }

  private _renderForm(repository: Repository, login: string) {
    return html`<form class="fab-form" @submit=${this._fork}>
      ${renderTask(this._organizations, (organizations) => html`<div>
        <label for="fab-fork-owner">${t('fork.owner')}</label>
        <select id="fab-fork-owner" name="organization">
          <option value="">${t('fork.ownAccount', { login })}</option>
          ${organizations.map((org) => html`<option value=${org.username}>${org.username}</option>`)}
        </select>
      </div>`)}
      <div>
        <label for="fab-fork-name">${t('fork.name')}</label>
        <span class="fab-hint" id="fab-fork-name-hint">${t('fork.nameHint', { name: repository.name })}</span>
        <input id="fab-fork-name" name="name" type="text" autocomplete="off" maxlength="100" aria-describedby="fab-fork-name-hint" />
      </div>
      <div role="alert" class="fab-alert">${this._error ? html`<p>${t('fork.error')}</p>${apiErrorText(this._error, {})}` : nothing}</div>
      <div class="fab-buttons">
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t(this._busy ? 'fork.working' : 'fork.submit')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${this._toggle}>${t('fork.cancel')}</button>
      </div>
    </form>`;
  }

  private _toggle = () => {
    this._open = !this._open;
    this._error = null;
  };

  private _fork = async (event: SubmitEvent) => {
    event.preventDefault();
    const repository = this.repository;
    if (!repository) return;
    const data = new FormData(event.target as HTMLFormElement);
    const organization = String(data.get('organization') ?? '');
    const name = String(data.get('name') ?? '').trim();
    this._busy = true;
    this._error = null;
    try {
      const fork = await forkRepository(repository.owner.login, repository.name, {
        organization: organization || undefined,
        name: name || undefined,
      });
      router.navigate(new RepoLinks(fork.owner.login, fork.name).home);
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-fork-button': FabForkButton;
  }
}
