import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { SessionController, endSession } from './session.js';
import { NOTIFICATIONS_CHANGED, unreadNotificationCount } from './api/notifications.js';
import { router } from './routes.js';

/** The two letters that stand for an account when it has no avatar image. */
function initialsOf(login: string, fullName: string): string {
  const words = (fullName.trim() || login).split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0][0]}${words[1][0]}` : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

/**
 * The header's account area. Signed in: an avatar button that opens the account menu (a disclosure:
 * a button with aria-expanded and a plain list of links, the same at every width). Anonymous: the
 * sign-in and sign-up links.
 */
@customElement('fab-user-menu')
export class FabUserMenu extends LightDomElement {
  static override styles = css`
    fab-user-menu {
      display: block;
    }
    fab-user-menu .fab-anonymous {
      display: flex;
      align-items: center;
      gap: var(--fab-space-3);
      margin: 0;
      padding: 0;
      list-style: none;
      white-space: nowrap;
    }
    fab-user-menu .fab-anonymous a {
      color: inherit;
    }
    fab-user-menu .fab-anonymous .fab-button {
      color: var(--fab-header-bg);
      background: var(--fab-header-text);
      border-color: var(--fab-header-text);
    }
    /* On a phone the sign-up link gives way to keep the header one row; the sign-in page links to it. */
    @media (max-width: 26rem) {
      fab-user-menu .fab-anonymous .fab-signup {
        display: none;
      }
    }
    fab-user-menu .fab-avatar-button {
      position: relative;
      display: inline-flex;
      align-items: center;
      gap: var(--fab-space-1);
      padding: 0.125rem;
      color: inherit;
      background: transparent;
      border: 0;
      border-radius: var(--fab-radius-pill);
      cursor: pointer;
    }
    fab-user-menu .fab-avatar {
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      overflow: hidden;
      font-size: var(--fab-text-sm);
      font-weight: 700;
      color: #16202c;
      background: #c9dcf2;
      border-radius: var(--fab-radius-pill);
    }
    fab-user-menu .fab-avatar img {
      width: 100%;
      height: 100%;
      object-fit: cover;
    }
    fab-user-menu .fab-caret {
      width: 0;
      height: 0;
      border: 0.3125rem solid transparent;
      border-top-color: currentColor;
      border-bottom: 0;
    }
    fab-user-menu .fab-dot {
      position: absolute;
      top: 0;
      left: 1.625rem;
      width: 0.625rem;
      height: 0.625rem;
      background: #ffb74d;
      border: 2px solid var(--fab-header-bg);
      border-radius: var(--fab-radius-pill);
    }
    fab-user-menu .fab-unread {
      display: inline-block;
      min-width: 1.5rem;
      margin-left: var(--fab-space-2);
      padding: 0 0.375rem;
      font-size: var(--fab-text-xs);
      font-weight: 700;
      line-height: 1.5rem;
      text-align: center;
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border-radius: var(--fab-radius-pill);
    }
    fab-user-menu [role='alert'] {
      margin: 0;
      font-weight: 600;
    }
  `;

  @state() private _open = false;
  @state() private _signOutFailed = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  /** The unread count of the signed-in user, read again when a page marks notifications read. */
  private _unread = new Task(this, {
    task: ([login], { signal }) => (login ? unreadNotificationCount(signal) : Promise.resolve(0)),
    args: () => [this._session.user?.login ?? ''] as const,
  });

  private readonly _recount = () => void this._unread.run();

  /** A click anywhere outside the menu closes it, as a menu does. */
  private readonly _onDocumentClick = (event: MouseEvent) => {
    if (this._open && !event.composedPath().includes(this)) this._open = false;
  };

  private _stopRoute: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(NOTIFICATIONS_CHANGED, this._recount);
    document.addEventListener('click', this._onDocumentClick);
    // A link of the menu leads to another page: the menu closes behind it.
    this._stopRoute = router.subscribe(() => (this._open = false));
  }

  override disconnectedCallback(): void {
    window.removeEventListener(NOTIFICATIONS_CHANGED, this._recount);
    document.removeEventListener('click', this._onDocumentClick);
    this._stopRoute?.();
    super.disconnectedCallback();
  }

  override render() {
    // Until the server answers, nothing: a flash of "Se connecter" would mislead a signed-in user.
    if (!this._session.loaded) return nothing;
    const user = this._session.user;
    if (!user) {
      return html`<ul class="fab-anonymous">
        <li><a href="/user/login">${t('account.signIn')}</a></li>
        <li class="fab-signup"><a class="fab-button" href="/user/sign_up">${t('account.signUp')}</a></li>
      </ul>`;
    }
    const unread = this._unread.value ?? 0;
    const profile = `/${encodeURIComponent(user.login)}`;
    return html`<div class="fab-menu" @keydown=${this._onKeydown}>
      <button
        type="button"
        class="fab-avatar-button"
        aria-expanded=${this._open ? 'true' : 'false'}
        aria-controls="fab-account-menu"
        @click=${this._toggle}
      >
        <span class="fab-avatar" aria-hidden="true"
          >${user.avatar_url.includes('/avatars/') ? html`<img src=${user.avatar_url} alt="" />` : initialsOf(user.login, user.full_name)}</span
        ><span class="fab-caret" aria-hidden="true"></span>${unread > 0 ? html`<span class="fab-dot" aria-hidden="true"></span>` : nothing}<span
          class="visually-hidden"
          >${t('account.menu', { login: user.login })}${unread > 0 ? `, ${t(unread === 1 ? 'notifications.unreadOne' : 'notifications.unreadMany')}` : ''}</span
        >
      </button>
      <ul class="fab-menu-list" id="fab-account-menu" ?hidden=${!this._open}>
        <li class="fab-menu-heading">${t('account.signedInAs', { login: user.login })}</li>
        <li><a href=${profile}>${t('account.profile')}</a></li>
        <li>${this._renderNotifications(unread)}</li>
        <li><a href="/user/settings">${t('account.settings')}</a></li>
        <li><a href="/user/settings/applications">${t('account.tokens')}</a></li>
        <li class="fab-menu-separator" role="presentation"></li>
        <li><a href="/repo/create">${t('account.newRepo')}</a></li>
        <li><a href="/org/create">${t('account.newOrg')}</a></li>
        <li><a href="/repo/migrate">${t('account.migrate')}</a></li>
        ${user.is_admin ? html`<li class="fab-menu-separator" role="presentation"></li>
              <li><a href="/-/admin">${t('account.admin')}</a></li>` : nothing}
        <li class="fab-menu-separator" role="presentation"></li>
        <li><button type="button" @click=${this._signOut}>${t('account.signOut')}</button></li>
      </ul>
      ${
        // Added only on failure: an empty alert region in every page's header would crowd the alerts of the page.
        this._signOutFailed ? html`<p role="alert">${t('account.signOutFailed')}</p>` : nothing
      }
    </div>`;
  }

  /** "Notifications", with the unread count in a badge that screen readers hear as "2 unread" (a failed count shows none). */
  private _renderNotifications(unread: number) {
    return html`<a href="/notifications"
      >${t('notifications.link')}${unread > 0
        ? html` <span class="fab-unread">${unread}</span><span class="visually-hidden">${t(unread === 1 ? 'notifications.unreadOne' : 'notifications.unreadMany')}</span>`
        : nothing}</a
    >`;
  }

  private _toggle(): void {
    this._open = !this._open;
  }

  /** Escape closes the menu and gives focus back to its button (the disclosure pattern). */
  private _onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this._open) return;
    this._open = false;
    this.querySelector<HTMLButtonElement>('.fab-avatar-button')?.focus();
  }

  private async _signOut(): Promise<void> {
    this._signOutFailed = false;
    this._open = false;
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
