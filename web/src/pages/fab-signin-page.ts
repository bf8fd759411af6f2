import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/account.js';
import { ApiError } from '../api/client.js';
import { getProviders, signIn } from '../api/auth.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, destinationAfterSignIn, rememberSession } from '../session.js';
import { router } from '../routes.js';

/** The reasons the OpenID Connect callback sends back in `?error=`. */
const REDIRECT_ERRORS: Record<string, MessageKey> = {
  oidc: 'signin.error.oidc',
  suspended: 'signin.error.suspended',
};

const ERROR_ID = 'signin-error';

/** `/user/login`: sign-in with a username or email and a password, or with the OpenID provider. */
@customElement('fab-signin-page')
export class FabSigninPage extends LightDomElement {
  static override styles = formStyles;

  /** `?error=` from the OpenID Connect callback. */
  @property() error = '';
  /** `?redirect_to=`: the page that asked for a sign-in. */
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
      <h1>${t('signin.heading')}</h1>
      ${user
        ? html`<p>${t('signin.already', { login: user.login })}</p>
            <p><a href=${destinationAfterSignIn(this.redirectTo)}>${t('signin.continue')}</a></p>`
        : this._renderForm()}
    `;
  }

  private _renderForm() {
    const redirectError = REDIRECT_ERRORS[this.error];
    const invalid = this._error?.status === 401;
    return html`
      ${
        // Only with a message: an empty alert region showed as an empty red bar.
        this._error || redirectError
          ? html`<div class="fab-alert" role="alert" id=${ERROR_ID}>
              ${this._error
                ? apiErrorText(this._error, { 401: 'signin.error.wrong', 403: 'signin.error.suspended', 429: 'signin.error.throttled' })
                : html`<p>${t(redirectError)}</p>`}
            </div>`
          : nothing
      }
      <form class="fab-form" @submit=${this._submit}>
        ${textField({ id: 'signin-username', name: 'username', label: 'signin.username', type: 'text', autocomplete: 'username', invalid, errorId: ERROR_ID })}
        ${textField({ id: 'signin-password', name: 'password', label: 'signin.password', type: 'password', autocomplete: 'current-password', invalid, errorId: ERROR_ID })}
        <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('signin.submitting') : t('signin.submit')}</button>
      </form>
      <p><a href="/user/forgot_password">${t('signin.forgot')}</a></p>
      ${this._providers.render({
        complete: (providers) => html`
          ${providers.oidc
            ? html`<p><a class="fab-button fab-secondary" href=${providers.oidc.url} rel="external">${t('signin.oidc', { name: providers.oidc.name })}</a></p>`
            : nothing}
          ${providers.signup ? html`<p>${t('signin.noAccount')} <a href="/user/sign_up">${t('signin.signUp')}</a></p>` : nothing}
        `,
      })}
    `;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const username = String(data.get('username') ?? '').trim();
    // A password is taken as typed: spaces may be part of it.
    const password = String(data.get('password') ?? '');
    this._error = null;
    this._submitting = true;
    try {
      const result = await signIn({ username, password, redirect_to: this.redirectTo });
      rememberSession(result);
      router.navigate(destinationAfterSignIn(result.redirect_to), { replace: true });
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      if (this._error.status === 401) this.querySelector<HTMLInputElement>('#signin-password')?.select();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-signin-page': FabSigninPage;
  }
}
