import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController } from './i18n/index.js';
import { fullDate, relativeAge } from './browse-links.js';

/** A date shown as an age ("il y a 3 jours"), with the full date as its machine value and tooltip. */
@customElement('fab-relative-time')
export class FabRelativeTime extends LightDomElement {
  @property() datetime = '';

  private _locale = new LocaleController(this);

  override render() {
    if (!this.datetime) return html``;
    return html`<time datetime=${this.datetime} title=${fullDate(this.datetime)}>${relativeAge(this.datetime)}</time>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-relative-time': FabRelativeTime;
  }
}
