import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';

/** `/` and `/explore`: the public repositories of the forge. */
@customElement('fab-explore-page')
export class FabExplorePage extends LightDomElement {
  static override styles = css`
    fab-explore-page .fab-empty {
      margin: 0;
      padding: 2rem 1rem;
      color: var(--fab-muted);
      text-align: center;
      background: var(--fab-surface);
      border: 1px dashed var(--fab-border);
      border-radius: var(--fab-radius);
    }
  `;

  private _locale = new LocaleController(this);

  override render() {
    return html`
      <h1>${t('explore.heading')}</h1>
      <p class="fab-empty">${t('explore.empty')}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-explore-page': FabExplorePage;
  }
}
