import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import type { ApiError } from '../api/client.js';
import { getProviders, signUp } from '../api/auth.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, destinationAfterSignIn, rememberSession } from '../session.js';
import { router } from '../routes.js';

type Field = 'username' | 'email' | 'password';

const ERROR_ID = 'signup-error';

/** `/user/sign_up`: creates an account and signs it in, unless the forge has closed sign-up. */
@customElement('fab-signup-page')
export class FabSignupPage extends LightDomElement {
  static override styles = formStyles;

  /** `?redirect_to=`: where to go once the account exists. */
  @property() redirectTo = '';

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _providers = new Task(this, {
    task: (_args: readonly [], { signal }) => getProviders(signal),
    args: () => [] as const,
  });

  override render() {
    const user = this._session.user;
    return html`
      <h1>${t('signup.heading')}</h1>
      ${user
        ? html`<p>${t('signin.already', { login: user.login })}</p>
            <p><a href=${destinationAfterSignIn(this.redirectTo)}>${t('signin.continue')}</a></p>`
        : this._providers.render({
            pending: () => html`<p role="status">${t('signup.loading')}</p>`,
            complete: (providers) => (providers.signup ? this._renderForm() : this._renderClosed()),
            // Without the providers the form may still work: the POST gives the real answer.
            error: () => this._renderForm(),
          })}
    `;
  }

  private _renderClosed() {
    return html`<p>${t('signup.closed')}</p>
      <p><a href="/user/login">${t('signup.signIn')}</a></p>`;
  }

  private _renderForm() {
    const field = (name: Field) => this._error?.field === name;
    return html`
      <p>${t('signup.required')}</p>
      ${
        // Only with a message: an empty alert region showed as an empty red bar.
        this._error
          ? html`<div class="fab-alert" role="alert" id=${ERROR_ID}>
              ${apiErrorText(this._error, { 403: 'signup.closed', 409: 'signup.error.taken', 429: 'signup.error.throttled' })}
            </div>`
          : nothing
      }
      <form class="fab-form" @submit=${this._submit}>
        ${textField({ id: 'signup-username', name: 'username', label: 'signup.username', type: 'text', autocomplete: 'username', hint: 'signup.usernameHint', invalid: field('username'), errorId: ERROR_ID })}
        ${textField({ id: 'signup-email', name: 'email', label: 'signup.email', type: 'email', autocomplete: 'email', invalid: field('email'), errorId: ERROR_ID })}
        ${textField({ id: 'signup-password', name: 'password', label: 'signup.password', type: 'password', autocomplete: 'new-password', hint: 'signup.passwordHint', minlength: 8, invalid: field('password'), errorId: ERROR_ID })}
        <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('signup.submitting') : t('signup.submit')}</button>
      </form>
      <p>${t('signup.haveAccount')} <a href="/user/login">${t('signup.signIn')}</a></p>
    `;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: Field) => String(data.get(name) ?? '').trim();
    this._submitting = true;
    this._error = null;
    try {
      // A password is taken as typed: spaces may be part of it.
      rememberSession(await signUp({ username: value('username'), email: value('email'), password: String(data.get('password') ?? '') }));
      router.navigate(destinationAfterSignIn(this.redirectTo), { replace: true });
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      if (this._error.field) this.querySelector<HTMLInputElement>(`#signup-${this._error.field}`)?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-signup-page': FabSignupPage;
  }
}
