import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import { confirmEmail } from '../api/account.js';
import { formStyles } from '../forms.js';
import { loadSession } from '../session.js';

/** `/user/confirm_email?token=`: follows the confirmation link mailed to a new address. */
@customElement('fab-confirm-email-page')
export class FabConfirmEmailPage extends LightDomElement {
  static override styles = formStyles;

  @property() token = '';

  private _locale = new LocaleController(this);

  private _confirmed = new Task(this, {
    task: async ([token], { signal }) => {
      // Opened while signed in (the usual case), the change must carry the session's CSRF token.
      await loadSession();
      return confirmEmail(token, signal);
    },
    args: () => [this.token] as const,
  });

  override render() {
    return html`
      <h1>${t('confirmEmail.heading')}</h1>
      ${this._confirmed.render({
        pending: () => html`<p role="status">${t('confirmEmail.checking')}</p>`,
        complete: (email) => html`<div role="status"><p class="fab-success">${t('confirmEmail.done', { email: email.email })}</p></div>`,
        error: () => html`<p class="fab-warning">${t('confirmEmail.spent')}</p><p><a href="/user/settings">${t('confirmEmail.toSettings')}</a></p>`,
      })}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-confirm-email-page': FabConfirmEmailPage;
  }
}
