import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/account.js';
import { ApiError, NETWORK_ERROR } from '../api/client.js';
import { createFirstAdministrator, getSetupStatus, type CreatedUser, type SetupBody } from '../api/setup.js';

type Field = keyof SetupBody;

/** What the user reads for each API failure; the server's own detail follows for invalid input. */
function errorSummary(error: ApiError): MessageKey {
  switch (error.status) {
    case 403:
      return 'setup.error.invalidToken';
    case 409:
      return 'setup.error.alreadyDone';
    case 422:
      return 'setup.error.invalid';
    case NETWORK_ERROR:
      return 'setup.error.network';
    default:
      return 'setup.error.other';
  }
}

/** `/setup?token=…`: creates the first administrator with the one-time link printed in the server log. */
@customElement('fab-setup-page')
export class FabSetupPage extends LightDomElement {
  static override styles = css`
    fab-setup-page {
      max-width: 36rem;
    }
    fab-setup-page form {
      display: grid;
      gap: 1.25rem;
      margin-top: 1.5rem;
    }
    fab-setup-page label {
      display: block;
      font-weight: 600;
    }
    fab-setup-page .fab-hint {
      display: block;
      margin: 0.125rem 0 0.375rem;
      color: var(--fab-muted);
      font-size: 0.9375rem;
    }
    fab-setup-page input {
      width: 100%;
      margin-top: 0.25rem;
      padding: 0.5rem 0.625rem;
      font: inherit;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 2px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-setup-page input[aria-invalid='true'] {
      border-color: var(--fab-danger);
    }
    fab-setup-page button {
      justify-self: start;
      padding: 0.625rem 1.25rem;
      font: inherit;
      font-weight: 600;
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border: 2px solid var(--fab-accent);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-setup-page button:hover {
      background: var(--fab-accent-dark);
    }
    fab-setup-page button[disabled] {
      cursor: progress;
    }
    fab-setup-page .fab-alert:not(:empty),
    fab-setup-page .fab-success {
      padding: 0.75rem 1rem;
      border-left: 4px solid;
      border-radius: var(--fab-radius);
    }
    fab-setup-page .fab-alert:not(:empty) {
      color: var(--fab-danger);
      background: var(--fab-danger-bg);
    }
    fab-setup-page .fab-success {
      color: var(--fab-success);
      background: var(--fab-success-bg);
    }
    fab-setup-page .fab-alert p,
    fab-setup-page .fab-success p {
      margin: 0.25rem 0;
    }
  `;

  /** The one-time token from `?token=`; when empty, the form asks for it. */
  @property() token = '';

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;
  @state() private _created: CreatedUser | null = null;

  private _locale = new LocaleController(this);

  private _status = new Task(this, {
    task: (_args: readonly [], { signal }) => getSetupStatus(signal),
    args: () => [] as const,
  });

  override render() {
    return html`
      <h1>${t('setup.heading')}</h1>
      ${this._created
        ? this._renderSuccess(this._created)
        : this._status.render({
            pending: () => html`<p role="status">${t('setup.loading')}</p>`,
            complete: (status) => (status.needed ? this._renderForm() : html`<p>${t('setup.done')}</p><p><a href="/">${t('setup.home')}</a></p>`),
            // Without the status the form may still work: show it, the POST gives the real answer.
            error: () => this._renderForm(),
          })}
    `;
  }

  private _renderSuccess(created: CreatedUser) {
    return html`<div class="fab-success" role="status">
      <p id="setup-success" tabindex="-1">${t('setup.success', { login: created.login })}</p>
      <p><a href="/">${t('setup.home')}</a></p>
    </div>`;
  }

  private _renderForm() {
    const askToken = this.token === '';
    return html`
      <p>${t('setup.intro')}</p>
      ${askToken ? html`<p>${t('setup.noToken')}</p>` : nothing}
      <p>${t('setup.required')}</p>
      <div class="fab-alert" role="alert" id="setup-error">${this._error ? this._renderError(this._error) : nothing}</div>
      <form @submit=${this._submit} aria-describedby=${this._error ? 'setup-error' : nothing}>
        ${askToken ? this._renderField('token', 'setup.token', { type: 'text', autocomplete: 'off' }) : nothing}
        ${this._renderField('username', 'setup.username', { type: 'text', autocomplete: 'username', hint: 'setup.usernameHint' })}
        ${this._renderField('email', 'setup.email', { type: 'email', autocomplete: 'email' })}
        ${this._renderField('password', 'setup.password', { type: 'password', autocomplete: 'new-password', hint: 'setup.passwordHint', minlength: 8 })}
        <button type="submit" ?disabled=${this._submitting}>${this._submitting ? t('setup.submitting') : t('setup.submit')}</button>
      </form>
    `;
  }

  private _renderField(name: Field, label: MessageKey, options: { type: string; autocomplete: string; hint?: MessageKey; minlength?: number }) {
    const id = `setup-${name}`;
    const invalid = this._error?.field === name;
    const describedBy = [options.hint ? `${id}-hint` : '', invalid ? 'setup-error' : ''].filter(Boolean).join(' ');
    return html`<div>
      <label for=${id}>${t(label)}</label>
      ${options.hint ? html`<span class="fab-hint" id=${`${id}-hint`}>${t(options.hint)}</span>` : nothing}
      <input
        id=${id}
        name=${name}
        type=${options.type}
        autocomplete=${options.autocomplete}
        required
        minlength=${options.minlength ?? nothing}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${describedBy || nothing}
      />
    </div>`;
  }

  private _renderError(error: ApiError) {
    const summary = errorSummary(error);
    // The server's detail is English whatever the interface language: say so to screen readers.
    const detail = summary === 'setup.error.invalid' || summary === 'setup.error.other' ? html` <span lang="en">${error.message}</span>` : nothing;
    return html`<p>${t(summary)}${detail}</p>`;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: Field) => String(data.get(name) ?? '').trim();
    const input: SetupBody = {
      token: this.token || value('token'),
      username: value('username'),
      email: value('email'),
      // A password is taken as typed: spaces may be part of it.
      password: String(data.get('password') ?? ''),
    };
    this._submitting = true;
    this._error = null;
    try {
      this._created = await createFirstAdministrator(input);
      await this.updateComplete;
      this.querySelector<HTMLElement>('#setup-success')?.focus();
    } catch (err) {
      this._error = err instanceof ApiError ? err : new ApiError(NETWORK_ERROR, String(err));
      await this.updateComplete;
      if (this._error.field) this.querySelector<HTMLInputElement>(`#setup-${this._error.field}`)?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-setup-page': FabSetupPage;
  }
}
