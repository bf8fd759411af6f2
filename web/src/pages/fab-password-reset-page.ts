import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import { getProviders } from '../api/auth.js';
import { checkResetToken, completePasswordReset, requestPasswordReset } from '../api/account.js';
import { FormSubmission, apiErrorText, formStyles, textField } from '../forms.js';
import { loadSession } from '../session.js';

const ERROR_ID = 'reset-error';

/**
 * "Forgot password?": without a token, the form that asks for a reset link (`/user/forgot_password`);
 * with the mailed link's token, the form that sets the new password (`/user/reset_password`).
 */
@customElement('fab-password-reset-page')
export class FabPasswordResetPage extends LightDomElement {
  static override styles = formStyles;

  /** `?token=` of the mailed link; '' for the request form. */
  @property() token = '';

  private _form = new FormSubmission(this);
  @state() private _done = false;

  private _locale = new LocaleController(this);

  private _providers = new Task(this, {
    task: (_args: readonly [], { signal }) => getProviders(signal),
    args: () => [] as const,
  });

  private _account = new Task(this, {
    task: async ([token], { signal }) => {
      if (!token) return null;
      // A signed-in browser's change must carry its CSRF token, which the session's answer brings.
      await loadSession();
      return checkResetToken(token, signal);
    },
    args: () => [this.token] as const,
  });

  override render() {
    return this.token ? this._renderReset() : this._renderRequest();
  }

  private _renderRequest() {
    return html`
      <h1>${t('reset.heading')}</h1>
      ${this._providers.render({
        complete: (providers) =>
          !providers.mail
            ? html`<p class="fab-warning">${t('reset.noMail')}</p>`
            : this._done
              ? html`<div role="status"><p class="fab-success">${t('reset.sent')}</p></div>
                  <p><a href="/user/login">${t('reset.backToSignIn')}</a></p>`
              : html`
                  <p>${t('reset.intro')}</p>
                  <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._form.error ? apiErrorText(this._form.error, { 429: 'reset.throttled' }) : nothing}</div>
                  <form class="fab-form" @submit=${this._request}>
                    ${textField({ id: 'reset-login', name: 'login', label: 'reset.login', type: 'text', autocomplete: 'username', invalid: this._form.error !== null, errorId: ERROR_ID })}
                    <button class="fab-button" type="submit" ?disabled=${this._form.busy}>${t('reset.send')}</button>
                  </form>
                  <p><a href="/user/login">${t('reset.backToSignIn')}</a></p>
                `,
      })}
    `;
  }

  private _renderReset() {
    return html`
      <h1>${t('reset.newHeading')}</h1>
      ${this._done
        ? html`<div role="status"><p class="fab-success">${t('reset.changed')}</p></div>
            <p><a class="fab-button" href="/user/login">${t('signin.submit')}</a></p>`
        : this._account.render({
            pending: () => html`<p role="status">${t('reset.checking')}</p>`,
            error: () => html`<p class="fab-warning">${t('reset.spent')}</p>
              <p><a href="/user/forgot_password">${t('reset.askAgain')}</a></p>`,
            complete: (account) => html`
              <p>${t('reset.newIntro', { login: account?.login ?? '' })}</p>
              <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._form.error ? apiErrorText(this._form.error, {}) : nothing}</div>
              <form class="fab-form" @submit=${this._complete}>
                <input type="text" name="username" autocomplete="username" .value=${account?.login ?? ''} hidden />
                ${textField({ id: 'reset-password', name: 'password', label: 'reset.newPassword', hint: 'signup.passwordHint', type: 'password', autocomplete: 'new-password', minlength: 8, invalid: this._form.error !== null, errorId: ERROR_ID })}
                <button class="fab-button" type="submit" ?disabled=${this._form.busy}>${t('reset.save')}</button>
              </form>
            `,
          })}
    `;
  }

  private async _request(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const login = String(new FormData(event.currentTarget as HTMLFormElement).get('login') ?? '').trim();
    await this._run(() => requestPasswordReset(login));
  }

  private async _complete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // A password is taken as typed: spaces may be part of it.
    const password = String(new FormData(event.currentTarget as HTMLFormElement).get('password') ?? '');
    await this._run(() => completePasswordReset(this.token, password));
  }

  private async _run(call: () => Promise<unknown>): Promise<void> {
    if (await this._form.run(call)) this._done = true;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-password-reset-page': FabPasswordResetPage;
  }
}
