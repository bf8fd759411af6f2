import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { forkRepository, type RepositoryWithParent } from './api/forks.js';
import type { Repository } from './api/browse.js';
import type { ApiError } from './api/client.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import { RepoLinks } from './browse-links.js';
import { SessionController } from './session.js';
import { router } from './routes.js';

/** On a repository's home: "forked from …" for a fork, and a button that forks it into one's own account. */
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
    `,
  ];

  @property({ attribute: false }) repository: Repository | null = null;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  override render() {
    const repository = this.repository as RepositoryWithParent | null;
    if (!repository) return nothing;
    const parent = repository.parent;
    const user = this._session.user;
    return html`
      ${parent
        ? html`<p>${t('fork.forkedFrom')} <a href=${new RepoLinks(parent.owner.login, parent.name).home}>${parent.full_name}</a></p>`
        : nothing}
      ${user && user.login !== repository.owner.login
        ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._fork}>
            ${t(this._busy ? 'fork.working' : 'fork.button')}
          </button>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? html`<p>${t('fork.error')}</p>${apiErrorText(this._error, {})}` : nothing}</div>
    `;
  }

  private _fork = async () => {
    const repository = this.repository;
    if (!repository) return;
    this._busy = true;
    this._error = null;
    try {
      const fork = await forkRepository(repository.owner.login, repository.name);
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
