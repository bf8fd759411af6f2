import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';

/** Any URL no route matches. */
@customElement('fab-not-found-page')
export class FabNotFoundPage extends LightDomElement {
  /** The path that was asked for. */
  @property() path = '';

  private _locale = new LocaleController(this);

  override render() {
    return html`
      <h1>${t('notFound.heading')}</h1>
      <p>${t('notFound.body', { path: this.path })}</p>
      <p><a href="/">${t('notFound.home')}</a></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-not-found-page': FabNotFoundPage;
  }
}
