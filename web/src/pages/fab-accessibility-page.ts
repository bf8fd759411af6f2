import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/catalogue.js';

const DEFENSEUR_DES_DROITS = 'https://formulaire.defenseurdesdroits.fr/';

/** `/accessibilite`: the accessibility statement every page links to, as French law requires. */
@customElement('fab-accessibility-page')
export class FabAccessibilityPage extends LightDomElement {
  static override styles = css`
    fab-accessibility-page {
      max-width: 48rem;
    }
    fab-accessibility-page h2 {
      margin: 2rem 0 0.5rem;
      font-size: 1.375rem;
    }
    fab-accessibility-page .fab-status {
      font-weight: 700;
    }
  `;

  private _locale = new LocaleController(this);

  override render() {
    return html`
      <h1>${t('a11y.heading')}</h1>
      <p>${t('a11y.intro')}</p>
      <h2>${t('a11y.statusHeading')}</h2>
      <p class="fab-status">${t('a11y.status')}</p>
      <p>${t('a11y.statusWhy')}</p>
      <h2>${t('a11y.limitsHeading')}</h2>
      <p>${t('a11y.limits')}</p>
      <h2>${t('a11y.contactHeading')}</h2>
      <p>${t('a11y.contact')}</p>
      <h2>${t('a11y.remedyHeading')}</h2>
      <p>${t('a11y.remedy')} <a href=${DEFENSEUR_DES_DROITS} rel="external">${t('a11y.remedyLink')}</a>.</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-accessibility-page': FabAccessibilityPage;
  }
}
