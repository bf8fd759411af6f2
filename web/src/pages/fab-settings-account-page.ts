import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import type { ApiError } from '../api/client.js';
import { setCsrfToken } from '../api/client.js';
import { ACCOUNT_EXPORT_URL, deleteOwnAccount, type ContentChoice } from '../api/account-data.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController, rememberSession, signInHref } from '../session.js';
import { router } from '../routes.js';

const PATH = '/user/settings/account';
const ERROR_ID = 'account-delete-error';

/**
 * `/user/settings/account` (Gitea's account settings, issue #17): download one's data, and delete
 * one's account, keeping what one wrote as the "deleted user" or removing it.
 */
@customElement('fab-settings-account-page')
export class FabSettingsAccountPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-settings-account-page h2 {
        margin-top: 2rem;
        font-size: 1.375rem;
      }
      fab-settings-account-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      fab-settings-account-page .fab-danger-zone {
        max-width: 48rem;
        padding: 1rem;
        border: 2px solid var(--fab-danger);
        border-radius: var(--fab-radius);
      }
      fab-settings-account-page .fab-danger-zone > p:first-child {
        margin-top: 0;
      }
      fab-settings-account-page .fab-choice-hint {
        display: block;
        margin-left: 1.75rem;
      }
    `,
  ];

  @state() private _error: ApiError | null = null;
  @state() private _confirming = false;
  @state() private _submitting = false;
  /** The account just deleted: the page says so instead of sending the visitor to the sign-in page. */
  @state() private _deleted: string | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  protected override updated(): void {
    // Not signed in (or just signed out): this page belongs to an account.
    if (this._session.loaded && !this._session.user && this._deleted === null) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    const user = this._session.user;
    if (this._deleted !== null) {
      return html`<h1>${t('privacy.heading')}</h1>
        <div role="status"><p class="fab-success" id="account-deleted" tabindex="-1">${t('privacy.deleted', { user: this._deleted })}</p></div>
        <p><a href="/">${t('privacy.home')}</a></p>`;
    }
    return html`
      <h1>${t('privacy.heading')}</h1>
      ${user
        ? html`
            <p><a href="/user/settings">${t('settings.heading')}</a> · <a href="/user/settings/applications">${t('tokens.heading')}</a></p>
            <h2>${t('privacy.exportHeading')}</h2>
            <p>${t('privacy.exportText')}</p>
            <p><a class="fab-button" href=${ACCOUNT_EXPORT_URL} download>${t('privacy.exportButton')}</a></p>
            <h2 id="account-delete-heading">${t('privacy.deleteHeading')}</h2>
            <section class="fab-danger-zone" aria-labelledby="account-delete-heading">
              <p>${t('privacy.deleteWarning')}</p>
              <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, {}) : nothing}</div>
              ${this._renderForm(user.login)}
            </section>
          `
        : html`<p role="status">${t('tokens.loading')}</p>`}
    `;
  }

  private _renderForm(login: string) {
    const passwordInvalid = this._error?.field === 'password';
    return html`<form class="fab-form" @submit=${this._submit}>
      <fieldset>
        <legend>${t('privacy.contentLegend')}</legend>
        <div class="fab-check">
          <input type="radio" id="content-ghost" name="content" value="ghost" checked aria-describedby="content-ghost-hint" />
          <label for="content-ghost">${t('privacy.contentGhost')}</label>
          <span class="fab-hint fab-choice-hint" id="content-ghost-hint">${t('privacy.contentGhostHint')}</span>
        </div>
        <div class="fab-check">
          <input type="radio" id="content-remove" name="content" value="remove" aria-describedby="content-remove-hint" />
          <label for="content-remove">${t('privacy.contentRemove')}</label>
          <span class="fab-hint fab-choice-hint" id="content-remove-hint">${t('privacy.contentRemoveHint')}</span>
        </div>
      </fieldset>
      <div>
        <label for="account-password">${t('privacy.password')}</label>
        <span class="fab-hint" id="account-password-hint">${t('privacy.passwordHint')}</span>
        <input
          id="account-password"
          name="password"
          type="password"
          autocomplete="current-password"
          aria-invalid=${passwordInvalid ? 'true' : 'false'}
          aria-describedby=${passwordInvalid ? `account-password-hint ${ERROR_ID}` : 'account-password-hint'}
        />
      </div>
      ${this._confirming
        ? html`<div role="group" aria-labelledby="account-confirm">
            <p id="account-confirm"><strong>${t('privacy.confirm', { user: login })}</strong></p>
            <div class="fab-actions">
              <button id="account-confirm-yes" class="fab-button fab-danger" type="submit" ?disabled=${this._submitting}>${t('privacy.confirmYes')}</button>
              <button class="fab-button fab-secondary" type="button" @click=${this._cancel}>${t('privacy.confirmNo')}</button>
            </div>
          </div>`
        : html`<div class="fab-actions"><button id="account-delete" class="fab-button fab-danger" type="submit">${t('privacy.deleteButton')}</button></div>`}
    </form>`;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const login = this._session.user?.login;
    if (!login) return;
    // The first press asks; the second, on "delete for good", deletes.
    if (!this._confirming) {
      this._confirming = true;
      this._error = null;
      await this.updateComplete;
      this.querySelector<HTMLButtonElement>('#account-confirm-yes')?.focus();
      return;
    }
    const data = new FormData(event.currentTarget as HTMLFormElement);
    this._submitting = true;
    this._error = null;
    try {
      await deleteOwnAccount({ password: String(data.get('password') ?? ''), content: data.get('content') === 'remove' ? 'remove' : ('ghost' satisfies ContentChoice) });
      this._deleted = login;
      // The server ended every session of the account: the app goes on as a visitor.
      setCsrfToken(null);
      rememberSession({ user: null, csrf_token: null });
      await this.updateComplete;
      this.querySelector<HTMLElement>('#account-deleted')?.focus();
    } catch (err) {
      this._error = asApiError(err);
      this._confirming = false;
      await this.updateComplete;
      if (this._error.field === 'password') this.querySelector<HTMLInputElement>('#account-password')?.focus();
    } finally {
      this._submitting = false;
    }
  }

  private async _cancel(): Promise<void> {
    this._confirming = false;
    await this.updateComplete;
    this.querySelector<HTMLButtonElement>('#account-delete')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-settings-account-page': FabSettingsAccountPage;
  }
}
