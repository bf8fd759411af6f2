import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, language, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import type { ApiError } from '../api/client.js';
import { TOKEN_SCOPES, createToken, listTokens, revokeToken, type AccessToken } from '../api/tokens.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';

const ERROR_ID = 'tokens-error';
const PATH = '/user/settings/applications';

/** `/user/settings/applications`: the signed-in account's personal access tokens: list, create, revoke. */
@customElement('fab-settings-tokens-page')
export class FabSettingsTokensPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-settings-tokens-page caption {
        text-align: left;
        font-weight: 600;
      }
      /* Six columns do not fit a phone: the table scrolls in its box rather than breaking words letter by letter. */
      fab-settings-tokens-page .fab-table :is(th, td) {
        overflow-wrap: normal;
        white-space: nowrap;
      }
      fab-settings-tokens-page ul.fab-scopes {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-settings-tokens-page .fab-new-token {
        display: grid;
        gap: 0.75rem;
        max-width: 48rem;
        margin-block: 1rem 2rem;
      }
      fab-settings-tokens-page .fab-new-token input {
        width: 100%;
        padding: 0.5rem 0.625rem;
        font-family: var(--fab-mono);
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-settings-tokens-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      fab-settings-tokens-page h2 {
        margin-top: 2rem;
        font-size: 1.375rem;
      }
    `,
  ];

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;
  /** The token just created: its value is shown this once. */
  @state() private _created: AccessToken | null = null;
  @state() private _copied: 'done' | 'failed' | null = null;
  /** The token whose revocation waits for a confirmation. */
  @state() private _confirming: AccessToken | null = null;
  @state() private _revoked: string | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _tokens = new Task(this, {
    task: ([login]: readonly [string | undefined], { signal }) => (login ? listTokens(login, signal) : Promise.resolve([])),
    args: () => [this._session.user?.login] as const,
  });

  protected override updated(): void {
    // Not signed in (or just signed out): this page belongs to an account.
    if (this._session.loaded && !this._session.user) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    return html`
      <h1>${t('tokens.heading')}</h1>
      ${this._session.user
        ? html`
            <p>${t('tokens.intro')}</p>
            <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, {}) : nothing}</div>
            <div role="status">${this._revoked ? html`<p class="fab-success">${t('tokens.revoked', { name: this._revoked })}</p>` : nothing}</div>
            ${this._created ? this._renderCreated(this._created) : nothing}
            <h2 id="tokens-list" tabindex="-1">${t('tokens.listHeading')}</h2>
            ${this._tokens.render({
              pending: () => html`<p role="status">${t('tokens.loading')}</p>`,
              complete: (tokens) => this._renderList(tokens),
              error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), {})}</div>`,
            })}
            <h2>${t('tokens.createHeading')}</h2>
            ${this._renderForm()}
          `
        : html`<p role="status">${t('tokens.loading')}</p>`}
    `;
  }

  private _renderCreated(token: AccessToken) {
    return html`<section class="fab-new-token fab-success" aria-labelledby="token-created">
      <p id="token-created" tabindex="-1"><strong>${t('tokens.created', { name: token.name })}</strong></p>
      <p class="fab-warning">${t('tokens.once')}</p>
      <label for="token-value">${t('tokens.value')}</label>
      <input id="token-value" readonly .value=${token.sha1 ?? ''} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
      <div class="fab-actions">
        <button class="fab-button" type="button" @click=${this._copy}>${t('tokens.copy')}</button>
      </div>
      <p role="status">${this._copied ? t(this._copied === 'done' ? 'tokens.copied' : 'tokens.copyFailed') : nothing}</p>
    </section>`;
  }

  private _renderList(tokens: AccessToken[]) {
    if (tokens.length === 0) return html`<p>${t('tokens.empty')}</p>`;
    const date = new Intl.DateTimeFormat(language(), { dateStyle: 'medium' });
    return html`<div class="fab-table-wrap"><table class="fab-table">
      <caption class="visually-hidden">${t('tokens.listHeading')}</caption>
      <thead>
        <tr>
          <th scope="col">${t('tokens.name')}</th>
          <th scope="col">${t('tokens.scopes')}</th>
          <th scope="col">${t('tokens.lastEight')}</th>
          <th scope="col">${t('tokens.createdAt')}</th>
          <th scope="col">${t('tokens.lastUsed')}</th>
          <th scope="col">${t('tokens.actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${tokens.map(
          (token) => html`<tr>
            <th scope="row">${token.name}</th>
            <td>
              <ul class="fab-scopes">
                ${token.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}
              </ul>
            </td>
            <td><code>…${token.token_last_eight}</code></td>
            <td>${date.format(new Date(token.created_at))}</td>
            <td>${token.last_used_at ? date.format(new Date(token.last_used_at)) : t('tokens.neverUsed')}</td>
            <td>${this._confirming?.id === token.id ? this._renderConfirm(token) : html`<button class="fab-button fab-secondary" type="button" data-token=${token.id} aria-label=${t('tokens.revokeNamed', { name: token.name })} @click=${() => this._askRevoke(token)}>${t('tokens.revoke')}</button>`}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  private _renderConfirm(token: AccessToken) {
    return html`<div role="group" aria-labelledby="token-confirm">
      <p id="token-confirm">${t('tokens.confirm', { name: token.name })}</p>
      <div class="fab-actions">
        <button id="token-confirm-yes" class="fab-button fab-danger" type="button" @click=${() => this._revoke(token)}>${t('tokens.confirmYes')}</button>
        <button class="fab-button fab-secondary" type="button" @click=${this._cancelRevoke}>${t('tokens.confirmNo')}</button>
      </div>
    </div>`;
  }

  private _renderForm() {
    const scopesInvalid = this._error?.field === 'scopes';
    return html`<form class="fab-form" @submit=${this._submit}>
      ${textField({ id: 'tokens-name', name: 'name', label: 'tokens.nameLabel', type: 'text', autocomplete: 'off', hint: 'tokens.nameHint', invalid: this._error?.field === 'name', errorId: ERROR_ID })}
      <fieldset aria-invalid=${scopesInvalid ? 'true' : 'false'} aria-describedby=${scopesInvalid ? ERROR_ID : nothing}>
        <legend>${t('tokens.scopesLegend')}</legend>
        ${TOKEN_SCOPES.map(
          (scope) => html`<div class="fab-check">
            <input type="checkbox" id=${`scope-${scope}`} name="scopes" value=${scope} />
            <label for=${`scope-${scope}`}><code>${scope}</code> : ${t(`tokens.scope.${scope}`)}</label>
          </div>`,
        )}
      </fieldset>
      <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('tokens.submitting') : t('tokens.submit')}</button>
    </form>`;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const user = this._session.user;
    if (!user) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this._submitting = true;
    this._error = null;
    this._created = null;
    this._copied = null;
    this._revoked = null;
    try {
      this._created = await createToken(user.login, { name: String(data.get('name') ?? '').trim(), scopes: data.getAll('scopes').map(String) });
      form.reset();
      void this._tokens.run();
      await this.updateComplete;
      this.querySelector<HTMLElement>('#token-created')?.focus();
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      if (this._error.field === 'name') this.querySelector<HTMLInputElement>('#tokens-name')?.focus();
      else if (this._error.field === 'scopes') this.querySelector<HTMLInputElement>('input[name="scopes"]')?.focus();
    } finally {
      this._submitting = false;
    }
  }

  private async _copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this._created?.sha1 ?? '');
      this._copied = 'done';
    } catch {
      this._copied = 'failed';
      this.querySelector<HTMLInputElement>('#token-value')?.focus();
    }
  }

  private async _askRevoke(token: AccessToken): Promise<void> {
    this._confirming = token;
    await this.updateComplete;
    this.querySelector<HTMLButtonElement>('#token-confirm-yes')?.focus();
  }

  private async _cancelRevoke(): Promise<void> {
    const id = this._confirming?.id;
    this._confirming = null;
    await this.updateComplete;
    this.querySelector<HTMLButtonElement>(`button[data-token="${id}"]`)?.focus();
  }

  private async _revoke(token: AccessToken): Promise<void> {
    const user = this._session.user;
    if (!user) return;
    this._error = null;
    this._revoked = null;
    try {
      await revokeToken(user.login, token.id);
      this._confirming = null;
      if (this._created?.id === token.id) this._created = null;
      this._revoked = token.name;
      await this._tokens.run();
      this.querySelector<HTMLElement>('#tokens-list')?.focus();
    } catch (err) {
      this._error = asApiError(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-settings-tokens-page': FabSettingsTokensPage;
  }
}
