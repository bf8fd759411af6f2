import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { isSubscribed, isWatching, setSubscribed, setWatching } from './api/notifications.js';
import type { ApiError } from './api/client.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import { SessionController } from './session.js';

/**
 * For a signed-in visitor: "Watch" a repository (every conversation of it notifies), or, with a
 * `number`, "Subscribe" to one pull request or issue. Nothing for anonymous visitors.
 */
@customElement('fab-follow-button')
export class FabFollowButton extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-follow-button {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      fab-follow-button .fab-alert:empty {
        display: none;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** The pull request's or issue's number; 0 follows the whole repository. */
  @property({ type: Number }) number = 0;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _following = new Task(this, {
    task: ([login, owner, repo, number], { signal }) => {
      if (!login || !owner || !repo) return Promise.resolve(null);
      return number > 0 ? isSubscribed(owner, repo, number, signal) : isWatching(owner, repo, signal);
    },
    args: () => [this._session.user?.login ?? '', this.owner, this.repo, this.number] as const,
  });

  override render() {
    const following = this._following.value;
    if (following === null || following === undefined) return nothing;
    const repository = this.number === 0;
    const label = repository ? (following ? 'notifications.unwatch' : 'notifications.watch') : following ? 'notifications.unsubscribe' : 'notifications.subscribe';
    return html`
      <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._toggle(!following)}>${t(label)}</button>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
    `;
  }

  private async _toggle(follow: boolean): Promise<void> {
    const login = this._session.user?.login;
    if (!login) return;
    this._busy = true;
    this._error = null;
    try {
      if (this.number > 0) await setSubscribed(this.owner, this.repo, this.number, login, follow);
      else await setWatching(this.owner, this.repo, follow);
      await this._following.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-follow-button': FabFollowButton;
  }
}
