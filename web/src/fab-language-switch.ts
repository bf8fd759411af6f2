import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LANGUAGES, LocaleController, language, setLanguage, t, type Language } from './i18n/index.js';

/** The FR/EN switch: one toggle button per language, the current one pressed. */
@customElement('fab-language-switch')
export class FabLanguageSwitch extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    div {
      display: flex;
      gap: 0.25rem;
    }
    button {
      font: inherit;
      font-size: 0.9375rem;
      min-height: 2.25rem;
      padding: 0.25rem 0.75rem;
      border: 2px solid currentColor;
      border-radius: var(--fab-radius, 6px);
      color: inherit;
      background: transparent;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      color: var(--fab-accent, #1d4e89);
      background: var(--fab-on-accent, #fff);
      border-color: var(--fab-on-accent, #fff);
      font-weight: 600;
    }
    button:hover {
      text-decoration: underline;
    }
    button:focus-visible {
      outline: 3px solid var(--fab-focus, currentColor);
      outline-offset: 2px;
    }
  `;

  private _locale = new LocaleController(this);

  override render() {
    const current = language();
    return html`<div role="group" aria-label=${t('layout.language')}>
      ${LANGUAGES.map(
        (lang) =>
          html`<button type="button" lang=${lang} aria-pressed=${lang === current ? 'true' : 'false'} @click=${() => this._choose(lang)}>
            ${t(`language.${lang}`)}
          </button>`,
      )}
    </div>`;
  }

  private _choose(lang: Language): void {
    // A failed load of the catalogue leaves the interface as it was; choosing again retries.
    setLanguage(lang).catch(() => undefined);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-language-switch': FabLanguageSwitch;
  }
}
