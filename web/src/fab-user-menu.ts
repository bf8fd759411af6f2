import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { SessionController, endSession } from './session.js';
import { NOTIFICATIONS_CHANGED, unreadNotificationCount } from './api/notifications.js';

/** The header's account area: the signed-in user, token settings and sign-out; otherwise sign-in and sign-up links. */
@customElement('fab-user-menu')
export class FabUserMenu extends LightDomElement {
  static override styles = css`
    fab-user-menu ul {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-user-menu a {
      color: inherit;
    }
    fab-user-menu button {
      font: inherit;
      min-height: 2.25rem;
      padding: 0.25rem 0.75rem;
      color: inherit;
      background: transparent;
      border: 2px solid currentColor;
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-user-menu button:hover {
      text-decoration: underline;
    }
    fab-user-menu .fab-unread {
      display: inline-block;
      min-width: 1.5rem;
      margin-left: 0.375rem;
      padding: 0 0.375rem;
      font-weight: 700;
      line-height: 1.5rem;
      text-align: center;
      color: var(--fab-accent);
      background: var(--fab-on-accent);
      border-radius: 0.75rem;
    }
    fab-user-menu [role='alert'] {
      margin: 0;
      font-weight: 600;
    }
  `;

  @state() private _signOutFailed = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  /** The unread count of the signed-in user, read again when a page marks notifications read. */
  private _unread = new Task(this, {
    task: ([login], { signal }) => (login ? unreadNotificationCount(signal) : Promise.resolve(0)),
    args: () => [this._session.user?.login ?? ''] as const,
  });

  private readonly _recount = () => void this._unread.run();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(NOTIFICATIONS_CHANGED, this._recount);
  }

  override disconnectedCallback(): void {
    window.removeEventListener(NOTIFICATIONS_CHANGED, this._recount);
    super.disconnectedCallback();
  }

  override render() {
    // Until the server answers, nothing: a flash of "Se connecter" would mislead a signed-in user.
    if (!this._session.loaded) return nothing;
    const user = this._session.user;
    return html`<nav aria-label=${t('account.nav')}>
      <ul>
        ${user
          ? html`<li><a href=${`/${encodeURIComponent(user.login)}`}>${user.login}</a></li>
              <li>${this._renderNotifications()}</li>
              <li><a href="/user/settings/applications">${t('account.tokens')}</a></li>
              <li><a href="/repo/create">${t('account.newRepo')}</a></li>
              <li><a href="/org/create">${t('account.newOrg')}</a></li>
              <li><a href="/repo/migrate">${t('account.migrate')}</a></li>
              ${user.is_admin ? html`<li><a href="/-/admin">${t('account.admin')}</a></li>` : nothing}
              <li><button type="button" @click=${this._signOut}>${t('account.signOut')}</button></li>`
          : html`<li><a href="/user/login">${t('account.signIn')}</a></li>
              <li><a href="/user/sign_up">${t('account.signUp')}</a></li>`}
      </ul>
      ${
        // Added only on failure: an empty alert region in every page's header would crowd the alerts of the page.
        this._signOutFailed ? html`<p role="alert">${t('account.signOutFailed')}</p>` : nothing
      }
    </nav>`;
  }

  /** "Notifications", with the unread count in a badge that screen readers hear as "2 unread" (a failed count shows none). */
  private _renderNotifications() {
    const unread = this._unread.value ?? 0;
    return html`<a href="/notifications"
      >${t('notifications.link')}${unread > 0
        ? html` <span class="fab-unread">${unread}</span><span class="visually-hidden">${t(unread === 1 ? 'notifications.unreadOne' : 'notifications.unreadMany')}</span>`
        : nothing}</a
    >`;
  }

  private async _signOut(): Promise<void> {
    this._signOutFailed = false;
    try {
      await endSession();
    } catch {
      this._signOutFailed = true;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-user-menu': FabUserMenu;
  }
}
