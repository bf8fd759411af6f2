import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';

/**
 * The one not-found page: a URL no route matches, and any page the server answers 404 for (an
 * owner, repository, file or commit that does not exist or that the visitor may not see).
 */
@customElement('fab-not-found-page')
export class FabNotFoundPage extends LightDomElement {
  static override styles = css`
    fab-not-found-page .fab-not-found {
      max-width: 40rem;
      margin: var(--fab-space-6) auto;
      padding: var(--fab-space-6) var(--fab-space-5);
      text-align: center;
    }
    fab-not-found-page .fab-eyebrow {
      margin: 0 0 var(--fab-space-2);
      color: var(--fab-muted);
      font-size: var(--fab-text-sm);
      font-weight: 600;
      letter-spacing: 0.08em;
      text-transform: uppercase;
    }
    fab-not-found-page .fab-path {
      display: inline-block;
      max-width: 100%;
      padding: var(--fab-space-1) var(--fab-space-2);
      overflow-wrap: anywhere;
      background: var(--fab-surface);
      border-radius: var(--fab-radius-sm);
    }
    fab-not-found-page .fab-not-found-actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      gap: var(--fab-space-3);
      margin-top: var(--fab-space-5);
    }
  `;

  /** The path that was asked for. */
  @property() path = '';

  private _locale = new LocaleController(this);

  override render() {
    return html`<div class="fab-not-found fab-box">
      <p class="fab-eyebrow">${t('notFound.code')}</p>
      <h1>${t('notFound.heading')}</h1>
      <p>${t('browse.notFound')}</p>
      <p><code class="fab-path">${this.path}</code></p>
      <div class="fab-not-found-actions">
        <a class="fab-button" href="/">${t('notFound.home')}</a>
        <a class="fab-button fab-secondary" href="/explore">${t('notFound.explore')}</a>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-not-found-page': FabNotFoundPage;
  }
}
